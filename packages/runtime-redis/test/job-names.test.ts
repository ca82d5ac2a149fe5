/**
 * What people see in the queue (Bull Board, Taskforce): each check's job is named for what it
 * does - `<stack>/<resource> update`, `<stack>/<resource> cleanup`, `<stack> complete` - and
 * failed jobs stay in BullMQ's failed set for inspection, within `keepFailedJobs` (at most
 * `maxCount`; `false` keeps none).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { createEngine } from "@converge/core";
import type { CheckMessage } from "@converge/core";
import { Reality, createScenarioType } from "@converge/core/testing";
import { DEFAULT_KEEP_FAILED_JOBS, createRedisRuntime, resolveRedisRuntimeOptions } from "@converge/runtime-redis";
import type { RedisRuntime, RedisRuntimeOptions } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { jobName } from "../src/check-queue.js";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const res = (a: string, extra: Record<string, unknown> = {}) => ({ type: "test:scenario:Resource", properties: { a, ...extra } });

/** Names of the jobs waiting now, sorted. */
async function waitingNames(runtime: RedisRuntime): Promise<string[]> {
  return (await runtime.queue.getWaiting()).map((job) => job.name).sort();
}

function manual(options: Partial<RedisRuntimeOptions> = {}): RedisRuntime {
  return createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("names"), mode: "manual", logger: quiet, ...options });
}

describe("job names", () => {
  it("name the stack, the resource and the direction of each check", async () => {
    const runtime = manual();
    const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], engineId: uniquePrefix("e"), logger: quiet });
    try {
      await engine.createStack("web", { resources: { db: res("1"), app: res("1", { c: { get_resource: "db" } }) } });
      assert.deepEqual(await waitingNames(runtime), ["web/db update"]);
      await runtime.step();
      assert.deepEqual(await waitingNames(runtime), ["web/app update"]);
      await runtime.step();
      assert.deepEqual(await waitingNames(runtime), ["web complete"]);
      await runtime.runUntilIdle();
      assert.equal((await engine.getStack("web")).state, "CREATE_COMPLETE");

      await engine.updateStack("web", { resources: { db: res("1") } });
      assert.deepEqual(await waitingNames(runtime), ["web/app cleanup", "web/db update"]);
      // The timers scheduled by the update are named too.
      const delayed = (await runtime.queue.getDelayed()).map((job) => job.name).sort();
      assert.ok(delayed.includes("web timeout") && delayed.includes("web watchdog"), `delayed jobs: ${delayed.join(", ")}`);
      await runtime.runUntilIdle();
      assert.equal((await engine.getStack("web")).state, "UPDATE_COMPLETE");
    } finally {
      await engine.close();
      await runtime.close();
    }
  });

  it("fall back to the ids when a name is unknown, and cut long names", () => {
    const node: CheckMessage = { kind: "node", stackId: "s-1", traversalId: "t", rowId: "7", direction: "C" };
    assert.equal(jobName(node, null, null), "s-1/row 7 cleanup");
    assert.equal(jobName({ kind: "timeout", stackId: "s-1", traversalId: "t" }, "web", null), "web timeout");
    const long = jobName(node, "s".repeat(500), "r".repeat(500));
    assert.ok(long.length < 260 && long.endsWith("… cleanup"), long);
  });
});

describe("failed jobs", () => {
  /** Add `n` jobs that fail (corrupt payloads) and run them; the failed set's size after. */
  async function failJobs(runtime: RedisRuntime, n: number): Promise<number> {
    const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], engineId: uniquePrefix("e"), logger: quiet });
    try {
      await engine.createStack("ok", { resources: {} }); // the engine is registered once this ran
      await runtime.runUntilIdle();
      for (let i = 0; i < n; i++) await runtime.queue.add("node", { kind: "node", stackId: 7 }, { jobId: `bad-${i}` });
      assert.equal(await runtime.runUntilIdle(), n);
      return await runtime.queue.getFailedCount();
    } finally {
      await engine.close();
      await runtime.close();
    }
  }

  it("are kept for inspection, at most maxCount of them", async () => {
    assert.equal(await failJobs(manual(), 3), 3);
    assert.equal(await failJobs(manual({ keepFailedJobs: { maxCount: 2 } }), 4), 2);
  });

  it("are removed at once with keepFailedJobs: false", async () => {
    assert.equal(await failJobs(manual({ keepFailedJobs: false }), 2), 0);
  });

  it("keepFailedJobs defaults to a week and 1000 jobs, and bad values are named", () => {
    const base = { connection: "redis://127.0.0.1:1" };
    assert.deepEqual(resolveRedisRuntimeOptions(base).keepFailedJobs, { maxAgeMs: 604_800_000, maxCount: 1000 });
    assert.deepEqual(DEFAULT_KEEP_FAILED_JOBS, { maxAgeMs: 604_800_000, maxCount: 1000 });
    assert.deepEqual(resolveRedisRuntimeOptions({ ...base, keepFailedJobs: { maxAgeMs: 60_000 } }).keepFailedJobs, { maxAgeMs: 60_000, maxCount: 1000 });
    assert.throws(() => resolveRedisRuntimeOptions({ ...base, keepFailedJobs: { maxCount: 0 } }), /keepFailedJobs\.maxCount/);
    assert.throws(() => resolveRedisRuntimeOptions({ ...base, keepFailedJobs: { maxAgeMs: 10 } }), /keepFailedJobs\.maxAgeMs/);
    assert.throws(() => resolveRedisRuntimeOptions({ ...base, keepFailedJobs: "forever" as never }), /keepFailedJobs/);
  });
});
