/**
 * A runtime without the contract's optional fused operations (`writeRowWithEvent`,
 * `reportNode`, `nodeReported`): the protocol composes them from the basic operations. The
 * memory runtime with `fusedOperations: false` is such a runtime; the scenarios (in order,
 * and with every check delivered twice) and the conformance suite hold on it as well.
 */
import { describe, expect, it } from "vitest";
import { createEngine, createMemoryRuntime } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType, memoryConformanceTarget, memoryScenarioHarness, runtimeConformance, scenarios } from "@converge/core/testing";
import type { MemoryScenarioHarnessOptions, Scenario } from "@converge/core/testing";

async function run(scenario: Scenario, options: MemoryScenarioHarnessOptions): Promise<void> {
  const harness = await memoryScenarioHarness({ ...options, fusedOperations: false })(new Reality());
  try {
    await scenario.run(harness);
  } finally {
    await harness.close();
  }
}

describe("composed operations: the memory runtime has none of them", () => {
  it("fusedOperations: false leaves the optional operations out; the default has them", () => {
    const composed = createMemoryRuntime({ fusedOperations: false }).store;
    expect([composed.writeRowWithEvent, composed.reportNode, composed.nodeReported]).toEqual([undefined, undefined, undefined]);
    const fused = createMemoryRuntime().store;
    expect(typeof fused.writeRowWithEvent).toBe("function");
    expect(typeof fused.reportNode).toBe("function");
  });

  it("both make the same events and rows for a stack", async () => {
    const outcome = async (fusedOperations: boolean): Promise<unknown> => {
      const runtime = createMemoryRuntime({ mode: "manual", fusedOperations });
      const engine = createEngine({ runtime, types: [createScenarioType(new Reality())] });
      const template = { resources: { a: { type: SCENARIO_TYPE, properties: { a: "1" } }, b: { type: SCENARIO_TYPE, properties: { c: { get_resource: "a" } } } } };
      await engine.createStack("s", template);
      await runtime.runUntilIdle();
      await engine.updateStack("s", { resources: { b: template.resources.b, a: { type: SCENARIO_TYPE, properties: { a: "2" } } } });
      await runtime.runUntilIdle();
      const events: string[] = [];
      for await (const e of engine.events("s")) events.push(`${e.kind} ${e.resourceName ?? ""} ${e.rowId ?? ""} ${e.physicalId ?? ""} ${e.action}_${e.status} ${e.reason}`);
      const resources = (await engine.listResources("s")).map((r) => `${r.name} ${r.state} ${r.physicalId ?? ""}`);
      await engine.close();
      return { events, resources };
    };
    expect(await outcome(true)).toEqual(await outcome(false));
  });
});

describe("composed operations: scenarios", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      await run(scenario, { order: "fifo" });
      await run(scenario, { order: "random", seed: 3, duplicate: true, type: { idempotent: false } });
    });
  }
});

describe("composed operations: runtime conformance", () => {
  for (const c of runtimeConformance(memoryConformanceTarget({ fusedOperations: false }))) it(c.name, () => c.run());
});
