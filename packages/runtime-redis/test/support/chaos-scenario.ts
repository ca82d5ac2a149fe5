/**
 * The chaos scenario (`npm run fuzz`): worker processes converge a stack (create, an update
 * with replacements, delete) while faults land in the middle of each traversal - SIGKILL of a
 * worker, SIGSTOP of a worker for longer than its lease, a dropped reply between a worker
 * and Redis, and a crash of Redis itself (restarted from its append-only file). Each fault is
 * injected when the stack's rows show operations in progress (observed state, not time).
 *
 * The fake cloud lives on a Redis of its own that no fault touches (a real cloud does not
 * roll back with the orchestrator's store), and records every delete made while a live
 * resource still referenced the deleted one.
 *
 * Oracle: every traversal ends COMPLETE or FAILED with a reason; a COMPLETE stack's cloud
 * matches its template exactly (one live resource per name, none outside it); a FAILED
 * stack's live resources all belong to rows; after the delete the cloud is empty; nothing
 * was deleted under a live dependent.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendFileSync } from "node:fs";
import { Redis } from "ioredis";
import { StackNotFoundError, StackStateLostError, createEngine, errorMessage } from "@converge/core";
import { createRandom } from "@converge/core/internal";
import type { Engine, StackInfo, Template } from "@converge/core";
import { silentLogger, verify } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import type { RedisServerHandle, TcpProxy } from "@converge/runtime-redis/testing";
import { luaScripts } from "../../src/lua/scripts.js";
import type { LuaScriptName } from "../../src/lua/scripts.js";
import { RedisCloud } from "./redis-cloud.js";
import { chainsTemplate } from "./stack-templates.js";
import { startWorkerProcess } from "./worker-processes.js";
import type { WorkerProcess } from "./worker-processes.js";

/** The faults the scenario injects. */
export type Fault = "kill" | "pause" | "drop-reply" | "redis-restart";

const sha = (script: LuaScriptName): string => createHash("sha1").update(luaScripts[script].lua).digest("hex");
/** Replies worth losing: the row lock and other row writes, a node's report, a claim. */
const DROP_TARGETS: readonly string[] = [sha("writeRow"), sha("writeRow"), sha("reportNode"), sha("claimCheck")];
const DROP_NAMES = new Map<string, string>((["writeRow", "reportNode", "claimCheck"] as const).map((name) => [sha(name), name]));

/** Options of {@link chaosScenario}. */
export interface ChaosScenarioOptions {
  /** The orchestrator's Redis, with AOF (`appendfsync always`): a restart loses nothing acknowledged. */
  readonly state: RedisServerHandle;
  /** The proxy in front of `state` that the workers use (it can lose a reply). */
  readonly proxy: TcpProxy;
  /** The cloud's own Redis. */
  readonly cloudUrl: string;
  readonly seed: number;
  /** Faults per traversal. @default 4 */
  readonly faultsPerTraversal?: number;
  /** Which faults to draw from. @default all */
  readonly faults?: readonly Fault[];
}

const LEASE_MS = 1500;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Every fault the scenario can inject. */
export const FAULTS: readonly Fault[] = ["kill", "pause", "drop-reply", "redis-restart"];

