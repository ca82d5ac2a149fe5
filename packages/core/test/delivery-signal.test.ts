/**
 * A delivery's `signal` (runtime contract): a runtime that takes a check back from an engine
 * before it ended aborts it, and the check's in-flight plugin calls are aborted - like a
 * cancellation, but for that one check. Here a memory runtime is wrapped so that its
 * deliveries carry a signal the test controls.
 */
import { describe, expect, it } from "vitest";
import { createEngine, createMemoryRuntime } from "@converge/core";
import type { Runtime } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { silentLogger } from "./support/protocol-kit.js";

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function blockedCreate(honourAbort: boolean) {
  const runtime = createMemoryRuntime({ mode: "manual" });
  const handBack = new AbortController();
  const deliveries: Runtime = {
    ...runtime,
    registerWorker: (engineId, handler, options) => runtime.registerWorker(engineId, (delivery) => handler({ ...delivery, signal: handBack.signal }), options),
  };
  const reality = new Reality();
  const release = reality.block("create", "a");
  const engine = createEngine({ runtime: deliveries, types: [createScenarioType(reality, { honourAbort })], engineId: "e1", logger: silentLogger });
  await engine.createStack("s", { resources: { a: { type: SCENARIO_TYPE, properties: { a: "1" } } } });
  const step = runtime.step();
  while (!reality.calls.some((c) => c.op === "create" && c.name === "a")) await tick();
  return { runtime, reality, engine, handBack, step, release };
}

describe("a delivery's signal", () => {
  it("aborts the check's in-flight plugin call", async () => {
    const { reality, engine, handBack, step } = await blockedCreate(true);
    handBack.abort("handed back");
    await step;
    expect(reality.counts().a).toBeUndefined();
    const [row] = await engine.listResources("s");
    expect(row?.state).toBe("CREATE_FAILED");
    expect(row?.statusReason).toMatch(/aborted/);
    await engine.close();
  });

  it("leaves a call alone while it is not aborted", async () => {
    const { runtime, reality, engine, step, release } = await blockedCreate(true);
    release();
    await step;
    await runtime.runUntilIdle();
    expect(reality.counts().a).toBe(1);
    expect((await engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    await engine.close();
  });
});
