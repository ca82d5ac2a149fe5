import { describe, expect, it } from "vitest";
import { RuntimeStateError } from "../errors.js";
import { createMemoryRuntime } from "../memory/memory-runtime.js";
import { createEngine } from "./create-engine.js";

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe("engine.ready()", () => {
  it("resolves once the worker is registered: the engine is live", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = createEngine({ runtime, types: [], engineId: "e1", logger: quiet });
    await engine.ready();
    expect(runtime.liveEngines()).toEqual(["e1"]);
    await engine.close();
  });

  it("rejects with the runtime's error when the engine id is already registered", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    await runtime.registerWorker("e1", async () => undefined);
    const engine = createEngine({ runtime, types: [], engineId: "e1", logger: quiet });
    await expect(engine.ready()).rejects.toThrow(RuntimeStateError);
    await engine.close();
  });

  it("resolves at once for an engine without a worker", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = createEngine({ runtime, types: [], engineId: "api", worker: false, logger: quiet });
    await engine.ready();
    expect(runtime.liveEngines()).toEqual([]);
  });
});
