/**
 * Engines registered with the runtime and how their checks are delivered:
 *
 * - auto mode: one BullMQ Worker per engine (its `concurrency`), with BullMQ's lock renewal
 *   and stalled-job recovery - the checks of a dead process are delivered again;
 * - manual mode: nothing runs on its own; `step()` takes the next job (FIFO) from BullMQ and
 *   runs it to its end on one engine (round robin), for deterministic tests.
 *
 * Every job is validated, then claimed (`claimCheck-8`: the delivery is recorded as a running
 * attempt of the stack), then handled with a fenced runtime view; when it ends, its attempt
 * is removed again (`attemptRunning`). `close()` lets running checks finish for a grace
 * period, then declares the engine dead (lease released, writes fenced) and hands the jobs
 * back to the queue. When the engine's lease lapses (a pause longer than its TTL), the
 * signals of its running checks are aborted: their plugin calls stop, and no new one starts.
 */
import { randomUUID } from "node:crypto";
import { UnrecoverableError, WaitingError, Worker } from "bullmq";
import type { Job } from "bullmq";
import { CorruptMessageError, EngineDeadError, FencedError, InvalidOptionsError, StackStateLostError, nodeKey } from "@converge/core";
import type { CheckHandler, CheckMessage, Logger, Runtime, RuntimeStore, WorkerRegistration } from "@converge/core";
import { claimArgs, firstSyncRead, isTracked, parseJob } from "./check-queue.js";
import type { ParsedJob } from "./check-queue.js";
import { decodeRow, decodeStackFlat } from "./codec.js";
import { EventBuffer, deliveryView } from "./delivery-view.js";
import type { FenceState, Primed } from "./delivery-view.js";
import { acquireLease } from "./lease.js";
import type { Lease } from "./lease.js";
import { removeOnFail } from "./options.js";
import type { KeepFailedJobs } from "./options.js";
import { unexpectedReply } from "./script-codes.js";
import { runScript } from "./script-loader.js";
import { decodeSync } from "./store-sync.js";
import type { RedisClient } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";
import { command } from "./store-context.js";

/** Settings of the host (from the runtime's resolved options). */
export interface HostSettings {
  readonly mode: "auto" | "manual";
  readonly queueName: string;
  readonly leaseTtlMs: number;
  readonly jobLockMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  readonly shutdownGraceMs: number;
  /** Failed jobs kept for inspection (BullMQ's `removeOnFail` of the workers). */
  readonly keepFailedJobs: KeepFailedJobs;
  readonly staleGenerationTtlMs: number;
  readonly logger: Pick<Logger, "warn" | "error">;
}

/** What the host needs from the runtime. */
export interface HostDeps {
  /** The store context, and the store itself (for the checks' buffered events). */
  readonly ctx: StoreContext & { readonly store: RuntimeStore };
  readonly settings: HostSettings;
  /** The full runtime, wrapped per delivery. */
  readonly runtime: () => Runtime;
  /** A new connection for a BullMQ worker (`maxRetriesPerRequest: null`). */
  readonly connectWorker: () => RedisClient;
  /** Waiting jobs (manual mode: to tell "no engine" from "nothing to do"). */
  readonly waiting: () => Promise<number>;
  /** Enqueue a copy of a check (a duplicate delivery); returns its job id. */
  readonly enqueueCopy: (message: CheckMessage) => Promise<readonly string[]>;
}

/** Options of a manual `step`. */
export interface RedisStepOptions {
  /** Deliver to this engine. @default round robin over live engines */
  readonly engineId?: string;
  /** After the check ran, enqueue it once more (a duplicate delivery; copies are not copied again). @default false */
  readonly duplicate?: boolean;
  /** Kill the engine after this many runtime operations of the check; its job goes back to the queue. */
  readonly crashAfterOps?: number;
}

interface Slot extends FenceState {
  readonly handler: CheckHandler;
  readonly lease: Lease;
  dead: boolean;
  closed: boolean;
  closing: Promise<void> | null;
  bull: Worker | null;
  connection: RedisClient | null;
  /** Hand-back triggers of the slot's running checks, by job id. */
  readonly inflight: Map<string, () => void>;
  /** Attempts running on this engine, and their deliveries' abort controllers. */
  readonly attempts: Map<string, AbortController>;
}

