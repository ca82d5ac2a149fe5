/**
 * No single call blocks Redis: creating, reading and starting the delete of a large stack
 * leaves no entry over 50 ms in Redis's SLOWLOG (this file's own redis-server, so nothing
 * else runs there). Rows go in chunks (`insertRows-2`) before the graph's small
 * compare-and-set, jobs in addBulk batches, rows are read in HSCAN pages, keys are UNLINKed.
 *
 * N = 20,000 resources (a 100k stack takes minutes of test time on a shared 2-core machine;
 * `BENCH_WORKERS=4 BENCH_N=100000 npm run bench:redis` covers that size). Every O(N) call this
 * test guards against took over 50 ms at 20k before (installGraph-5 alone ~1 s).
 *
 * SLOWLOG measures wall time: on a loaded machine the kernel preempts Redis in the middle of
 * any command, for tens of ms when the machine is busy. The test's own server is given CPU
 * priority while it runs (when the process may raise it), and the machine's noise is read from
 * the log itself: the slowest small plain command (a few arguments, no script: O(1) work). An
 * entry fails the test when it is over 50 ms, over twice that noise and over a tenth of all the
 * CPU time Redis spent in the run (a preempted chunk stays far below that; the one O(N) call
 * of before was ~40% of it at 20k, and more at 100k).
 */
import assert from "node:assert/strict";
import { setPriority } from "node:os";
import { describe, it } from "vitest";
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { Template } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();
const N = 20_000;

/** CPU time Redis has used, µs. */
async function redisCpuUs(client: Redis): Promise<number> {
  const info = await client.info("cpu");
  return (Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1])) * 1e6;
}

describe("a large stack on Redis", () => {
  it(`creates (${N} resources), reads and starts its delete without a SLOWLOG entry over 50 ms`, { timeout: 240_000 }, async () => {
    const admin = new Redis(redis.url);
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("slowlog"), mode: "manual", logger: quiet });
    const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], logger: quiet });
    try {
      const pid = Number(/process_id:(\d+)/.exec(await admin.info("server"))?.[1]);
      try {
        setPriority(pid, -10);
      } catch {
        // Not permitted here: the measure includes the machine's load.
      }
      await admin.config("SET", "slowlog-log-slower-than", "50000");
      await admin.slowlog("RESET");
      const cpuBefore = await redisCpuUs(admin);
      const template: Template = { resources: Object.fromEntries(Array.from({ length: N }, (_, i) => [`r${i}`, { type: SCENARIO_TYPE, properties: { a: String(i) } }])) };
      const { id } = await engine.createStack("big", template);
      assert.equal((await runtime.store.loadRows(id)).length, N);
      assert.equal(await runtime.queue.getWaitingCount(), N);
      await runtime.activity(id);
      await engine.deleteStack("big");
      const redisCpu = (await redisCpuUs(admin)) - cpuBefore;
      const slow = (await admin.slowlog("GET", 100)) as Array<[number, number, number, string[]]>;
      const ours = slow.filter((entry) => !["config", "slowlog", "info"].includes(String(entry[3][0]).toLowerCase()));
      const small = ours.filter((entry) => entry[3].length <= 12 && !/^eval/i.test(String(entry[3][0])));
      const noise = Math.max(0, ...small.map((entry) => entry[2]));
      const limit = Math.max(50_000, 2 * noise, redisCpu / 10);
      const over = ours.filter((entry) => entry[2] > limit);
      assert.deepEqual(over.map((entry) => `${entry[3].slice(0, 2).join(" ")}: ${entry[2]} µs (limit ${Math.round(limit)} µs)`), []);
    } finally {
      await engine.close();
      await runtime.close();
      admin.disconnect();
    }
  });
});
