import { describe, expect, it } from "vitest";
import { createEngine, createMemoryRuntime } from "@converge/core";
import type { Template } from "@converge/core";
import { handlerContext, silentLogger } from "@converge/core/testing";
import { None, RandomString, TestResource, Value } from "@converge/plugins";
import { coerceValue } from "../src/heat/value.js";
import { stackKit } from "./support/stack-kit.js";


describe("coerceValue", () => {
  const ok = (value: unknown, type: Parameters<typeof coerceValue>[1]) => {
    const r = coerceValue(value, type);
    return r.ok ? r.value : `error: ${r.message}`;
  };
  it.each<[unknown, Parameters<typeof coerceValue>[1], unknown]>([
    [{ a: [1] }, undefined, { a: [1] }],
    [7, "string", "7"],
    [true, "string", "true"],
    ["3.5", "number", 3.5],
    [12, "number", 12],
    ['{"a": 1}', "json", { a: 1 }],
    [{ a: 1 }, "json", { a: 1 }],
    [[1, 2], "json", [1, 2]],
    ["yes", "boolean", true],
    ["Off", "boolean", false],
    [0, "boolean", false],
    ["a, b ,c", "comma_delimited_list", ["a", "b", "c"]],
    ["", "comma_delimited_list", []],
    [[1, { a: 2 }], "comma_delimited_list", [1, { a: 2 }]],
  ])("converts %j to %s", (value, type, expected) => {
    expect(ok(value, type)).toEqual(expected);
  });
  it.each<[unknown, Parameters<typeof coerceValue>[1], RegExp]>([
    [[1], "string", /value must be a string for type string, got list/],
    ["abc", "number", /must be a number/],
    ["", "number", /must be a number/],
    ["[1", "json", /must be a map, a list or JSON text/],
    ["42", "json", /must be a map, a list or JSON text/],
    ["maybe", "boolean", /must be a boolean/],
    [{ a: 1 }, "comma_delimited_list", /must be a list or a comma-separated string/],
  ])("rejects %j as %s", (value, type, message) => {
    expect(ok(value, type)).toMatch(message);
  });
});

describe("OS::Heat::Value in a stack", () => {
  const template = (value: unknown, type?: string): Template => ({
    heat_template_version: "2018-08-31",
    parameters: { port: { type: "number", default: 8080 } },
    resources: {
      v: { type: "OS::Heat::Value", properties: { value, ...(type === undefined ? {} : { type }) } },
      uses: { type: "OS::Heat::Value", properties: { value: { list_join: ["-", [{ get_attr: ["v", "value"] }, "x"]] }, type: "string" } },
    },
    outputs: { v: { value: { get_attr: ["v", "value"] } }, uses: { value: { get_attr: ["uses", "value"] } }, ref: { value: { get_resource: "v" } } },
  });

  it("exposes the typed value, updates it in place and fails on a value that does not fit", async () => {
    const kit = stackKit([Value]);
    const created = await kit.create("s", template({ str_replace: { template: "port $P", params: { $P: { get_param: "port" } } } }, "string"));
    expect(created.outputs).toMatchObject({ v: "port 8080", uses: "port 8080-x" });
    expect(created.outputs.ref).toMatch(/^s-v-[a-z2-7]{12}$/);
    const updated = await kit.update("s", template("7", "number"));
    expect(updated.state).toBe("UPDATE_COMPLETE");
    expect(updated.outputs).toMatchObject({ v: 7, uses: "7-x", ref: created.outputs.ref });
    expect(() => kit.engine.validateTemplate(template(1, "map"))).toThrow(/resources\.v\.properties\.type/);
    expect(() => kit.engine.validateTemplate({ resources: { v: { type: "OS::Heat::Value", properties: {} } } })).toThrow(/required property "value"/);
    // A literal that does not fit is rejected before anything is written ...
    expect(() => kit.engine.validateTemplate(template("abc", "number"))).toThrow(/resources\.v\.properties\.value: value must be a number for type number/);
    // ... one known only at run time fails the resource.
    const fromAttr: Template = {
      resources: {
        src: { type: "OS::Heat::Value", properties: { value: "abc" } },
        v: { type: "OS::Heat::Value", properties: { value: { get_attr: ["src", "value"] }, type: "number" } },
      },
    };
    const bad = await kit.update("s", fromAttr, { disableRollback: true });
    expect(bad.state).toBe("UPDATE_FAILED");
    expect(bad.statusReason).toMatch(/value must be a number for type number/);
  });
});

