/**
 * Work per check must not grow with the stack (W-F): counted, not timed. A check reads its
 * own sync point and answers "did I already report?" in O(1), so the sync-point entries read
 * per check stay the same whether a wide stack or a fan-in has 100 or 400 resources.
 */
import { describe, expect, it } from "vitest";
import { createEngine, createMemoryRuntime } from "@converge/core";
import type { Template } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";

async function entriesReadPerCheck(template: Template): Promise<number> {
  const runtime = createMemoryRuntime({ mode: "manual" });
  const { store } = runtime;
  let entries = 0;
  const readSync = store.readSync.bind(store);
  store.readSync = async (...args) => {
    const read = await readSync(...args);
    entries += read?.size ?? 0;
    return read;
  };
  const engine = createEngine({ runtime, types: [createScenarioType(new Reality())] });
  await engine.createStack("s", template);
  const checks = await runtime.runUntilIdle();
  expect((await engine.getStack("s")).state).toBe("CREATE_COMPLETE");
  await engine.close();
  return entries / checks;
}

const wide = (n: number): Template => ({ resources: Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i}`, { type: SCENARIO_TYPE }])) });
const fanIn = (n: number): Template => {
  const leaves = Array.from({ length: n }, (_, i) => `r${i}`);
  return { resources: { ...wide(n).resources, hub: { type: SCENARIO_TYPE, depends_on: leaves } } };
};

describe("sync-point reads per check", () => {
  it("do not grow with the number of roots (wide stack)", async () => {
    const small = await entriesReadPerCheck(wide(100));
    const large = await entriesReadPerCheck(wide(400));
    expect(large).toBeLessThanOrEqual(small * 1.1 + 1);
  });

  it("grow only for the node that has many predecessors (fan-in)", async () => {
    // The hub reads its n inputs once: about one entry per check on average, not n per check.
    const small = await entriesReadPerCheck(fanIn(100));
    const large = await entriesReadPerCheck(fanIn(400));
    expect(large).toBeLessThanOrEqual(small * 1.1 + 1);
  });
});
