/**
 * `createRedisRuntime`: the runtime contract on Redis. State in hashes, sets and streams under
 * one hash tag per stack; atomic operations as Lua scripts; checks as BullMQ jobs; liveness
 * leases as TTL keys; cancellations over pub/sub.
 */
import { Queue } from "bullmq";
import { RuntimeStateError, realClock, throttleLogger } from "@converge/core";
import type { DeliveryTestControls, Runtime } from "@converge/core";
import { stackActivity } from "./activity.js";
import { CancelBus } from "./cancel-bus.js";
import { CheckQueue } from "./check-queue.js";
import { resolveConnection } from "./connection.js";
import { EventStreams } from "./event-stream.js";
import { runtimeKeys } from "./keys.js";
import { leaseHeld } from "./lease.js";
import type { RedisRuntimeOptions, ResolvedRedisRuntimeOptions } from "./options.js";
import { resolveRedisRuntimeOptions } from "./options.js";
import { createRedisStore } from "./redis-store.js";
import type { RedisClient } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";
import { command } from "./store-context.js";
import type { RedisRole } from "./acl.js";
import { permissionGate } from "./permission-gate.js";
import { queueControls } from "./queue-controls.js";
import { WorkerHost } from "./worker-host.js";
import type { HostSettings, RedisStepOptions } from "./host-slot.js";

/** A Redis runtime, with its test and operations controls. */
export interface RedisRuntime extends Runtime, DeliveryTestControls<RedisStepOptions> {
  readonly kind: "redis";
  /** Scheduling mode. */
  readonly mode: "auto" | "manual";
  /** Key prefix. */
  readonly prefix: string;
  /** The BullMQ queue of check jobs (dashboards, tests). */
  readonly queue: Queue;
  /** The client of store commands. */
  readonly client: RedisClient;
  /** Manual mode: take the next job (FIFO) and run it to its end. False when none is waiting. */
  step(options?: RedisStepOptions): Promise<boolean>;
  /** Jobs waiting to run now (delayed ones not counted). */
  pending(): Promise<number>;
  /** Resolve when no job is waiting or running (delayed ones not counted), polling BullMQ's counts. */
  idle(options?: { timeoutMs?: number; pollMs?: number }): Promise<void>;
  /** Close one engine: running checks finish within `graceMs`, then go back to the queue. */
  closeWorker(engineId: string, options?: { graceMs?: number }): Promise<void>;
  /** Engines registered with this runtime, alive and not closing. */
  liveEngines(): string[];
  /**
   * Prove that the Redis user may run every command a process of `role` needs (once per
   * runtime; the runtime does it itself before its first write and before a worker
   * registers, unless `checkPermissions: false`). @throws RedisPermissionError naming them
   */
  verifyPermissions(role?: RedisRole): Promise<void>;
}

/** The worker host's settings from the runtime's resolved options. */
function hostSettings(resolved: ResolvedRedisRuntimeOptions, logger: HostSettings["logger"]): HostSettings {
  return {
    mode: resolved.mode,
    queueName: resolved.queueName,
    leaseTtlMs: resolved.leaseTtlMs,
    jobLockMs: resolved.jobLockMs,
    stalledIntervalMs: resolved.stalledIntervalMs,
    maxStalledCount: resolved.maxStalledCount,
    shutdownGraceMs: resolved.shutdownGraceMs,
    keepFailedJobs: resolved.keepFailedJobs,
    // Generations of a traversal that is no longer current are kept a day (late duplicates).
    staleGenerationTtlMs: 24 * 3_600_000,
    claimOnFetch: resolved.claimOnFetch,
    logger,
  };
}

