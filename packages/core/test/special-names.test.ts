/**
 * Names that are also members of `Object.prototype` (`__proto__`, `constructor`,
 * `prototype`) are ordinary names end to end: parameters, conditions, resources, outputs and
 * property keys named so survive parsing, compiling, the traversal, the stack and resource
 * views, and a memory snapshot saved as JSON and restored. A plain `obj[name] = value` would
 * silently drop `__proto__` (it sets the prototype instead).
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ErrorCode, InvalidStackNameError, TemplateValidationError, createEngine, createMemoryRuntime, defineResourceType, parseMemorySnapshot, parseTemplate } from "@converge/core";
import type { Engine, MemoryRuntime } from "@converge/core";
import { silentLogger } from "./support/protocol-kit.js";

/** A type that accepts any property and reports each property as an attribute of the same name. */
const Echo = defineResourceType({
  type: "test:echo:Resource",
  properties: z.object({ v: z.unknown().optional() }).loose(),
  attributes: ["v"],
  create: async (ctx) => ({ physicalId: `echo-${ctx.resourceName}`, attributes: { v: ctx.properties.v ?? null } }),
  delete: async () => undefined,
});

// Written as JSON text: in a JavaScript object literal `__proto__:` sets the prototype.
const TEXT = `{
  "parameters": { "__proto__": { "type": "string", "default": "p" }, "constructor": { "type": "string", "default": "c" } },
  "conditions": { "__proto__": { "equals": [{ "get_param": "__proto__" }, "p"] }, "prototype": true },
  "resources": {
    "__proto__": { "type": "${Echo.type}", "condition": "__proto__", "properties": { "v": { "__proto__": { "get_param": "__proto__" }, "k": 1 } } },
    "constructor": { "type": "${Echo.type}", "properties": { "v": { "get_attr": ["__proto__", "v"] }, "constructor": "top" } }
  },
  "outputs": {
    "__proto__": { "value": { "get_resource": "__proto__" } },
    "constructor": { "value": { "get_attr": ["constructor", "v"] }, "condition": "prototype" },
    "prototype": { "value": { "get_param": "constructor" } }
  }
}`;

function start(runtime: MemoryRuntime): Engine {
  return createEngine({ runtime, types: [Echo], logger: silentLogger, engineId: "e1" });
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

function own(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value));
}

const expectedOutputs = '{"__proto__":"echo-__proto__","constructor":{"__proto__":"p","k":1},"prototype":"c"}';

describe("names that are members of Object.prototype", () => {
  it("parse as own keys", () => {
    const template = parseTemplate(TEXT, "json");
    expect(Object.keys(template.resources ?? {})).toEqual(["__proto__", "constructor"]);
    expect(Object.keys(template.outputs ?? {})).toEqual(["__proto__", "constructor", "prototype"]);
  });

  it("reject a property named __proto__, which the type's schema would drop", () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const text = `{"resources": {"a": {"type": "${Echo.type}", "properties": {"__proto__": "x"}}}}`;
    const error = thrownBy(() => start(runtime).validateTemplate(parseTemplate(text, "json")));
    expect(error).toBeInstanceOf(TemplateValidationError);
    expect((error as TemplateValidationError).path).toBe("resources.a.properties.__proto__");
  });

  it("work through a create, the views and a snapshot restored from JSON", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = start(runtime);
    await engine.createStack("s", parseTemplate(TEXT, "json"));
    await runtime.runUntilIdle();
    const stack = await engine.waitForStack("s");
    expect(stack.state).toBe("CREATE_COMPLETE");
    expect(Object.keys(stack.outputs)).toEqual(["__proto__", "constructor", "prototype"]);
    expect(JSON.stringify(stack.outputs)).toBe(expectedOutputs);
    expect(Object.getPrototypeOf(stack.outputs)).toBe(Object.prototype);

    const resources = await engine.listResources("s");
    expect(resources.map((r) => r.name).sort()).toEqual(["__proto__", "constructor"]);
    const ctor = resources.find((r) => r.name === "constructor");
    expect(Object.keys(ctor?.properties ?? {}).sort()).toEqual(["constructor", "v"]);
    expect(own(ctor?.properties ?? {}).constructor).toBe("top");
    expect(JSON.stringify(ctor?.properties.v)).toBe('{"__proto__":"p","k":1}');

    const saved = JSON.parse(JSON.stringify(runtime.snapshot())) as unknown;
    const restored = createMemoryRuntime({ mode: "manual", state: parseMemorySnapshot(saved, { source: "test" }) });
    const again = await start(restored).getStack("s");
    expect(Object.keys(again.outputs)).toEqual(["__proto__", "constructor", "prototype"]);
    expect(JSON.stringify(again.outputs)).toBe(JSON.stringify(stack.outputs));
  });
});

