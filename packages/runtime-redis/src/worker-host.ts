/**
 * The engines registered with one runtime (their slots), and how their checks are delivered:
 *
 * - auto mode: one BullMQ Worker per engine (`bull-worker.ts`);
 * - manual mode: `step()` runs the next job on one engine (`step-worker.ts`).
 *
 * Every job is validated, claimed (`claim.ts`) and handled with a fenced runtime view
 * (`delivery-run.ts`); when it ends, its attempt is removed again (`attemptRunning`).
 * `close()` lets running checks finish for a grace period, then declares the engine dead
 * (lease released, writes fenced) and hands the jobs back to the queue. When the engine's
 * lease lapses (a pause longer than its TTL), the signals of its running checks are aborted:
 * their plugin calls stop, and no new one starts.
 */
import type { Job } from "bullmq";
import { InvalidOptionsError, RuntimeStateError } from "@converge/core";
import type { CheckHandler, WorkerRegistration } from "@converge/core";
import { shutDownBull, startBullWorker } from "./bull-worker.js";
import { runJob } from "./delivery-run.js";
import { FetchedClaims } from "./fetch-claim.js";
import type { HostDeps, Outcome, RedisStepOptions, Slot } from "./host-slot.js";
import { SlotSignals, asError } from "./host-slot.js";
import { AttemptEnds } from "./attempt-ends.js";
import { acquireLease } from "./lease.js";
import { LostStacks } from "./lost-stacks.js";
import { StepWorker } from "./step-worker.js";
import { command } from "./store-context.js";

export type { HostDeps, HostSettings, RedisStepOptions } from "./host-slot.js";

/** The engines of one runtime. */
export class WorkerHost {
  private readonly slots = new Map<string, Slot>();
  private readonly lost: LostStacks;
  private readonly stepper: StepWorker;
  /** Ends of attempts not yet recorded in Redis. */
  private readonly ends: AttemptEnds;
  private readonly run = (slot: Slot, job: Job, crashAfterOps?: number): Promise<Outcome> => runJob(this.deps, this.ends, slot, job, crashAfterOps);

  constructor(private readonly deps: HostDeps) {
    this.ends = new AttemptEnds(() => deps.ctx.client, deps.settings.logger, deps.settings.mode === "manual");
    this.lost = new LostStacks(deps.ctx.store, deps.settings.logger);
    this.stepper = new StepWorker(deps, this.lost, this.run);
  }

  /** Register an engine. @throws InvalidOptionsError for a bad id or concurrency; RuntimeStateError when the id is registered (here or, alive, elsewhere) */
  async register(engineId: string, handler: CheckHandler, concurrency: number): Promise<WorkerRegistration> {
    if (typeof engineId !== "string" || engineId === "" || engineId.length > 200) throw new InvalidOptionsError("engineId", "must be a non-empty string of at most 200 characters");
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidOptionsError("concurrency", `must be an integer >= 1, got ${String(concurrency)}`);
    const existing = this.slots.get(engineId);
    if (existing !== undefined && !existing.dead) throw new RuntimeStateError(`engine "${engineId}"`, `engine "${engineId}" is already registered with this runtime`);
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
      attempts: new Set(),
      signals: new SlotSignals(),
      fetchedClaims: new FetchedClaims(),
      isDead: () => slot.dead,
      kill: () => void this.kill(engineId),
    };
    this.slots.set(engineId, slot);
    if (settings.mode === "auto") {
      const worker = startBullWorker(this.deps, slot, concurrency, this.run, this.lost);
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

  /** Engine ids registered here, alive and not closing. */
  liveEngines(): string[] {
    return this.live().map((s) => s.engineId);
  }

  /** Declare an engine dead now (lease released; its checks fail at their next operation and go back to the queue). */
  async kill(engineId: string): Promise<void> {
    const slot = this.slots.get(engineId);
    if (slot === undefined || slot.dead) return;
    slot.dead = true;
    slot.closed = true;
    await slot.lease.release().catch((error: unknown) => this.deps.settings.logger.warn(`cannot release the lease of ${engineId}: ${asError(error).message}`));
    if (slot.bull !== null && slot.closing === null) slot.closing = shutDownBull(this.deps, slot, 0);
  }

  /** Close an engine gracefully: running checks finish within `graceMs`, then are handed back. */
  async closeEngine(engineId: string, graceMs = this.deps.settings.shutdownGraceMs): Promise<void> {
    const slot = this.slots.get(engineId);
    if (slot === undefined) return;
    if (slot.closing !== null) return slot.closing;
    slot.closed = true;
    slot.closing = (async () => {
      if (slot.bull !== null) await shutDownBull(this.deps, slot, graceMs);
      slot.dead = true;
      await slot.lease.release();
    })();
    return slot.closing;
  }

  /** Close every engine (graceful) and the step worker. */
  async closeAll(graceMs = this.deps.settings.shutdownGraceMs): Promise<void> {
    await Promise.allSettled([...this.slots.keys()].map((id) => this.closeEngine(id, graceMs)));
    await this.stepper.close();
    await this.ends.flush();
  }

  /** Manual mode: run the next check to its end. False when nothing is waiting. */
  step(options: RedisStepOptions = {}): Promise<boolean> {
    return this.stepper.step(this.live(), options);
  }

  private live(): Slot[] {
    return [...this.slots.values()].filter((s) => !s.dead && !s.closed);
  }

  /** The lease of a local engine lapsed: abort its running checks' plugin calls. */
  private leaseLapsed(engineId: string): void {
    const slot = this.slots.get(engineId);
    if (slot === undefined || slot.dead) return;
    if (slot.attempts.size > 0) this.deps.settings.logger.warn(`engine ${engineId}: its liveness lease lapsed; aborting the plugin calls of its ${slot.attempts.size} running checks`);
    slot.signals.lapse(`the liveness lease of engine ${engineId} lapsed`);
  }
}
