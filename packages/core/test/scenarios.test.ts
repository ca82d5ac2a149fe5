/**
 * The SCENARIOS.md acceptance suite on the memory runtime: in queue (FIFO) order, in seeded
 * random orders, and with every check delivered twice.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Reality, memoryScenarioHarness, scenarios } from "@converge/core/testing";
import type { MemoryScenarioHarnessOptions, Scenario } from "@converge/core/testing";
import { errorMessage } from "../src/error-message.js";

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const DUPLICATE_SEEDS = [1, 2, 3, 4, 5, 6];

async function run(scenario: Scenario, options: MemoryScenarioHarnessOptions): Promise<Reality> {
  const reality = new Reality();
  const harness = await memoryScenarioHarness(options)(reality);
  try {
    await scenario.run(harness);
  } finally {
    await harness.close();
  }
  return reality;
}

/** At-least-once delivery must never make a second physical resource for one row's create. */
function assertOneCreatePerRow(reality: Reality): void {
  const perRow = new Map<string, number>();
  for (const op of reality.log) {
    if (op.op !== "create") continue;
    assert.ok(op.rowId !== undefined, "the scenario type records the row of each create");
    perRow.set(op.rowId, (perRow.get(op.rowId) ?? 0) + 1);
  }
  const twice = [...perRow].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], "rows whose create made more than one physical resource");
}

describe("scenarios, FIFO order", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      await run(scenario, { order: "fifo" });
    });
  }
});

describe("scenarios, seeded random orders", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      for (const seed of SEEDS) {
        await run(scenario, { order: "random", seed }).catch((error: unknown) => {
          throw new Error(`seed ${seed}: ${errorMessage(error)}`, { cause: error });
        });
      }
    });
  }
});

describe("scenarios, every check delivered twice", () => {
  // A non-idempotent create makes a double create visible in reality instead of deduplicating it.
  const type = { idempotent: false } as const;
  for (const scenario of scenarios) {
    it(`${scenario.name} (FIFO)`, async () => {
      assertOneCreatePerRow(await run(scenario, { order: "fifo", duplicate: true, type }));
    });
    it(`${scenario.name} (random orders)`, async () => {
      for (const seed of DUPLICATE_SEEDS) {
        const reality = await run(scenario, { order: "random", seed, duplicate: true, type }).catch((error: unknown) => {
          throw new Error(`seed ${seed}: ${errorMessage(error)}`, { cause: error });
        });
        assertOneCreatePerRow(reality);
      }
    });
  }
});
