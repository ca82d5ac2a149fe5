/**
 * The crash scenario over many seeds, with more kills per traversal (`npm run fuzz`):
 * `CRASH_RUNS` runs (default 5) from `CRASH_SEED` (default: the time).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRedis } from "@converge/runtime-redis/testing";
import type { TestRedis } from "@converge/runtime-redis/testing";
import { crashScenario } from "./support/crash-scenario.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await redis.stop();
});

const runs = Number(process.env.CRASH_RUNS ?? 5);
const first = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);

describe("crash safety, many seeds", () => {
  for (let i = 0; i < runs; i++) {
    it(`seed ${first + i}: 5 kills per traversal, each of a worker holding a row in progress`, { timeout: 600_000 }, async () => {
      const kills = await crashScenario({ redisUrl: redis.url, seed: first + i, kills: 5 });
      expect(kills).toHaveLength(5 + 5 + 4);
    });
  }
});
