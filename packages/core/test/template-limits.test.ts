/**
 * The nesting limit through the engine: a too-deep template or parameter value is refused by
 * `createStack` with a TemplateNestingError before anything is written, and a template nested
 * exactly to the limit (with parameter values as deep) runs through every recursive walk of
 * a create - compile, resolve, the store's copies, the views, a snapshot saved as JSON and
 * restored - without overflowing.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_TEMPLATE_DEPTH, TemplateNestingError, createEngine, createMemoryRuntime, defineResourceType, parseMemorySnapshot } from "@converge/core";
import type { Engine, MemoryRuntime, Template } from "@converge/core";
import { silentLogger } from "./support/protocol-kit.js";

/** A type that accepts any value and reports it back as attribute `v`. */
const Echo = defineResourceType({
  type: "test:echo:Resource",
  properties: z.object({ v: z.unknown().optional() }),
  attributes: ["v"],
  create: async (ctx) => ({ physicalId: `echo-${ctx.resourceName}`, attributes: { v: ctx.properties.v ?? null } }),
  delete: async () => undefined,
});

function lists(depth: number, inner: unknown = 1): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function start(runtime: MemoryRuntime): Engine {
  return createEngine({ runtime, types: [Echo], logger: silentLogger, engineId: "e1" });
}

async function refused(engine: Engine, template: unknown, parameters?: Record<string, unknown>): Promise<TemplateNestingError> {
  const error: unknown = await engine.createStack("s", template as never, parameters === undefined ? undefined : { parameters }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TemplateNestingError);
  return error as TemplateNestingError;
}

describe("nesting limit through the engine", () => {
  it("refuses too-deep properties, functions, outputs and parameter values, writing nothing", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = start(runtime);
    let fn: unknown = "x";
    for (let i = 0; i < 1000; i++) fn = { list_join: [",", [fn]] };
    const deep = lists(2000);
    expect((await refused(engine, { resources: { a: { type: Echo.type, properties: { v: deep } } } })).path).toMatch(/^resources\.a\.properties\.v\.0\.0/);
    expect((await refused(engine, { resources: { a: { type: Echo.type, properties: { v: fn } } } })).path).toMatch(/^resources\.a\.properties\.v\.list_join/);
    expect((await refused(engine, { outputs: { o: { value: deep } } })).path).toMatch(/^outputs\.o\.value\.0/);
    const withJson = { parameters: { p: { type: "json" } }, resources: { a: { type: Echo.type, properties: { v: { get_param: "p" } } } } };
    expect((await refused(engine, withJson, { p: deep })).path).toMatch(/^parameters\.p\.0/);
    expect(await engine.listStacks()).toEqual([]);
  });

  it("runs a template nested to the limit, with as deep a parameter value, through create, views and a snapshot", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = start(runtime);
    // The property value is level 5: 96 levels fit; the parameter value may nest 100 on its own.
    const literal = lists(MAX_TEMPLATE_DEPTH - 4);
    const param = lists(MAX_TEMPLATE_DEPTH);
    const template: Template = {
      parameters: { p: { type: "json" } },
      resources: {
        a: { type: Echo.type, properties: { v: literal } },
        b: { type: Echo.type, properties: { v: [{ get_param: "p" }, { get_attr: ["a", "v"] }] } },
      },
      outputs: { o: { value: { get_attr: ["b", "v"] } } },
    };
    await engine.createStack("s", template, { parameters: { p: param } });
    await runtime.runUntilIdle();
    const stack = await engine.waitForStack("s");
    expect(stack.state).toBe("CREATE_COMPLETE");
    expect(stack.outputs.o).toEqual([param, literal]);
    const restored = createMemoryRuntime({ mode: "manual", state: parseMemorySnapshot(JSON.parse(JSON.stringify(runtime.snapshot())), { source: "test" }) });
    expect((await start(restored).getStack("s")).outputs.o).toEqual([param, literal]);
  });
});