type Outcome =
  | { readonly kind: "done"; readonly job: ParsedJob }
  | { readonly kind: "handback"; readonly job: ParsedJob | null }
  | { readonly kind: "failed"; readonly job: ParsedJob | null; readonly error: unknown }
  | { readonly kind: "corrupt"; readonly error: CorruptMessageError };

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

const safeDecode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/** The engines of one runtime. */
export class WorkerHost {
  private readonly slots = new Map<string, Slot>();
  private stepWorker: Worker | null = null;
  private stepConnection: RedisClient | null = null;
  private roundRobin = 0;
  /** Job ids of duplicate copies made by `step({ duplicate })`, not to be copied again. */
  private readonly copies = new Set<string>();
  /** Stacks whose lost state was logged (one error line per stack). */
  private readonly lost = new Set<string>();
  /** Ends of attempts not yet recorded in Redis (it was unreachable): retried. */
  private readonly unrecordedEnds = new Map<string, string>();
  private retryEnds: NodeJS.Timeout | null = null;

  constructor(private readonly deps: HostDeps) {}

  /** Register an engine. @throws InvalidOptionsError when the id is registered (here or, alive, elsewhere) */
  async register(engineId: string, handler: CheckHandler, concurrency: number): Promise<WorkerRegistration> {
    if (typeof engineId !== "string" || engineId === "" || engineId.length > 200) throw new InvalidOptionsError("engineId", "must be a non-empty string of at most 200 characters");
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidOptionsError("concurrency", `must be an integer >= 1, got ${String(concurrency)}`);
    const existing = this.slots.get(engineId);
    if (existing !== undefined && !existing.dead) throw new InvalidOptionsError("engineId", `engine "${engineId}" is already registered with this runtime`);
    const { settings } = this.deps;
    const lease = await acquireLease({
      client: this.deps.ctx.client,
      keys: this.deps.ctx.keys,
      engineId,
      ttlMs: settings.leaseTtlMs,
      onRenewalError: (error) => settings.logger.warn(`cannot renew the liveness lease of engine ${engineId}: ${asError(error).message}`),
      onLapse: () => this.leaseLapsed(engineId),
    });
    const slot: Slot = {
      engineId,
      handler,
      lease,
      dead: false,
      closed: false,
      closing: null,
      bull: null,
      connection: null,
      inflight: new Map(),
      attempts: new Map(),
      isDead: () => slot.dead,
      kill: () => void this.kill(engineId),
    };
    this.slots.set(engineId, slot);
    if (settings.mode === "auto") {
      const worker = this.startBullWorker(slot, concurrency);
      // Registered means consuming: BullMQ's connection is up and its version check passed.
      try {
        await command("BullMQ worker start", () => worker.waitUntilReady());
      } catch (error) {
        await this.kill(engineId);
        throw error;
      }
    }
    return { close: () => this.closeEngine(engineId) };
  }

  /** Whether a locally registered engine is alive; undefined for engines of other runtimes. */
  localAlive(engineId: string): boolean | undefined {
    const slot = this.slots.get(engineId);
    return slot === undefined ? undefined : !slot.dead;
  }

  /**
   * Whether attempt `attempt` runs on a locally registered engine `engineId`; undefined for
   * engines of other runtimes (their attempts are in the stack's attempts hash).
   */
  localAttemptRunning(engineId: string, attempt: string): boolean | undefined {
    const slot = this.slots.get(engineId);
    return slot === undefined ? undefined : slot.attempts.has(attempt);
  }

  /** The lease of a local engine lapsed: abort its running checks' plugin calls. */
  private leaseLapsed(engineId: string): void {
    const slot = this.slots.get(engineId);
    if (slot === undefined || slot.dead) return;
    if (slot.attempts.size > 0) this.deps.settings.logger.warn(`engine ${engineId}: its liveness lease lapsed; aborting the plugin calls of its ${slot.attempts.size} running checks`);
    for (const controller of slot.attempts.values()) controller.abort(`the liveness lease of engine ${engineId} lapsed`);
  }

  /** Record that an attempt ended (retried until Redis takes it: a stale entry would park others). */
  private endAttempt(key: string, attempt: string): void {
    const field = `${key}\n${attempt}`;
    this.unrecordedEnds.delete(field);
    command("HDEL attempts", () => this.deps.ctx.client.hdel(key, attempt)).catch((error: unknown) => {
      this.deps.settings.logger.warn(`cannot record the end of check attempt ${attempt}, will retry: ${asError(error).message}`);
      this.unrecordedEnds.set(field, key);
      this.retryEnds ??= setTimeout(() => {
        this.retryEnds = null;
        for (const [pending, pendingKey] of [...this.unrecordedEnds]) this.endAttempt(pendingKey, pending.slice(pendingKey.length + 1));
      }, 1000);
      this.retryEnds.unref();
    });
  }