/** Run the scenario; throws an AssertionError naming the seed when it does not hold. */
export async function chaosScenario(options: ChaosScenarioOptions): Promise<{ readonly faults: Readonly<Record<Fault, number>>; readonly states: readonly string[] }> {
  const { seed, state, proxy } = options;
  const random = createRandom(seed);
  const when = (what: string): string => `${what} (CHAOS_SEED=${seed})`;
  const prefix = uniquePrefix("chaos");
  const cloudClient = new Redis(options.cloudUrl);
  const cloud = new RedisCloud(cloudClient, prefix);
  const runtime = createRedisRuntime({ connection: state.url, prefix, logger: silentLogger, leaseTtlMs: LEASE_MS });
  const api = createEngine({ runtime, types: [cloud.type()], worker: false, logger: silentLogger, watchdogIntervalMs: 2000 });
  let n = 0;
  const spawned: WorkerProcess[] = [];
  const spawnWorker = (): Promise<WorkerProcess> =>
    startWorkerProcess({ redis: proxy.url, cloudRedis: options.cloudUrl, prefix, engineId: `chaos-${++n}-${prefix}`, concurrency: 4, delayMs: 150, fast: true }).then((w) => (spawned.push(w), w));
  let workers: WorkerProcess[] = await Promise.all([spawnWorker(), spawnWorker(), spawnWorker()]);
  const counts: Record<Fault, number> = { kill: 0, pause: 0, "drop-reply": 0, "redis-restart": 0 };
  /** How each traversal ended (a rollback or failure with the reason of the failure). */
  const ended: string[] = [];
  /** Each fault as injected, with the cloud's operation count then (for a failure message). */
  const timeline: string[] = [];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  // A worker woken from a pause is never killed: a woken worker deletes what it made and could
  // not record, and only it knows of it (the fake cloud's creates are not idempotent, so a kill
  // then would leave a resource nobody can know about - a double fault no orchestrator survives
  // without a cloud that fences its callers). Its late work can outlast the traversal it was
  // paused in, so before the next traversal starts it is stopped gracefully (its running checks
  // finish) and replaced.
  const woke = new Set<WorkerProcess>();
  const retireWoken = async (): Promise<void> => {
    const retired = [...woke];
    woke.clear();
    if (retired.length === 0) return;
    await Promise.all(retired.map((w) => w.stop()));
    timeline.push(`woken ${retired.map((w) => w.engineId).join(", ")} retired`);
    workers = [...workers.filter((w) => !retired.includes(w)), ...(await Promise.all(retired.map(() => spawnWorker())))];
  };
  const inject = async (wanted: Fault): Promise<void> => {
    const killable = workers.filter((w) => !woke.has(w));
    const fault: Fault = wanted === "kill" && killable.length === 0 ? "pause" : wanted;
    counts[fault] += 1;
    const at = `at cloud op ${(await cloud.log()).length}`;
    if (fault === "kill") {
      const victim = pick(killable);
      timeline.push(`kill ${victim.engineId} ${at}`);
      await victim.kill9();
      workers = [...workers.filter((w) => w !== victim), await spawnWorker()];
    } else if (fault === "pause") {
      const sleeper = pick(workers);
      woke.add(sleeper);
      timeline.push(`pause ${sleeper.engineId} ${at}`);
      await sleeper.pauseFor(LEASE_MS * 2 + Math.floor(random() * LEASE_MS));
    } else if (fault === "drop-reply") {
      // Lose the reply to the next call of that script (the promise settles when it happens).
      const sha = pick(DROP_TARGETS);
      timeline.push(`drop a reply to ${DROP_NAMES.get(sha) ?? sha} ${at}`);
      void proxy.dropReplyTo((command) => command[0]?.toUpperCase() === "EVALSHA" && command[1] === sha);
    } else {
      timeline.push(`redis restart ${at}`);
      await state.restart({ signal: "SIGKILL" });
    }
  };

  /** Rows with an operation in flight, or null while the store cannot be read (Redis down). */
  const inProgress = async (stack: string): Promise<number | null> => {
    try {
      return (await api.listResources(stack)).filter((r) => r.status === "IN_PROGRESS").length;
    } catch {
      return null;
    }
  };

  /** Start a traversal; inject faults while rows are in progress; wait for its end. */
  const converge = async (start: () => Promise<StackInfo>, faults: number): Promise<StackInfo> => {
    await retireWoken();
    const { traversalId } = await start();
    timeline.push(`traversal ${traversalId} started at cloud op ${(await cloud.log()).length}`);
    let injected = 0;
    const deadline = Date.now() + 120_000;
    while (injected < faults && Date.now() < deadline) {
      // A deleted stack is not found: its traversal ended. Other errors: Redis is restarting.
      const info = await api.getStack("chaotic").catch((error: unknown) => (error instanceof StackNotFoundError ? "gone" : null));
      if (info === "gone") break;
      if (info !== null && (info.status !== "IN_PROGRESS" || info.traversalId !== traversalId)) break;
      const busy = await inProgress("chaotic");
      if (busy === null || busy === 0) {
        await sleep(20);
        continue;
      }
      await inject(pick(options.faults ?? FAULTS));
      injected += 1;
    }
    return waitOrFail(api, "chaotic", 180_000);
  };

  try {
    const v1 = chainsTemplate({ size: 60, chains: 4, a: () => "v1", bang: (i) => (i % 5 === 0 ? "v1" : undefined), extra: { count: 3, every: 4 } });
    const created = await converge(() => api.createStack("chaotic", v1), options.faultsPerTraversal ?? 4);
    ended.push(await howItEnded(api, created));
    await assertOutcome(api, cloud, created, v1, EMPTY, when("after the create"));

    const v2 = chainsTemplate({ size: 60, chains: 4, a: () => "v2", bang: (i) => (i % 5 === 0 ? "v2" : undefined), extra: { count: 4, every: 3 } });
    const updated = await converge(() => api.updateStack("chaotic", v2), options.faultsPerTraversal ?? 4);
    ended.push(await howItEnded(api, updated));
    // A failed update rolls back to the last template that completed (DESIGN.md section 7).
    await assertOutcome(api, cloud, updated, v2, created.state === "CREATE_COMPLETE" ? v1 : EMPTY, when("after the update"));

    let deleted = await converge(() => api.deleteStack("chaotic"), Math.max(1, (options.faultsPerTraversal ?? 4) - 1));
    // A FAILED delete must be retryable to completion (no terminal stuck state).
    if (deleted.status === "FAILED") deleted = await converge(() => api.deleteStack("chaotic"), 0);
    assert.equal(deleted.state, "DELETE_COMPLETE", when(`the delete ended ${deleted.state}: ${deleted.statusReason}`));
    await settled(async () => [...(await cloud.load()).entries.keys()], when("resources left in the cloud after the delete"));
    assert.deepEqual(await cloud.deletesUnderLiveDependents(), [], when("resources deleted while a live resource referenced them"));
    ended.push(deleted.state);
    return { faults: counts, states: ended };
  } catch (error) {
    // What the workers logged as errors (orphans, lost state...) says what happened.
    const logged = spawned.flatMap((w) => w.stderr().split("\n").filter((line) => line.trim() !== "").map((line) => `${w.engineId}: ${line}`));
    if (error instanceof Error && logged.length > 0) error.message += `\nworker errors:\n${logged.slice(0, 60).join("\n")}`;
    // CHAOS_LOG=<file>: every line the workers logged, kept whole (with CONVERGE_VERBOSE=1, their warnings too).
    if (process.env.CHAOS_LOG !== undefined) appendFileSync(process.env.CHAOS_LOG, `CHAOS_SEED=${seed}\n${logged.join("\n")}\n`);
    if (error instanceof Error) error.message += `\nfaults: ${timeline.join(", ")}\ntraversals ended: ${ended.join(", ")}`;
    if (error instanceof Error) error.message += `\ncloud log:\n${(await cloud.log()).join(", ")}`;
    throw error;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await api.close();
    await runtime.close();
    cloudClient.disconnect();
  }
}

