/**
 * Chaos (`npm run fuzz`): kills, pauses longer than the lease, dropped replies and a Redis
 * restart with AOF, combined in one run (see `support/chaos-scenario.ts`).
 * `CHAOS_RUNS` runs (default 3) from `CHAOS_SEED` (default: the time); `CHAOS_FAULTS`
 * (comma-separated: kill,pause,drop-reply,redis-restart) narrows the faults drawn.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, startTcpProxy, testRedis } from "@converge/runtime-redis/testing";
import type { RedisServerHandle, TcpProxy, TestRedis } from "@converge/runtime-redis/testing";
import { FAULTS, chaosScenario } from "./support/chaos-scenario.js";
import type { Fault } from "./support/chaos-scenario.js";

let state: RedisServerHandle;
let proxy: TcpProxy;
let cloud: TestRedis;
beforeAll(async () => {
  state = await startRedisServer({ args: ["--appendonly", "yes", "--appendfsync", "always"] });
  proxy = await startTcpProxy({ host: "127.0.0.1", port: state.port });
  cloud = await testRedis();
});
afterAll(async () => {
  await proxy.close();
  await state.stop();
  await cloud.stop();
});

const runs = Number(process.env.CHAOS_RUNS ?? 3);
const first = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
const only = (process.env.CHAOS_FAULTS ?? "").split(",").filter((f): f is Fault => (FAULTS as readonly string[]).includes(f));

describe("chaos: kills, pauses, lost replies and a Redis restart", () => {
  for (let i = 0; i < runs; i++) {
    it(`seed ${first + i}`, { timeout: 900_000 }, async () => {
      const { faults, states } = await chaosScenario({ state, proxy, cloudUrl: cloud.url, seed: first + i, ...(only.length > 0 ? { faults: only } : {}) });
      console.info(`chaos seed ${first + i}: faults ${JSON.stringify(faults)}, replies dropped so far ${proxy.dropped()}; ended ${states.join(", ")}`);
      // Each run must have exercised faults while traversals ran (faults land only while rows
      // are in progress, so a fast traversal may take fewer than it was given).
      expect(Object.values(faults).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
    });
  }
});