  /** Engine ids registered here, alive and not closing. */
  liveEngines(): string[] {
    return [...this.slots.values()].filter((s) => !s.dead && !s.closed).map((s) => s.engineId);
  }

  /** Declare an engine dead now (lease released; its checks fail at their next operation and go back to the queue). */
  async kill(engineId: string): Promise<void> {
    const slot = this.slots.get(engineId);
    if (slot === undefined || slot.dead) return;
    slot.dead = true;
    slot.closed = true;
    await slot.lease.release().catch((error: unknown) => this.deps.settings.logger.warn(`cannot release the lease of ${engineId}: ${asError(error).message}`));
    if (slot.bull !== null && slot.closing === null) slot.closing = this.shutDownBull(slot, 0);
  }

  /** Close an engine gracefully: running checks finish within `graceMs`, then are handed back. */
  async closeEngine(engineId: string, graceMs = this.deps.settings.shutdownGraceMs): Promise<void> {
    const slot = this.slots.get(engineId);
    if (slot === undefined) return;
    if (slot.closing !== null) return slot.closing;
    slot.closed = true;
    slot.closing = (async () => {
      if (slot.bull !== null) await this.shutDownBull(slot, graceMs);
      slot.dead = true;
      await slot.lease.release();
    })();
    return slot.closing;
  }

  /** Close every engine (graceful) and the step worker. */
  async closeAll(graceMs = this.deps.settings.shutdownGraceMs): Promise<void> {
    await Promise.allSettled([...this.slots.keys()].map((id) => this.closeEngine(id, graceMs)));
    const worker = this.stepWorker;
    this.stepWorker = null;
    await worker?.close().catch(() => undefined);
    this.stepConnection?.disconnect();
  }

  /** Manual mode: run the next check to its end. False when nothing is waiting. */
  async step(options: RedisStepOptions = {}): Promise<boolean> {
    if (this.deps.settings.mode !== "manual") throw new InvalidOptionsError("mode", "step() needs a manual-mode Redis runtime");
    const live = [...this.slots.values()].filter((s) => !s.dead && !s.closed);
    const slot = options.engineId === undefined ? live[this.roundRobin++ % Math.max(1, live.length)] : live.find((s) => s.engineId === options.engineId);
    if (slot === undefined) {
      if ((await this.deps.waiting()) === 0) return false;
      throw new InvalidOptionsError("engineId", options.engineId === undefined ? "no live engine to deliver to" : `engine "${options.engineId}" is not registered and alive`);
    }
    const worker = this.getStepWorker();
    const token = randomUUID();
    const job = (await worker.getNextJob(token, { block: false })) as Job | undefined;
    if (job === undefined) return false;
    const outcome = await this.run(slot, job, options.crashAfterOps).catch((error: unknown): Outcome => ({ kind: "failed", job: null, error }));
    if (outcome.kind === "corrupt") {
      this.deps.settings.logger.error(`failing a corrupt check job: ${outcome.error.message}`, { jobId: job.id });
      await job.moveToFailed(new UnrecoverableError(outcome.error.message), token, false);
    } else if (outcome.kind === "handback") {
      await job.moveToWait(token);
    } else if (outcome.kind === "failed" && outcome.error instanceof StackStateLostError) {
      this.reportLost(outcome.error);
      // The job itself is usually gone with the state; if not, it fails for good.
      await job.moveToFailed(new UnrecoverableError(outcome.error.message), token, false).catch(() => undefined);
    } else if (outcome.kind === "failed") {
      await job.moveToFailed(asError(outcome.error), token, false);
    } else {
      await job.moveToCompleted(null, token, false);
    }
    const ran = outcome.kind === "corrupt" ? null : outcome.job;
    if (options.duplicate === true && ran !== null && outcome.kind !== "handback" && !this.copies.delete(ran.jobId)) {
      for (const id of await this.deps.enqueueCopy(ran.message)) this.copies.add(id);
    }
    return true;
  }

