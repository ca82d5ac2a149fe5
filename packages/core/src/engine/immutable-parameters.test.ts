import { describe, expect, it } from "vitest";
import { ImmutableParameterError, ParameterError } from "../errors.js";
import { createMemoryRuntime } from "../memory/memory-runtime.js";
import { parseMemorySnapshot } from "../memory/snapshot.js";
import { Reality } from "../testing/reality.js";
import { SCENARIO_TYPE, createScenarioType } from "../testing/scenario-type.js";
import type { Template } from "../template/types.js";
import { createEngine } from "./create-engine.js";

const template = (declarations: Record<string, Record<string, unknown>>): Template =>
  ({
    parameters: declarations,
    resources: { A: { type: SCENARIO_TYPE, properties: { a: { get_param: Object.keys(declarations)[0] as string } } } },
  }) as unknown as Template;

async function setup() {
  const runtime = createMemoryRuntime({ mode: "manual" });
  const engine = createEngine({ runtime, types: [createScenarioType(new Reality())] });
  const settle = async (name: string) => {
    await runtime.runUntilIdle();
    return engine.waitForStack(name);
  };
  return { engine, settle, runtime };
}

describe("immutable parameters", () => {
  const declared = template({ zone: { type: "string", default: "a", immutable: true }, size: { type: "string", default: "1", immutable: true }, free: { type: "string", default: "x" } });

  it("reject an update (and its preview) that changes their values, naming them, and write nothing", async () => {
    const { engine, settle } = await setup();
    await engine.createStack("s", declared);
    expect((await settle("s")).state).toBe("CREATE_COMPLETE");
    const error = await engine.updateStack("s", declared, { parameters: { zone: "b", size: "2" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImmutableParameterError);
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ImmutableParameterError).path).toBe("parameters.zone");
    expect((error as ImmutableParameterError).names).toEqual(["zone", "size"]);
    expect((error as Error).message).toMatch(/the parameters "zone", "size" are immutable and may not be changed by an update/);
    await expect(engine.previewUpdate("s", declared, { parameters: { size: "3" } })).rejects.toThrow(/parameters\.size: the parameter "size" is immutable/);
    expect((await engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    // A changed default counts too: the value is what changed.
    const newDefault = template({ zone: { type: "string", default: "z", immutable: true } });
    await expect(engine.updateStack("s", newDefault)).rejects.toBeInstanceOf(ImmutableParameterError);
  });

  it("allow the same values, a mutable parameter's change, a parameter new to the stack, and one no longer immutable", async () => {
    const { engine, settle } = await setup();
    await engine.createStack("s", declared, { parameters: { zone: "b" } });
    await settle("s");
    await engine.updateStack("s", declared, { parameters: { zone: "b", free: "y" } });
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
    const added = template({ zone: { type: "string", default: "b", immutable: true }, extra: { type: "string", default: "e", immutable: true } });
    await engine.updateStack("s", added, { parameters: {} });
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
    await engine.updateStack("s", template({ zone: { type: "string", default: "c" } }), { parameters: {} });
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
  });

  it("compare hidden values without storing them in clear", async () => {
    const { engine, settle } = await setup();
    const hidden = template({ key: { type: "string", hidden: true, immutable: true } });
    await engine.createStack("s", hidden, { parameters: { key: "s3cret" } });
    await settle("s");
    await expect(engine.updateStack("s", hidden, { parameters: { key: "other" } })).rejects.toThrow(/"key" is immutable/);
    await engine.updateStack("s", hidden, { parameters: { key: "s3cret" } });
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
    const compiled = engine.validateTemplate(hidden, { parameters: { key: "s3cret" } });
    expect(JSON.stringify(compiled)).not.toContain("s3cret");
  });

  it("are enforced after the runtime is saved and restored (the CLI's state file)", async () => {
    const { engine, settle, runtime } = await setup();
    await engine.createStack("s", declared, { parameters: { zone: "b" } });
    await settle("s");
    const json = JSON.stringify(runtime.snapshot());
    const restored = createMemoryRuntime({ mode: "manual", state: parseMemorySnapshot(JSON.parse(json) as unknown, { source: "test" }) });
    const again = createEngine({ runtime: restored, types: [createScenarioType(new Reality())] });
    await expect(again.updateStack("s", declared, { parameters: { zone: "c" } })).rejects.toBeInstanceOf(ImmutableParameterError);
  });

  it("must be declared true or false", async () => {
    const { engine } = await setup();
    expect(() => engine.validateTemplate(template({ p: { type: "string", default: "a", immutable: "yes" } }))).toThrow(/parameters\.p\.immutable: immutable must be true or false/);
  });
});