/**
 * How long a worker that woke from a pause may take to clean up what it made and could not
 * record: the stack may complete (through the worker that took over) before the paused one
 * wakes and deletes its duplicate, so the cloud is checked until it settles.
 */
const SETTLE_MS = 20_000;

/** Check `problems()` until it finds none, or fail with what it found last after SETTLE_MS. */
async function settled(problems: () => Promise<string[]>, what: string): Promise<void> {
  const until = Date.now() + SETTLE_MS;
  for (;;) {
    const found = await problems();
    if (found.length === 0) return;
    if (Date.now() > until) assert.fail(`${what}:\n${found.slice(0, 20).join("\n")}`);
    await sleep(200);
  }
}

/** A traversal's end state; for a rollback, with the failure that started it (what a report of the run says). */
async function howItEnded(api: Engine, info: StackInfo): Promise<string> {
  if (info.action !== "ROLLBACK" && info.status !== "FAILED") return info.state;
  const failures: string[] = [];
  try {
    for await (const event of api.events("chaotic")) {
      if (event.kind === "stack" && event.status === "FAILED") failures.push(`${event.action}_FAILED: ${event.reason}`);
    }
  } catch (error) {
    // A report only: the stack may be gone (a delete), or Redis restarting.
    return `${info.state} (its events unread: ${errorMessage(error)})`;
  }
  return `${info.state} after ${failures[failures.length - 1] ?? "no FAILED stack event"}`;
}

/** The template a rollback of a stack that never completed goes back to. */
const EMPTY: Template = { resources: {} };

/**
 * COMPLETE: the cloud is the template - or, after a rollback (ROLLBACK_COMPLETE), the last one
 * that completed before it (`rolledBackTo`). FAILED: a reason, and no live resource outside
 * the rows.
 */
async function assertOutcome(api: Engine, cloud: RedisCloud, info: StackInfo, template: Template, rolledBackTo: Template, when: string): Promise<void> {
  assert.ok(info.status === "COMPLETE" || info.status === "FAILED", `${when}: the stack ended ${info.state}`);
  if (info.status === "COMPLETE") {
    const target = info.action === "ROLLBACK" ? rolledBackTo : template;
    const which = info.action === "ROLLBACK" ? `the template rolled back to (${info.statusReason})` : "the template";
    await settled(async () => [...verify(await cloud.load(), target).problems], `${when}: ${info.state}, but the cloud does not match ${which}`);
    return;
  }
  assert.notEqual(info.statusReason.trim(), "", `${when}: ${info.state} without a reason`);
  await settled(async () => {
    const known = new Set((await api.listResources("chaotic")).map((r) => r.physicalId).filter((id): id is string => id !== null));
    return [...(await cloud.load()).entries.keys()].filter((id) => !known.has(id));
  }, `${when} (${info.state}: ${info.statusReason}): live resources no row records`);
}

async function waitOrFail(api: Engine, name: string, ms: number): Promise<StackInfo> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`stack ${name} still in progress after ${ms} ms`)), ms);
  try {
    for (;;) {
      try {
        return await api.waitForStack(name, { signal: controller.signal });
      } catch (error) {
        if (error instanceof StackStateLostError) throw error;
        if (controller.signal.aborted) {
          const stuck = (await api.listResources(name).catch(() => [])).filter((r) => r.status === "IN_PROGRESS");
          throw new Error(`${errorMessage(error)}; rows in progress: ${stuck.map((r) => `${r.name}/${r.id} ${r.state}`).join(", ") || "none"}`);
        }
        // Redis restarting under the API: wait again.
        await sleep(100);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
