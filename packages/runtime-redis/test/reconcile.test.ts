/**
 * Continuous reconciliation on Redis (issue 13): the `reconcile` timer is a delayed BullMQ job
 * whose id holds the stack and the run's due time, so three worker processes run each
 * interval's check once; the chain survives SIGKILLed workers (the next run is scheduled in
 * Redis before each run starts its check, and a run delivered again starts nothing new).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import { reconcileOffset } from "@converge/core/internal";
import type { Engine } from "@converge/core";
import { createRedisRuntime } from "@converge/runtime-redis";
import type { RedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";

import { CLOUD_TYPE, RedisCloud } from "./support/redis-cloud.js";
import { startWorkerProcess } from "./support/worker-processes.js";
import type { WorkerProcess } from "./support/worker-processes.js";
import { errorsOnlyLogger } from "@converge/core/testing";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const EVERY = 2000;

/** Follow the stack's events until `count` reconcile checks completed; returns their due times in start order. */
async function reconcileChecks(api: Engine, name: string, count: number, after: string | undefined): Promise<{ dues: number[]; last: string | undefined }> {
  const dues: number[] = [];
  let completed = 0;
  let last = after;
  const signal = AbortSignal.timeout(60_000);
  for await (const e of api.events(name, { follow: true, signal, ...(after === undefined ? {} : { after }) })) {
    last = e.seq;
    if (e.kind !== "stack" || e.action !== "CHECK") continue;
    const due = /reconcile due (\d+)/.exec(e.reason);
    if (e.status === "IN_PROGRESS" && due !== null) dues.push(Number(due[1]));
    if (e.status === "COMPLETE") completed += 1;
    if (completed >= count) break;
  }
  assert.ok(completed >= count, `only ${completed} of ${count} reconcile checks completed within 60 s`);
  return { dues, last };
}

describe("reconcile on Redis", () => {
  it("3 worker processes run each interval's check once, and the chain survives killed workers", { timeout: 180_000 }, async () => {
    const prefix = uniquePrefix("reconcile");
    const client = new Redis(redis.url);
    const cloud = new RedisCloud(client, prefix);
    const runtime: RedisRuntime = createRedisRuntime({ connection: redis.url, prefix, logger: errorsOnlyLogger });
    const api = createEngine({ runtime, types: [cloud.type()], worker: false, logger: errorsOnlyLogger });
    const workers: WorkerProcess[] = [];
    try {
      workers.push(...(await Promise.all([1, 2, 3].map((n) => startWorkerProcess({ redis: redis.url, prefix, engineId: `rc-${n}-${prefix}`, fast: true })))));
      const template = { resources: { A: { type: CLOUD_TYPE, properties: { a: "1" } }, B: { type: CLOUD_TYPE, properties: { a: "1" } } } };
      await api.createStack("r", template, { reconcile: { every: EVERY, mode: "report" } });
      assert.equal((await api.waitForStack("r")).state, "CREATE_COMPLETE");
      const stackId = (await api.getStack("r")).id;

      const before = await reconcileChecks(api, "r", 3, undefined);
      // A worker dies (perhaps mid-run: the run was scheduled before its check started).
      await workers[0]?.kill9();
      const middle = await reconcileChecks(api, "r", 2, before.last);
      await workers[1]?.kill9();
      const after = await reconcileChecks(api, "r", 2, middle.last);

      const dues = [...before.dues, ...middle.dues, ...after.dues];
      assert.equal(new Set(dues).size, dues.length, `a run started more than one check: ${dues.join(", ")}`);
      for (let i = 1; i < dues.length; i++) assert.ok((dues[i] as number) > (dues[i - 1] as number), `runs out of order: ${dues.join(", ")}`);
      for (const due of dues) assert.equal(due % EVERY, reconcileOffset(stackId, EVERY), `due ${due} is off the stack's grid`);
      // One run per interval: a run already scheduled is never duplicated by the other workers.
      const pending = (await runtime.queue.getDelayed()).filter((job) => (job.data as { kind?: string }).kind === "reconcile");
      assert.equal(pending.length, 1, `pending reconcile jobs: ${pending.map((j) => j.id).join(", ")}`);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await runtime.close();
      client.disconnect();
    }
  });
});