  private getStepWorker(): Worker {
    if (this.stepWorker === null) {
      const { settings, ctx } = this.deps;
      this.stepConnection = this.deps.connectWorker();
      const removeOnFailed = removeOnFail(settings.keepFailedJobs);
      this.stepWorker = new Worker(settings.queueName, null, { connection: this.stepConnection, prefix: ctx.keys.queuePrefix, autorun: false, lockDuration: settings.jobLockMs, removeOnFail: removeOnFailed });
      this.stepWorker.on("error", (error) => settings.logger.warn(`BullMQ step worker: ${error.message}`));
    }
    return this.stepWorker;
  }

  private startBullWorker(slot: Slot, concurrency: number): Worker {
    const { settings, ctx } = this.deps;
    slot.connection = this.deps.connectWorker();
    const worker = new Worker(settings.queueName, (job: Job, token?: string) => this.process(slot, job, token ?? ""), {
      connection: slot.connection,
      prefix: ctx.keys.queuePrefix,
      concurrency,
      name: slot.engineId,
      lockDuration: settings.jobLockMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: settings.maxStalledCount,
      removeOnFail: removeOnFail(settings.keepFailedJobs),
    });
    worker.on("error", (error) => this.onWorkerError(slot.engineId, error));
    slot.bull = worker;
    return worker;
  }

