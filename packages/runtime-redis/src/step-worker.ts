/**
 * Manual mode: nothing runs on its own; `step()` takes the next job (FIFO) from BullMQ and runs
 * it to its end on one engine (round robin over the live ones unless one is named), for
 * deterministic tests. A step may enqueue a copy of the check it ran (a duplicate delivery;
 * copies are not copied again).
 */
import { randomUUID } from "node:crypto";
import { UnrecoverableError, Worker } from "bullmq";
import type { Job } from "bullmq";
import { InvalidOptionsError, RuntimeStateError, StackStateLostError } from "@converge/core";
import type { HostDeps, Outcome, RedisStepOptions, Slot } from "./host-slot.js";
import { asError } from "./host-slot.js";
import type { LostStacks } from "./lost-stacks.js";
import { removeOnFail } from "./options.js";
import type { RedisClient } from "./script-loader.js";

/** Runs one job on a slot, with an optional crash injection. */
export type RunStep = (slot: Slot, job: Job, crashAfterOps?: number) => Promise<Outcome>;

/** The manual-mode stepper of a host. */
export class StepWorker {
  private worker: Worker | null = null;
  private connection: RedisClient | null = null;
  private roundRobin = 0;
  /** Job ids of duplicate copies made by `step({ duplicate })`, not to be copied again. */
  private readonly copies = new Set<string>();

  constructor(
    private readonly deps: HostDeps,
    private readonly lost: LostStacks,
    private readonly run: RunStep,
  ) {}

  /** Run the next check to its end on a live slot. False when nothing is waiting. @throws RuntimeStateError when no (named) engine is live */
  async step(live: readonly Slot[], options: RedisStepOptions = {}): Promise<boolean> {
    if (this.deps.settings.mode !== "manual") throw new InvalidOptionsError("mode", "step() needs a manual-mode Redis runtime");
    const slot = options.engineId === undefined ? live[this.roundRobin++ % Math.max(1, live.length)] : live.find((s) => s.engineId === options.engineId);
    if (slot === undefined) {
      if ((await this.deps.waiting()) === 0) return false;
      throw new RuntimeStateError(options.engineId === undefined ? "engine" : `engine "${options.engineId}"`, options.engineId === undefined ? "no live engine to deliver to" : `engine "${options.engineId}" is not registered and alive`);
    }
    const token = randomUUID();
    const job = (await this.getWorker().getNextJob(token, { block: false })) as Job | undefined;
    if (job === undefined) return false;
    const outcome = await this.run(slot, job, options.crashAfterOps).catch((error: unknown): Outcome => ({ kind: "failed", job: null, error }));
    await this.settle(job, token, outcome);
    const ran = outcome.kind === "corrupt" ? null : outcome.job;
    if (options.duplicate === true && ran !== null && outcome.kind !== "handback" && !this.copies.delete(ran.jobId)) {
      for (const id of await this.deps.enqueueCopy(ran.message)) this.copies.add(id);
    }
    return true;
  }

  /** Close the step worker and its connection. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.close().catch(() => undefined);
    this.connection?.disconnect();
  }

  /** Move the job where its outcome puts it. */
  private async settle(job: Job, token: string, outcome: Outcome): Promise<void> {
    if (outcome.kind === "corrupt") {
      this.deps.settings.logger.error(`failing a corrupt check job: ${outcome.error.message}`, { jobId: job.id });
      await job.moveToFailed(new UnrecoverableError(outcome.error.message), token, false);
    } else if (outcome.kind === "handback") {
      await job.moveToWait(token);
    } else if (outcome.kind === "failed" && outcome.error instanceof StackStateLostError) {
      this.lost.report(outcome.error);
      // The job itself is usually gone with the state; if not, it fails for good.
      await job.moveToFailed(new UnrecoverableError(outcome.error.message), token, false).catch(() => undefined);
    } else if (outcome.kind === "failed") {
      await job.moveToFailed(asError(outcome.error), token, false);
    } else {
      await job.moveToCompleted(null, token, false);
    }
  }

  private getWorker(): Worker {
    if (this.worker === null) {
      const { settings, ctx } = this.deps;
      this.connection = this.deps.connectWorker();
      this.worker = new Worker(settings.queueName, null, { connection: this.connection, prefix: ctx.keys.queuePrefix, autorun: false, lockDuration: settings.jobLockMs, removeOnFail: removeOnFail(settings.keepFailedJobs) });
      this.worker.on("error", (error) => settings.logger.warn(`BullMQ step worker: ${error.message}`));
    }
    return this.worker;
  }
}
