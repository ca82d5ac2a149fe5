/**
 * Crash safety against real worker processes killed with SIGKILL at random moments (see
 * `support/crash-scenario.ts`). `CRASH_SEED` replays a run; `npm run fuzz` runs many seeds.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
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

describe("crash safety", () => {
  it("kill -9 of workers at random points: new workers complete every traversal; nothing created twice or orphaned", { timeout: 240_000 }, async () => {
    await crashScenario({ redisUrl: redis.url, seed: Number(process.env.CRASH_SEED ?? Date.now() % 100_000), kills: 3 });
  });
});
