import { describe, expect, it } from "vitest";
import { StackExistsError, StackNotFoundError, TemplateValidationError, UnknownResourceTypeError } from "../errors.js";
import { createMemoryRuntime } from "../memory/memory-runtime.js";
import type { StackEvent } from "../model/types.js";
import { Reality } from "../testing/reality.js";
import { SCENARIO_TYPE, createScenarioType, verify } from "../testing/scenario-type.js";
import type { Template } from "../template/types.js";
import { z } from "zod";
import { defineResourceType } from "../plugin/define-resource-type.js";
import { createEngine } from "./create-engine.js";

const T = SCENARIO_TYPE;
const base: Template = {
  resources: {
    A: { type: T, properties: { a: "one" } },
    B: { type: T, properties: { c: { get_resource: "A" }, ca: { get_attr: ["A", "a"] } } },
    C: { type: T, properties: { b: "x" }, depends_on: "B" },
  },
  outputs: { a_id: { value: { get_resource: "A" } }, b_ca: { value: { get_attr: ["B", "a"] } }, a_val: { value: { get_attr: ["A", "a"] } } },
};
const withA = (a: string): Template => ({ ...base, resources: { ...base.resources, A: { type: T, properties: { a } } } });
const withoutC: Template = { resources: { A: base.resources!.A!, B: base.resources!.B! }, outputs: {} };

type Mode = "manual" | "auto";

function setup(mode: Mode) {
  const reality = new Reality();
  const runtime = createMemoryRuntime({ mode });
  const engine = createEngine({ runtime, types: [createScenarioType(reality)] });
  const settle = async (name: string) => {
    if (mode === "manual") await runtime.runUntilIdle();
    return engine.waitForStack(name);
  };
  return { reality, runtime, engine, settle };
}

async function collect(iterable: AsyncIterable<StackEvent>): Promise<StackEvent[]> {
  const out: StackEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

describe.each<Mode>(["manual", "auto"])("engine on the %s scheduler", (mode) => {
  it("creates a stack, resolves outputs and records events", async () => {
    const { engine, reality, settle } = setup(mode);
    const started = await engine.createStack("s", base);
    expect(started.state).toBe("CREATE_IN_PROGRESS");
    const done = await settle("s");
    expect(done.state).toBe("CREATE_COMPLETE");
    expect(verify(reality, base).problems).toEqual([]);
    const a = reality.live("A")[0]?.physicalId;
    expect(done.outputs).toEqual({ a_id: a, b_ca: null, a_val: "one" });
    const events = await collect(engine.events("s"));
    const states = events.map((e) => `${e.resourceName ?? "stack"}:${e.action}_${e.status}`);
    expect(states[0]).toBe("stack:CREATE_IN_PROGRESS");
    expect(states.at(-1)).toBe("stack:CREATE_COMPLETE");
    expect(states.indexOf("A:CREATE_COMPLETE")).toBeLessThan(states.indexOf("B:CREATE_IN_PROGRESS"));
    expect(states.indexOf("B:CREATE_COMPLETE")).toBeLessThan(states.indexOf("C:CREATE_IN_PROGRESS"));
    const rows = await engine.listResources("s");
    expect(rows.map((r) => `${r.name}:${r.state}`)).toEqual(["A:CREATE_COMPLETE", "B:CREATE_COMPLETE", "C:CREATE_COMPLETE"]);
    expect(rows[1]?.requires).toEqual([rows[0]?.id]);
  });

  it("updates in place, keeping physical ids, and re-resolves dependents", async () => {
    const { engine, reality, settle } = setup(mode);
    await engine.createStack("s", base);
    await settle("s");
    const ids = Object.fromEntries(["A", "B", "C"].map((n) => [n, reality.live(n)[0]?.physicalId]));
    await engine.updateStack("s", withA("two"));
    const done = await settle("s");
    expect(done.state).toBe("UPDATE_COMPLETE");
    expect(verify(reality, withA("two")).problems).toEqual([]);
    for (const n of ["A", "B", "C"]) expect(reality.live(n)[0]?.physicalId).toBe(ids[n]);
    expect(reality.log.filter((o) => o.op === "update").map((o) => o.name)).toEqual(["A", "B"]);
    expect(done.outputs.a_val).toBe("two");
  });

  it("removes a resource that left the template, then deletes the stack", async () => {
    const { engine, reality, settle } = setup(mode);
    await engine.createStack("s", base);
    await settle("s");
    await engine.updateStack("s", withoutC);
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(reality, withoutC).problems).toEqual([]);
    expect((await engine.listResources("s")).map((r) => r.name)).toEqual(["A", "B"]);
    await engine.deleteStack("s");
    const gone = await settle("s");
    expect(gone.deleted).toBe(true);
    expect(reality.entries.size).toBe(0);
    expect(reality.log.slice(-2).map((o) => `${o.op}:${o.name}`)).toEqual(["delete:B", "delete:A"]);
    expect(await engine.listStacks()).toEqual([]);
    await expect(engine.getStack("s")).rejects.toThrow(StackNotFoundError);
  });
});

