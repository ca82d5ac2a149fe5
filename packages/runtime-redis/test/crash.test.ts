/**
 * Crash safety: worker processes are killed with SIGKILL at random moments of a traversal
 * (create, an update with replacements, delete), and new ones started. BullMQ's stalled-job
 * recovery delivers the dead workers' checks again, the protocol resumes the interrupted
 * operations (a create through `read`, by its idempotency key), the watchdog covers the rest.
 * Every stack must complete; the cloud - whose creates are not idempotent - must hold each
 * resource once, with no resource created twice and none orphaned.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, it } from "vitest";
import { Redis } from "ioredis";
import { createEngine, createRandom } from "@converge/core";
import type { Engine, StackInfo, Template } from "@converge/core";
import { verify } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { testRedis, uniquePrefix } from "@converge/runtime-redis/testing";
import type { TestRedis } from "@converge/runtime-redis/testing";
import { RedisCloud } from "./support/redis-cloud.js";
import { chainsTemplate } from "./support/stack-templates.js";
import { startWorkerProcess } from "./support/worker-processes.js";
import type { WorkerProcess } from "./support/worker-processes.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await redis.stop();
});

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("crash safety", () => {
  it("kill -9 of workers at random points: new workers complete every traversal; nothing created twice or orphaned", { timeout: 240_000 }, async () => {
    const prefix = uniquePrefix("crash");
    const random = createRandom(Number(process.env.CRASH_SEED ?? Date.now() % 100_000));
    const client = new Redis(redis.url);
    const cloud = new RedisCloud(client, prefix);
    const runtime = createRedisRuntime({ connection: redis.url, prefix, logger: quiet, leaseTtlMs: 1500 });
    const api = createEngine({ runtime, types: [cloud.type()], worker: false, logger: quiet, watchdogIntervalMs: 2000 });
    let n = 0;
    const spawnWorker = (): Promise<WorkerProcess> => startWorkerProcess({ redis: redis.url, prefix, engineId: `crash-${++n}-${prefix}`, concurrency: 4, delayMs: 120, fast: true });
    let workers: WorkerProcess[] = await Promise.all([spawnWorker(), spawnWorker()]);
    let kills = 0;

    /** Kill workers at random moments while the stack's traversal runs; then wait for its end. */
    const converge = async (start: () => Promise<StackInfo>, maxKills: number): Promise<StackInfo> => {
      const { traversalId } = await start();
      let killed = 0;
      while (killed < maxKills) {
        await sleep(150 + Math.floor(random() * 500));
        const info = await api.getStack("crashy").catch(() => null);
        if (info === null || info.status !== "IN_PROGRESS" || info.traversalId !== traversalId) break;
        const victim = workers[Math.floor(random() * workers.length)] as WorkerProcess;
        await victim.kill9();
        killed += 1;
        workers = [...workers.filter((w) => w !== victim), await spawnWorker()];
      }
      kills += killed;
      return waitOrFail(api, "crashy", 90_000);
    };

    try {
      const v1 = chainsTemplate({ size: 80, chains: 4, a: () => "v1", bang: (i) => (i % 7 === 0 ? "v1" : undefined) });
      const created = await converge(() => api.createStack("crashy", v1), 3);
      assert.equal(created.state, "CREATE_COMPLETE", created.statusReason);
      await assertCloud(cloud, v1, "after the create");

      const v2 = chainsTemplate({ size: 80, chains: 4, a: () => "v2", bang: (i) => (i % 7 === 0 ? "v2" : undefined), extra: { count: 3, every: 4 } });
      const updated = await converge(() => api.updateStack("crashy", v2), 3);
      assert.equal(updated.state, "UPDATE_COMPLETE", updated.statusReason);
      await assertCloud(cloud, v2, "after the update");

      const deleted = await converge(() => api.deleteStack("crashy"), 2);
      assert.equal(deleted.state, "DELETE_COMPLETE", deleted.statusReason);
      await assertCloud(cloud, { resources: {} }, "after the delete");
      assert.ok(kills >= 3, `only ${kills} workers were killed while a traversal ran; the test proved little`);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await api.close();
      await runtime.close();
      client.disconnect();
    }
  });
});

async function assertCloud(cloud: RedisCloud, template: Template, when: string): Promise<void> {
  const result = verify(await cloud.load(), template);
  assert.ok(result.ok, `${when}: the cloud does not match the template:\n${result.problems.slice(0, 20).join("\n")}`);
  const twice = [...(await cloud.createsPerKey())].filter(([, count]) => count > 1);
  assert.deepEqual(twice, [], `${when}: creates that made a resource twice`);
}

async function waitOrFail(api: Engine, name: string, ms: number): Promise<StackInfo> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`stack ${name} still in progress after ${ms} ms`)), ms);
  try {
    return await api.waitForStack(name, { signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}
