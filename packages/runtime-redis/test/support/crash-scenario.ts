/**
 * The crash scenario: worker processes are killed with SIGKILL at random moments of a
 * traversal (create, an update with replacements, delete), and new ones started. BullMQ's
 * stalled-job recovery delivers the dead workers' checks again, the protocol resumes the
 * interrupted operations (a create through `read`, by its idempotency key), the watchdog
 * covers the rest. Every stack must complete; the cloud - whose creates are not idempotent -
 * must hold each resource once, with no resource created twice and none orphaned.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { createEngine, createRandom } from "@converge/core";
import type { Engine, StackInfo, Template } from "@converge/core";
import { verify } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { RedisCloud } from "./redis-cloud.js";
import { chainsTemplate } from "./stack-templates.js";
import { startWorkerProcess } from "./worker-processes.js";
import type { WorkerProcess } from "./worker-processes.js";

/** Options of {@link crashScenario}. */
export interface CrashScenarioOptions {
  readonly redisUrl: string;
  /** Seed of the kill moments and victims. */
  readonly seed: number;
  /** Kills per traversal (the delete gets one fewer); at least this many must land mid-traversal. */
  readonly kills: number;
}

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Run the scenario; throws an AssertionError naming the seed when it does not hold. */
export async function crashScenario(options: CrashScenarioOptions): Promise<void> {
  const seed = options.seed;
  const prefix = uniquePrefix("crash");
  const random = createRandom(seed);
  const when = (what: string): string => `${what} (CRASH_SEED=${seed})`;
  const client = new Redis(options.redisUrl);
  const cloud = new RedisCloud(client, prefix);
  const runtime = createRedisRuntime({ connection: options.redisUrl, prefix, logger: quiet, leaseTtlMs: 1500 });
  const api = createEngine({ runtime, types: [cloud.type()], worker: false, logger: quiet, watchdogIntervalMs: 2000 });
  let n = 0;
  const spawnWorker = (): Promise<WorkerProcess> => startWorkerProcess({ redis: options.redisUrl, prefix, engineId: `crash-${++n}-${prefix}`, concurrency: 4, delayMs: 120, fast: true });
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
    const created = await converge(() => api.createStack("crashy", v1), options.kills);
    assert.equal(created.state, "CREATE_COMPLETE", when(created.statusReason));
    await assertCloud(cloud, v1, when("after the create"));

    const v2 = chainsTemplate({ size: 80, chains: 4, a: () => "v2", bang: (i) => (i % 7 === 0 ? "v2" : undefined), extra: { count: 3, every: 4 } });
    const updated = await converge(() => api.updateStack("crashy", v2), options.kills);
    assert.equal(updated.state, "UPDATE_COMPLETE", when(updated.statusReason));
    await assertCloud(cloud, v2, when("after the update"));

    const deleted = await converge(() => api.deleteStack("crashy"), Math.max(1, options.kills - 1));
    assert.equal(deleted.state, "DELETE_COMPLETE", when(deleted.statusReason));
    await assertCloud(cloud, { resources: {} }, when("after the delete"));
    assert.ok(kills >= options.kills, when(`only ${kills} workers were killed while a traversal ran; the test proved little`));
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await api.close();
    await runtime.close();
    client.disconnect();
  }
}

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