describe("engine API errors", () => {
  it("rejects bad input before writing anything", async () => {
    const { engine, reality } = setup("manual");
    await expect(engine.createStack("s", { resources: { X: { type: "nope:nope:Nope" } } })).rejects.toThrow(UnknownResourceTypeError);
    await expect(engine.createStack("s", "resources: [")).rejects.toThrow(TemplateValidationError);
    await expect(engine.createStack("9bad", base)).rejects.toThrow(/invalid stack name/);
    expect(await engine.listStacks()).toEqual([]);
    await expect(engine.updateStack("missing", base)).rejects.toThrow(StackNotFoundError);
    await expect(engine.deleteStack("missing")).rejects.toThrow(StackNotFoundError);
    await engine.createStack("s", base);
    await expect(engine.createStack("s", base)).rejects.toThrow(StackExistsError);
    expect(reality.log).toEqual([]);
  });

  it("previews an update without touching anything", async () => {
    const { engine, reality, runtime } = setup("manual");
    await engine.createStack("s", base);
    await runtime.runUntilIdle();
    const before = reality.log.length;
    const preview = await engine.previewUpdate("s", {
      resources: {
        A: { type: T, properties: { a: "one", "!a": "x" } },
        B: { type: T, properties: { c: { get_resource: "A" }, ca: { get_attr: ["A", "a"] } } },
        N: { type: T },
      },
    });
    expect(Object.fromEntries(preview.resources.map((r) => [r.name, r.action]))).toEqual({ A: "replace", B: "unknown", N: "create", C: "delete" });
    const same = await engine.previewUpdate("s", base);
    expect(same.resources.every((r) => r.action === "no_change")).toBe(true);
    expect(reality.log.length).toBe(before);
  });

  it("lets a type's diff hook have the last word, as the engine does", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const Tagged = defineResourceType({
      type: "test:misc:Tagged",
      properties: z.object({ fixed: z.string(), note: z.string().optional() }),
      attributes: ["fixed"],
      updatable: ["note"],
      diff: (old, next) => (old.note === next.note ? "none" : "update"), // `fixed` is cosmetic
      async create(ctx) {
        return { physicalId: ctx.properties.fixed, attributes: { fixed: ctx.properties.fixed } };
      },
      async update() {},
      async delete() {},
    });
    const engine = createEngine({ runtime, types: [Tagged] });
    const tpl = (fixed: string): Template => ({
      resources: { a: { type: "test:misc:Tagged", properties: { fixed: "a" } }, b: { type: "test:misc:Tagged", properties: { fixed } } },
    });
    await engine.createStack("s", tpl("one"));
    await runtime.runUntilIdle();
    const actions = async (t: Template) => Object.fromEntries((await engine.previewUpdate("s", t)).resources.map((r) => [r.name, r.action]));
    expect(await actions(tpl("two"))).toEqual({ a: "no_change", b: "no_change" });
    await engine.updateStack("s", tpl("two"));
    await runtime.runUntilIdle();
    expect((await engine.listResources("s")).filter((r) => r.name === "b").map((r) => r.physicalId)).toEqual(["one"]);
    await engine.close();
  });

  it("a start whose timers cannot be scheduled writes nothing: no stack record, no changed stack", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    let refuse = true;
    const refusing = {
      ...runtime,
      schedule: async (...args: Parameters<typeof runtime.schedule>) => (refuse ? Promise.reject(new Error("NOPERM no 'info' today")) : runtime.schedule(...args)),
    };
    const engine = createEngine({ runtime: refusing, types: [createScenarioType(new Reality())] });
    await expect(engine.createStack("s", base)).rejects.toThrow("NOPERM no 'info' today");
    expect(await engine.listStacks()).toEqual([]);
    await expect(engine.getStack("s")).rejects.toThrow(StackNotFoundError);
    refuse = false;
    await engine.createStack("s", base);
    await runtime.runUntilIdle();
    const before = await engine.getStack("s");
    expect(before.state).toBe("CREATE_COMPLETE");
    refuse = true;
    await expect(engine.updateStack("s", withA("two"))).rejects.toThrow("NOPERM");
    expect(await engine.getStack("s")).toEqual(before);
    await engine.close();
  });

  it("a create whose record write fails after its timers were scheduled: the timers find no stack and stay quiet", async () => {
    const errors: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => void errors.push(m) };
    const runtime = createMemoryRuntime({ mode: "manual", logger });
    const store: typeof runtime.store = Object.assign(Object.create(runtime.store) as typeof runtime.store, {
      createStack: async () => Promise.reject(new Error("store refused the write")),
    });
    const engine = createEngine({ runtime: { ...runtime, store }, types: [createScenarioType(new Reality())], logger });
    await expect(engine.createStack("s", base)).rejects.toThrow("store refused the write");
    runtime.advanceTime(24 * 3600_000);
    // The watchdog timer fired for the stack that was never written.
    expect(runtime.pending().map((p) => p.message.kind)).toContain("watchdog");
    await runtime.runUntilIdle();
    expect(errors).toEqual([]);
    await engine.close();
  });

  it("reports a failed worker registration from its operations, not as an unhandled rejection", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const broken = { ...runtime, registerWorker: async () => Promise.reject(new Error("no queue today")) };
    const engine = createEngine({ runtime: broken, types: [createScenarioType(new Reality())] });
    await expect(engine.createStack("s", base)).rejects.toThrow("no queue today");
    await expect(engine.close()).resolves.toBeUndefined();
  });
});