  /** The processor of auto mode. */
  private async process(slot: Slot, job: Job, token: string): Promise<null> {
    const outcome = await this.run(slot, job);
    if (outcome.kind === "corrupt") {
      this.deps.settings.logger.error(`failing a corrupt check job: ${outcome.error.message}`, { jobId: job.id });
      throw new UnrecoverableError(outcome.error.message);
    }
    if (outcome.kind === "handback") {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (outcome.kind === "failed" && outcome.error instanceof StackStateLostError) {
      this.reportLost(outcome.error);
      throw new UnrecoverableError(outcome.error.message);
    }
    if (outcome.kind === "failed") throw asError(outcome.error);
    return null;
  }

  /** Log a stack's lost state: one error line per stack, whichever check or job finds it first. */
  private reportLost(error: StackStateLostError): void {
    const stackId = error.stackId ?? error.stackName;
    if (this.lost.has(stackId)) return;
    if (this.lost.size > 1000) this.lost.clear();
    this.lost.add(stackId);
    this.deps.settings.logger.error(error.message, { stackId });
  }

  /**
   * An error of a BullMQ worker. "Missing key for job" (the job vanished while it ran) is
   * BullMQ's view of a Redis that lost its data: when the job's stack is gone without a
   * tombstone it is reported as the stack's lost state (once), and stays quiet for a deleted stack.
   */
  private onWorkerError(engineId: string, error: Error): void {
    const warn = (): void => this.deps.settings.logger.warn(`BullMQ worker of engine ${engineId}: ${error.message}`);
    const jobId = /^Missing key for job (\S+)\. /.exec(error.message)?.[1];
    const stackId = jobId === undefined ? undefined : safeDecode(jobId.split("|")[0] ?? "");
    if (stackId === undefined || stackId === "") return warn();
    if (this.lost.has(stackId)) return;
    const { store } = this.deps.ctx;
    void (async () => {
      if ((await store.loadStack(stackId)) !== null) return warn();
      if ((await store.loadTombstone(stackId)) === null) this.reportLost(new StackStateLostError({ id: stackId }));
    })().catch(() => warn());
  }

  /** Validate, claim and handle one job. */
  private async run(slot: Slot, job: Job, crashAfterOps?: number): Promise<Outcome> {
    let parsed: ParsedJob;
    try {
      parsed = parseJob(job);
    } catch (error) {
      if (error instanceof CorruptMessageError) return { kind: "corrupt", error };
      throw error;
    }
    if (slot.dead) return { kind: "handback", job: null };
    const { ctx, settings } = this.deps;
    const attempt = randomUUID();
    const claim = claimArgs(ctx, parsed, settings.staleGenerationTtlMs, attempt, slot.engineId);
    const delivery = new AbortController();
    slot.attempts.set(attempt, delivery);
    try {
      return await this.runClaimed(slot, parsed, attempt, delivery, claim, crashAfterOps);
    } finally {
      slot.attempts.delete(attempt);
      this.endAttempt(ctx.keys.stack(parsed.message.stackId).attempts, attempt);
    }
  }

  /** Claim and handle a validated job as `attempt`. */
  private async runClaimed(
    slot: Slot,
    parsed: ParsedJob,
    attempt: string,
    delivery: AbortController,
    claim: { keys: string[]; args: string[] },
    crashAfterOps: number | undefined,
  ): Promise<Outcome> {
    const { ctx } = this.deps;
    const message: CheckMessage = parsed.message;
    const reply = await runScript(ctx.client, "claimCheck", claim.keys, claim.args);
    if (!Array.isArray(reply) || !Array.isArray(reply[0]) || !Array.isArray(reply[1]) || !Array.isArray(reply[2]) || (reply[3] !== 0 && reply[3] !== 1)) throw unexpectedReply("claimCheck", reply);
    const [stackFields, rowFields, syncReply, reported] = reply as [string[], Array<string | null>, Array<string | number>, 0 | 1];
    const k = ctx.keys.stack(message.stackId);
    const syncNode = firstSyncRead(message);
    const stored = stackFields.length > 0;
    const primed: Primed = {
      stackId: message.stackId,
      stack: decodeStackFlat(k.stack, stackFields),
      ...(message.kind === "node" && stored
        ? { row: { rowId: message.rowId, value: rowFields.every((v) => v === null) ? null : decodeRow(k.rows, message.rowId, rowFields) } }
        : {}),
      ...(syncNode !== null && stored && syncReply[0] !== 0
        ? { sync: { traversalId: message.traversalId, node: syncNode, value: syncReply[0] === 1 ? null : decodeSync(k.sync(message.traversalId, syncNode), syncReply.slice(1).map(String)) } }
        : {}),
      ...(message.kind === "node" && stored ? { reported: { traversalId: message.traversalId, node: nodeKey(message.direction, message.rowId), value: reported === 1 } } : {}),
    };
    const events = new EventBuffer((stackId, list) => ctx.store.appendEvents(stackId, list));
    const runtime = deliveryView(this.deps.runtime(), slot, { primed, events, ...(crashAfterOps === undefined ? {} : { crashAfterOps }) });
    // A hand-back aborts the delivery's signal: the check's in-flight plugin calls stop.
    let handBack = (): void => undefined;
    const handedBack = new Promise<"handback">((resolve) => {
      handBack = () => {
        delivery.abort("the check was handed back to the queue");
        resolve("handback");
      };
    });
    slot.inflight.set(parsed.jobId, handBack);
    let result: "done" | "handback" | { readonly error: unknown };
    try {
      const lapses = slot.lease.lapses();
      const leaseValid = (): boolean => slot.lease.valid() && slot.lease.lapses() === lapses;
      const handled = slot.handler({ message, runtime, signal: delivery.signal, attempt, leaseValid }).then(
        () => "done" as const,
        (error: unknown) => ({ error }),
      );
      result = await Promise.race([handled, handedBack]);
    } finally {
      slot.inflight.delete(parsed.jobId);
    }
    // A fenced check (lease lapsed, row taken over) stops without writing: back to the queue too.
    const back = result === "handback" || slot.dead || (typeof result === "object" && (result.error instanceof EngineDeadError || result.error instanceof FencedError));
    if (back) {
      events.discard();
      // Back in the queue: count it as queued again (its claim removed it).
      if (isTracked(message)) await command("ZADD queued", () => ctx.client.zadd(k.queued, Date.now(), parsed.jobId));
      return { kind: "handback", job: parsed };
    }
    await events.flush();
    if (result === "done") return { kind: "done", job: parsed };
    const error = (result as { readonly error: unknown }).error;
    if (error instanceof CorruptMessageError) return { kind: "corrupt", error };
    return { kind: "failed", job: parsed, error };
  }

  /** Stop a slot's BullMQ worker; past `graceMs`, declare the engine dead and hand its jobs back. */
  private async shutDownBull(slot: Slot, graceMs: number): Promise<void> {
    const worker = slot.bull;
    if (worker === null) return;
    const closed = worker.close();
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      closed.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      slot.dead = true;
      await slot.lease.release().catch(() => undefined);
      if (slot.inflight.size > 0) this.deps.settings.logger.warn(`engine ${slot.engineId}: handing ${slot.inflight.size} running checks back to the queue after the grace period`);
      for (const handBack of slot.inflight.values()) handBack();
      await closed;
    }
    slot.connection?.disconnect();
    slot.connection = null;
  }
}
