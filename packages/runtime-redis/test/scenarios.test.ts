/**
 * The 21 scenarios of SCENARIOS.md on the Redis runtime: every check a BullMQ job taken one
 * at a time in FIFO order (manual mode), against real Redis state - and again with every
 * check delivered twice.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Reality, scenarios } from "@converge/core/testing";
import type { Scenario } from "@converge/core/testing";
import { redisScenarioHarness } from "@converge/runtime-redis/testing";
import type { RedisScenarioHarnessOptions } from "@converge/runtime-redis/testing";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

async function run(scenario: Scenario, options: Omit<RedisScenarioHarnessOptions, "connection"> = {}): Promise<Reality> {
  const reality = new Reality();
  const harness = await redisScenarioHarness({ ...options, connection: redis.url })(reality);
  try {
    await scenario.run(harness);
  } finally {
    await harness.close();
  }
  return reality;
}

describe("scenarios on Redis, FIFO order", () => {
  for (const scenario of scenarios) it(scenario.name, () => run(scenario).then(() => undefined));
});

describe("scenarios on Redis, every check delivered twice", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      // A non-idempotent create would make a double create visible in reality.
      const reality = await run(scenario, { duplicate: true, type: { idempotent: false } });
      const perRow = new Map<string, number>();
      for (const op of reality.log) if (op.op === "create" && op.rowId !== undefined) perRow.set(op.rowId, (perRow.get(op.rowId) ?? 0) + 1);
      assert.deepEqual([...perRow].filter(([, n]) => n > 1), [], "rows whose create made more than one physical resource");
    });
  }
});
