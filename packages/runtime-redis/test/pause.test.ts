/**
 * A worker paused longer than its lease (issue 9, item 2), on real Redis with worker
 * processes: worker 1 is SIGSTOPped while its create of A is in flight (the fake cloud saw it
 * start; the call ignores its abort signal); worker 2 takes A over and creates it; then worker
 * 1 is resumed and its create returns a second resource, which it cannot record. That
 * resource must be deleted (through the type), so no duplicate is left and the stack's
 * delete leaves the cloud empty.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { describe, it } from "vitest";
import { createEngine } from "@converge/core";
import type { Engine, StackInfo, Template } from "@converge/core";
import { errorsOnlyLogger, verify } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { CLOUD_TYPE, RedisCloud } from "./support/redis-cloud.js";
import { startWorkerProcess } from "./support/worker-processes.js";
import type { WorkerProcess } from "./support/worker-processes.js";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const T: Template = {
  resources: {
    A: { type: CLOUD_TYPE, properties: { a: "1" } },
    B: { type: CLOUD_TYPE, properties: { c: { get_resource: "A" } } },
  },
};

/** Poll `done` (observed state, never a fixed delay) until it holds or `ms` passed; returns whether it held. */
async function until(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return done();
}

async function waitFor(api: Engine, name: string, ms: number): Promise<StackInfo> {
  return api.waitForStack(name, { signal: AbortSignal.timeout(ms) }).catch(async () => api.getStack(name));
}

describe("a worker paused longer than its lease", () => {
  it("its create, returning after another worker made the resource, is deleted: no duplicate, no orphan", { timeout: 120_000 }, async () => {
    const prefix = uniquePrefix("pause");
    const client = new Redis(redis.url);
    const cloud = new RedisCloud(client, prefix);
    const runtime = createRedisRuntime({ connection: redis.url, prefix, logger: errorsOnlyLogger, leaseTtlMs: 1500 });
    const api = createEngine({ runtime, types: [cloud.type()], worker: false, logger: errorsOnlyLogger, watchdogIntervalMs: 2000 });
    const workers: WorkerProcess[] = [];
    try {
      const first = await startWorkerProcess({ redis: redis.url, prefix, engineId: `pause-1-${prefix}`, concurrency: 2, fast: true, holdCreate: "A" });
      workers.push(first);
      await api.createStack("paused", T);
      const inFlight = await until(async () => (await cloud.held()) && (await api.listResources("paused")).some((r) => r.name === "A" && r.state === "CREATE_IN_PROGRESS"), 30_000);
      assert.ok(inFlight, "worker 1 never started the create of A");
      first.pause();
      workers.push(await startWorkerProcess({ redis: redis.url, prefix, engineId: `pause-2-${prefix}`, concurrency: 2, fast: true }));
      const created = await waitFor(api, "paused", 60_000);
      assert.equal(created.state, "CREATE_COMPLETE", `worker 2 did not take over: ${created.statusReason}`);
      const recorded = (await api.listResources("paused")).find((r) => r.name === "A")?.physicalId;
      // Worker 1 wakes; its held create goes on and makes a second A that it cannot record.
      await cloud.releaseHeld();
      first.resume();
      const creates = async (): Promise<number> => (await cloud.log()).filter((line) => line.startsWith("create paused-A-")).length;
      assert.ok(await until(async () => (await creates()) === 2, 30_000), "worker 1's held create never ran after SIGCONT");
      const cleaned = await until(async () => (await cloud.load()).live("A").length === 1, 30_000);
      const live = (await cloud.load()).live("A").map((r) => r.physicalId);
      assert.ok(cleaned, `the create worker 1 could not record was left behind: live A resources ${live.join(", ")}`);
      assert.deepEqual(live, [recorded]);
      assert.deepEqual(verify(await cloud.load(), T), { ok: true, problems: [] });
      await api.deleteStack("paused");
      assert.equal((await waitFor(api, "paused", 60_000)).state, "DELETE_COMPLETE");
      const left = await cloud.load();
      assert.deepEqual([...left.entries.keys()], [], "resources outlived the stack's delete");
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await api.close();
      await runtime.close();
      client.disconnect();
    }
  });
});