describe("OS::Heat::None in a stack", () => {
  const template = (properties: Record<string, unknown>): Template => ({
    heat_template_version: "2018-08-31",
    resources: { stub: { type: "OS::Heat::None", properties }, after: { type: "OS::Heat::None", depends_on: "stub" } },
    outputs: { ref: { value: { get_resource: "stub" } } },
  });

  it("accepts any properties and never updates or replaces", async () => {
    const kit = stackKit([None]);
    const created = await kit.create("s", template({ image: "cirros", flavor: "m1.tiny", nested: { a: [1, 2] } }));
    expect(created.state).toBe("CREATE_COMPLETE");
    expect(created.outputs.ref).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const preview = await kit.engine.previewUpdate("s", template({ image: "fedora" }));
    expect(preview.resources.map((r) => r.action)).toEqual(["no_change", "no_change"]);
    const before = (await kit.events("s")).length;
    const updated = await kit.update("s", template({ image: "fedora" }));
    expect(updated.state).toBe("UPDATE_COMPLETE");
    expect(updated.outputs.ref).toBe(created.outputs.ref);
    const resourceEvents = (await kit.events("s")).slice(before).filter((e) => e.kind === "resource");
    expect(resourceEvents).toEqual([]);
    await kit.remove("s");
    expect(await kit.engine.listStacks()).toEqual([]);
  });

  it("answers every get_attr with null, as Heat does", async () => {
    const kit = stackKit([None]);
    const stub: Template = {
      resources: { stub: { type: "OS::Heat::None" }, user: { type: "OS::Heat::None", properties: { ip: { get_attr: ["stub", "first_address"] } } } },
      outputs: { x: { value: { get_attr: ["stub", "anything", "deep", 0] } }, y: { value: { get_attr: ["stub", "networks"] } } },
    };
    const created = await kit.create("s", stub);
    expect(created.state).toBe("CREATE_COMPLETE");
    expect(created.outputs).toEqual({ x: null, y: null });
    expect((await kit.live("s")).get("user")?.properties).toEqual({ ip: null });
  });
});

describe("read of the engine-side values", () => {
  it("reports a Value or a None as recorded (always in sync), with the typed value, and gone without a physical id", async () => {
    const value = Value.properties.parse({ value: "42", type: "number" });
    const read = await Value.read?.({ ...handlerContext(), physicalId: "s-v-1", properties: value });
    expect(read).toEqual({ exists: true, physicalId: "s-v-1", attributes: { value: 42 }, properties: { value: "42", type: "number" } });
    expect(await Value.read?.({ ...handlerContext(), physicalId: null, properties: value })).toEqual({ exists: false });
    const stub = None.properties.parse({ anything: { goes: [1] } });
    expect(await None.read?.({ ...handlerContext(), physicalId: "u-1", properties: stub })).toEqual({ exists: true, physicalId: "u-1", properties: { anything: { goes: [1] } } });
    expect(await None.read?.({ ...handlerContext(), physicalId: null, properties: stub })).toEqual({ exists: false });
  });

  it("gives no read to RandomString (its string exists only in the record) nor TestResource (it stands for a remote resource)", () => {
    expect(RandomString.read).toBeUndefined();
    expect(TestResource.read).toBeUndefined();
  });
});

describe("OS::Heat::Value after a crash", () => {
  it("resumes an interrupted create through read (gone without an id: created again) with the typed value, at every crash point", async () => {
    const template: Template = {
      heat_template_version: "2018-08-31",
      resources: { v: { type: "OS::Heat::Value", properties: { value: "7", type: "number" } } },
      outputs: { v: { value: { get_attr: ["v", "value"] } } },
    };
    let interrupted = 0;
    for (let crashAfterOps = 1; crashAfterOps <= 40; crashAfterOps++) {
      const runtime = createMemoryRuntime({ mode: "manual" });
      const crashing = createEngine({ runtime, types: [Value], engineId: "crashing", logger: silentLogger });
      const engine = createEngine({ runtime, types: [Value], engineId: "survivor", logger: silentLogger });
      try {
        await crashing.createStack("s", template);
        await runtime.step({ engineId: "crashing", crashAfterOps });
        if (runtime.liveEngines().includes("crashing")) break;
        interrupted++;
        await runtime.runUntilIdle({ maxSteps: 1_000 });
        // A crash between the row's write and the traversal's report is the watchdog's to find
        // (past its 30 s interval, well within the 60 min default stack timeout).
        runtime.advanceTime(60_000);
        await runtime.runUntilIdle({ maxSteps: 1_000 });
        const info = await engine.getStack("s");
        expect(info.state, `crash after ${crashAfterOps} store operations`).toBe("CREATE_COMPLETE");
        expect(info.outputs).toEqual({ v: 7 });
      } finally {
        await crashing.close();
        await engine.close();
        await runtime.close();
      }
    }
    expect(interrupted).toBeGreaterThan(1);
  });
});