describe("attributes named like members of Object.prototype", () => {
  it("that a plugin did not return are null, never the inherited member", async () => {
    const Bare = defineResourceType({
      type: "test:bare:Resource",
      properties: z.object({ x: z.unknown().optional() }),
      attributes: ["constructor", "toString"],
      create: async () => ({ physicalId: "bare-1" }),
      delete: async () => undefined,
    });
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = createEngine({ runtime, types: [Bare], logger: silentLogger });
    await engine.createStack("s", {
      resources: { a: { type: Bare.type }, b: { type: Bare.type, properties: { x: { get_attr: ["a", "constructor"] } } } },
      outputs: { c: { value: { get_attr: ["a", "constructor"] } }, t: { value: { get_attr: ["a", "toString"] } } },
    });
    await runtime.runUntilIdle();
    const stack = await engine.waitForStack("s");
    expect(stack.state).toBe("CREATE_COMPLETE");
    expect(own(stack.outputs)).toEqual({ c: null, t: null });
    const b = (await engine.listResources("s")).find((r) => r.name === "b");
    expect(own(b?.properties ?? {})).toEqual({ x: null });
  });
});

describe("attributes fetched with getAttribute", () => {
  it("are fetched when named like members of Object.prototype", async () => {
    const Fetch = defineResourceType({
      type: "test:fetch:Resource",
      properties: z.object({ x: z.unknown().optional() }),
      attributes: ["constructor", "valueOf"],
      create: async () => ({ physicalId: "fetch-1" }),
      getAttribute: async (_ctx, name) => `fetched ${name}`,
      delete: async () => undefined,
    });
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = createEngine({ runtime, types: [Fetch], logger: silentLogger });
    await engine.createStack("s", {
      resources: { a: { type: Fetch.type }, b: { type: Fetch.type, properties: { x: [{ get_attr: ["a", "constructor"] }, { get_attr: ["a", "valueOf"] }] } } },
    });
    await runtime.runUntilIdle();
    expect((await engine.waitForStack("s")).state).toBe("CREATE_COMPLETE");
    const b = (await engine.listResources("s")).find((r) => r.name === "b");
    expect(own(b?.properties ?? {})).toEqual({ x: ["fetched constructor", "fetched valueOf"] });
  });

  it("are fetched for an unchanged resource when an update first reads them", async () => {
    const Fetch = defineResourceType({
      type: "test:fetch:Resource",
      properties: z.object({ x: z.unknown().optional() }),
      attributes: ["toString"],
      create: async () => ({ physicalId: "fetch-1" }),
      update: async () => ({}),
      getAttribute: async (_ctx, name) => `fetched ${name}`,
      delete: async () => undefined,
    });
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = createEngine({ runtime, types: [Fetch], logger: silentLogger });
    await engine.createStack("s", { resources: { a: { type: Fetch.type }, b: { type: Fetch.type, properties: { x: 1 } } } });
    await runtime.runUntilIdle();
    await engine.updateStack("s", { resources: { a: { type: Fetch.type }, b: { type: Fetch.type, properties: { x: { get_attr: ["a", "toString"] } } } } });
    await runtime.runUntilIdle();
    expect((await engine.waitForStack("s")).state).toBe("UPDATE_COMPLETE");
    const b = (await engine.listResources("s")).find((r) => r.name === "b");
    expect(own(b?.properties ?? {})).toEqual({ x: "fetched toString" });
  });
});

describe("stack names", () => {
  it.each(["", "a\nb", "nul\u0000", "tab\t", " lead"])("%j is refused with the name shown escaped", async (name) => {
    const engine = start(createMemoryRuntime({ mode: "manual" }));
    const error: unknown = await engine.createStack(name, { resources: {} }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidStackNameError);
    expect(error).not.toBeInstanceOf(TemplateValidationError);
    expect(error).toMatchObject({ code: ErrorCode.STACK_NAME_INVALID, stackName: name });
    expect((error as Error).message).toContain(`invalid stack name ${JSON.stringify(name)}`);
  });
});