/** Create a Redis runtime. @throws InvalidOptionsError naming a bad option (a closed runtime's calls: RuntimeStateError) */
export function createRedisRuntime(options: RedisRuntimeOptions): RedisRuntime {
  const resolved = resolveRedisRuntimeOptions(options);
  // Connection, queue, worker, lease and cancel errors repeat while Redis is down or refuses a
  // command: each distinct one is logged once per 10 s, with a count.
  const logger = throttleLogger(resolved.logger);
  const connections = resolveConnection(resolved.connection, resolved.autoPipelining, logger, resolved.tls);
  const keys = runtimeKeys(resolved.prefix);
  const client = connections.main;
  const ctx: StoreContext = { client, keys, maxEventsPerStack: resolved.maxEventsPerStack, deletedEventsTtlMs: resolved.deletedEventsTtlMs, tombstoneTtlMs: resolved.tombstoneTtlMs };
  const events = new EventStreams(ctx, () => connections.connect("blocking"));
  const gate = permissionGate({ connect: () => connections.connect("plain"), keys, queueName: resolved.queueName, enabled: resolved.checkPermissions });
  const permitted = (role: RedisRole): Promise<void> | undefined => gate.permitted(role);
  const queueConnection = connections.connect("bullmq");
  const queue = new Queue(resolved.queueName, { connection: queueConnection, prefix: keys.queuePrefix });
  queue.on("error", (error) => logger.warn(`BullMQ queue: ${error.message}`));
  const checks = new CheckQueue(ctx, queue, { attempts: resolved.maxAttempts, delayMs: resolved.retryDelayMs }, () => Date.now());
  // A report enqueues the checks it made ready itself (their jobs prepared, or added, by its
  // own script): with the API role's permissions, as any enqueue.
  const store = createRedisStore(ctx, events, checks.successorAdds(() => permitted("api")));
  const cancels = new CancelBus(client, keys.cancelChannel, () => connections.connect("plain"), logger);
  let closed: Promise<void> | null = null;
  const waiting = async (): Promise<number> => command("BullMQ getJobCounts", () => queue.getWaitingCount());
  const host = new WorkerHost({
    ctx: { ...ctx, store },
    settings: hostSettings(resolved, logger),
    runtime: () => runtime,
    connectWorker: () => connections.connect("bullmq"),
    waiting,
    enqueueCopy: (message) => checks.enqueue([message]),
  });
  const isAlive = async (engineId: string): Promise<boolean> => host.localAlive(engineId) ?? leaseHeld(client, keys, engineId);
  // Local engines answer from memory; others from the stack's attempts hash (claimCheck-1
  // adds an attempt, its worker removes it when the attempt ends).
  const attemptRunning = async (engineId: string, attempt: string, stackId: string): Promise<boolean> =>
    host.localAttemptRunning(engineId, attempt) ?? (await command("HGET attempts", () => client.hget(keys.stack(stackId).attempts, attempt))) === engineId;


  const clock = realClock();
  const runtime: RedisRuntime = {
    kind: "redis",
    mode: resolved.mode,
    prefix: resolved.prefix,
    queue,
    client,
    store,
    now: clock.now,
    sleep: clock.sleep,
    async enqueue(messages) {
      await permitted("api");
      await checks.enqueue(messages);
    },
    async schedule(message, at) {
      await permitted("api");
      await checks.schedule(message, at);
    },
    async registerWorker(engineId, handler, opts) {
      if (closed !== null) throw new RuntimeStateError("runtime", "this Redis runtime is closed");
      await permitted("worker");
      await cancels.ready();
      return host.register(engineId, handler, opts?.concurrency ?? 16);
    },
    isAlive,
    attemptRunning,
    activity: (stackId) => stackActivity({ client, keys, queue, verifyAfterMs: resolved.activityVerifyAfterMs, now: () => Date.now() }, stackId),
    publishCancel: (stackId, traversalId) => cancels.publish(stackId, traversalId),
    onCancel: (listener) => cancels.onCancel(listener),
    ...queueControls(host, queue, resolved.mode, waiting),
    closeWorker: (engineId, opts) => host.closeEngine(engineId, opts?.graceMs),
    killEngine: (engineId) => host.kill(engineId),
    liveEngines: () => host.liveEngines(),
    verifyPermissions: (role = "worker") => gate.verify(role),
    close() {
      closed ??= (async () => {
        await host.closeAll();
        await cancels.close();
        await events.close();
        await queue.close().catch(() => undefined);
        await connections.close();
        logger.flush();
      })();
      return closed;
    },
  };
  return runtime;
}
