/**
 * The crash scenario: worker processes are killed with SIGKILL in the middle of a traversal
 * (create, an update with replacements, delete), and new ones started. Kills are driven by
 * the traversal's state, never by the clock, so a run proves the same on a loaded machine as
 * on a errorsOnlyLogger one: one resource of each traversal is held in the cloud (its operation waits)
 * until every kill of that traversal happened, so the traversal cannot end first; each kill
 * waits until a seeded number of resources completed in the traversal, then picks a row that
 * is IN_PROGRESS and locked by a live worker (read from Redis through the runtime) and kills
 * that worker - so every kill interrupts a plugin call or a locked write. BullMQ's
 * stalled-job recovery delivers the dead workers' checks again, the protocol resumes the
 * interrupted operations (a create through `read`, by its idempotency key), the watchdog
 * covers the rest. Every stack must complete; the cloud - whose creates are not idempotent -
 * must hold each resource once, with no resource created twice and none orphaned.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { createEngine, parseLockHolder } from "@converge/core";
import { createRandom } from "@converge/core/internal";
import type { Engine, ResourceRow, StackInfo, Template } from "@converge/core";
import { errorsOnlyLogger, verify } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { RedisCloud } from "./redis-cloud.js";
import { chainsTemplate, resourceName } from "./stack-templates.js";
import { startWorkerProcess } from "./worker-processes.js";
import type { WorkerProcess } from "./worker-processes.js";

/** Options of {@link crashScenario}. */
export interface CrashScenarioOptions {
  readonly redisUrl: string;
  /** Seed of the kill moments and victims. */
  readonly seed: number;
  /** Kills per traversal (the delete gets one fewer), each of a worker holding a row in progress. */
  readonly kills: number;
}

/** Resources per template, chains in it. */
const SIZE = 80;
const CHAINS = 4;
/** A kill waits for at most this many resources completed in its traversal (fewer than can complete while one is held). */
const MAX_COMPLETED_BEFORE_KILL = SIZE / 2;
/** Guard: a traversal that offers no row to kill for this long fails the run. */
const NO_VICTIM_MS = 120_000;


/** The engine holding a row's lock, if any. */
/** The engine id of a row's lock holder (`<engineId>#<attempt>`), or null when unlocked. */
const lockHolder = (row: ResourceRow): string | null => (row.lockHolder === null ? null : parseLockHolder(row.lockHolder).engineId);

/**
 * Run the scenario; throws an AssertionError naming the seed when it does not hold. Returns
 * every kill, described (which worker, holding which row in which state).
 */
export async function crashScenario(options: CrashScenarioOptions): Promise<readonly string[]> {
  const seed = options.seed;
  const prefix = uniquePrefix("crash");
  const random = createRandom(seed);
  const when = (what: string): string => `${what} (CRASH_SEED=${seed})`;
  const client = new Redis(options.redisUrl);
  const cloud = new RedisCloud(client, prefix);
  const runtime = createRedisRuntime({ connection: options.redisUrl, prefix, logger: errorsOnlyLogger, leaseTtlMs: 1500 });
  const api = createEngine({ runtime, types: [cloud.type()], worker: false, logger: errorsOnlyLogger, watchdogIntervalMs: 2000 });
  let n = 0;
  const spawnWorker = (): Promise<WorkerProcess> => startWorkerProcess({ redis: options.redisUrl, prefix, engineId: `crash-${++n}-${prefix}`, concurrency: 4, delayMs: 120, fast: true });
  let workers: WorkerProcess[] = await Promise.all([spawnWorker(), spawnWorker()]);
  /** Every kill, described (for failure messages). */
  const kills: string[] = [];

  /** A resource nothing waits for: in a create or update a chain's end, in a delete a chain's start. */
  const unwaited = (kind: "converge" | "delete"): string => {
    const chain = Math.floor(random() * CHAINS);
    return resourceName(kind === "delete" ? chain : SIZE - 1 - chain);
  };

  /**
   * Start a traversal with one unwaited resource held; kill `maxKills` workers, each once a
   * seeded number of resources completed in the traversal, choosing a row IN_PROGRESS and
   * locked by a live worker; then release the hold and wait for the traversal's end.
   */
  const converge = async (start: () => Promise<StackInfo>, maxKills: number, kind: "converge" | "delete"): Promise<StackInfo> => {
    await cloud.hold([unwaited(kind)]);
    const { traversalId } = await start();
    const stackId = await runtime.store.findStackId("crashy");
    assert.ok(stackId !== null, when("the stack has no record"));
    const thresholds = Array.from({ length: maxKills }, () => Math.floor(random() * MAX_COMPLETED_BEFORE_KILL)).sort((a, b) => a - b);
    let cursor: string | null = null;
    let completed = 0;
    let killed = 0;
    let since = Date.now();
    while (killed < maxKills) {
      const stack = await runtime.store.loadStack(stackId);
      assert.ok(stack?.status === "IN_PROGRESS" && stack.currentTraversal === traversalId, when(`the traversal ended while held, after ${killed} kills: ${stack?.statusReason ?? "stack gone"}`));
      for (const event of await runtime.store.readEvents(stackId, cursor, { blockMs: 200 })) {
        cursor = event.seq;
        if (event.traversalId === traversalId && event.kind === "resource" && event.status === "COMPLETE") completed += 1;
      }
      if (completed < (thresholds[killed] ?? 0)) continue;
      const live = new Map(workers.map((w) => [w.engineId, w]));
      const inProgress = (await runtime.store.loadRows(stackId)).filter((r) => r.status === "IN_PROGRESS" && live.has(lockHolder(r) ?? ""));
      const row = inProgress[Math.floor(random() * inProgress.length)];
      const victim = row === undefined ? undefined : live.get(lockHolder(row) ?? "");
      if (row === undefined || victim === undefined) {
        assert.ok(Date.now() - since < NO_VICTIM_MS, when(`no row in progress held by a live worker for ${NO_VICTIM_MS} ms`));
        continue;
      }
      await victim.kill9();
      killed += 1;
      kills.push(`${victim.engineId} holding ${row.name} ${row.action}_${row.status}, after ${completed} completed`);
      workers = [...workers.filter((w) => w !== victim), await spawnWorker()];
      since = Date.now();
    }
    await cloud.releaseHolds();
    return waitOrFail(api, "crashy", 90_000);
  };

  try {
    const v1 = chainsTemplate({ size: SIZE, chains: CHAINS, a: () => "v1", bang: (i) => (i % 7 === 0 ? "v1" : undefined) });
    const created = await converge(() => api.createStack("crashy", v1), options.kills, "converge");
    assert.equal(created.state, "CREATE_COMPLETE", when(`${created.statusReason}; kills:\n${kills.join("\n")}`));
    await assertCloud(cloud, v1, when("after the create"));

    const v2 = chainsTemplate({ size: SIZE, chains: CHAINS, a: () => "v2", bang: (i) => (i % 7 === 0 ? "v2" : undefined), extra: { count: 3, every: 4 } });
    const updated = await converge(() => api.updateStack("crashy", v2), options.kills, "converge");
    assert.equal(updated.state, "UPDATE_COMPLETE", when(`${updated.statusReason}; kills:\n${kills.join("\n")}`));
    await assertCloud(cloud, v2, when("after the update"));

    const deleted = await converge(() => api.deleteStack("crashy"), Math.max(1, options.kills - 1), "delete");
    assert.equal(deleted.state, "DELETE_COMPLETE", when(`${deleted.statusReason}; kills:\n${kills.join("\n")}`));
    await assertCloud(cloud, { resources: {} }, when("after the delete"));
    return kills;
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
