/**
 * Auto mode: one BullMQ Worker per engine (its `concurrency`), with BullMQ's lock renewal and
 * stalled-job recovery - the checks of a dead process are delivered again. Each job's outcome
 * becomes BullMQ's: completed, failed for good (corrupt, lost state), failed (retried), or
 * moved back to wait (handed back). Shutting down lets running checks finish for a grace
 * period, then declares the engine dead (lease released, writes fenced) and hands their jobs back.
 */
import { UnrecoverableError, WaitingError, Worker } from "bullmq";
import type { Job } from "bullmq";
import { StackStateLostError } from "@converge/core";
import type { HostDeps, Outcome, Slot } from "./host-slot.js";
import { asError } from "./host-slot.js";
import { setMarker, unmarkedSuccessors } from "./unmarked-successors.js";
import type { LostStacks } from "./lost-stacks.js";
import { removeOnFail } from "./options.js";
import { quietFetch } from "./quiet-fetch.js";

/** Runs one job on a slot. */
export type RunJob = (slot: Slot, job: Job) => Promise<Outcome>;

/** Start the BullMQ worker of `slot` (stored in the slot). */
export function startBullWorker(deps: HostDeps, slot: Slot, concurrency: number, run: RunJob, lost: LostStacks): Worker {
  const { settings, ctx } = deps;
  slot.connection = deps.connectWorker();
  // Its fetches set BullMQ's marker only while a job is left to fetch (quiet-fetch.ts).
  const claiming = ctx.client.isCluster || !settings.claimOnFetch ? undefined : { claimant: { prefix: ctx.keys.prefix, engineId: slot.engineId, staleGenerationTtlMs: settings.staleGenerationTtlMs }, claims: slot.fetchedClaims };
  quietFetch(slot.connection, claiming);
  const worker = new Worker(settings.queueName, (job: Job, token?: string) => processJob(deps, lost, slot, job, token ?? "", run), {
    connection: slot.connection,
    prefix: ctx.keys.queuePrefix,
    concurrency,
    name: slot.engineId,
    lockDuration: settings.jobLockMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalledCount,
    removeOnFail: removeOnFail(settings.keepFailedJobs),
  });
  worker.on("error", (error) => lost.onWorkerError(slot.engineId, error));
  // Successors its checks add go without BullMQ's marker while it runs (UnmarkedSuccessors).
  unmarkedSuccessors.started(worker.keys.marker as string);
  worker.on("active", (job: Job) => unmarkedSuccessors.fetched(job.id ?? ""));
  slot.bull = worker;
  return worker;
}

/** The processor of auto mode: run the job and turn its outcome into BullMQ's. */
async function processJob(deps: HostDeps, lost: LostStacks, slot: Slot, job: Job, token: string, run: RunJob): Promise<null> {
  const outcome = await run(slot, job);
  if (outcome.kind === "corrupt") {
    deps.settings.logger.error(`failing a corrupt check job: ${outcome.error.message}`, { jobId: job.id });
    throw new UnrecoverableError(outcome.error.message);
  }
  if (outcome.kind === "handback") {
    await job.moveToWait(token);
    throw new WaitingError();
  }
  if (outcome.kind === "failed" && outcome.error instanceof StackStateLostError) {
    lost.report(outcome.error);
    throw new UnrecoverableError(outcome.error.message);
  }
  if (outcome.kind === "failed") throw asError(outcome.error);
  return null;
}

/** Stop a slot's BullMQ worker; past `graceMs`, declare the engine dead and hand its jobs back. */
export async function shutDownBull(deps: HostDeps, slot: Slot, graceMs: number): Promise<void> {
  const worker = slot.bull;
  if (worker === null) return;
  const closed = worker.close();
  // Successors its last checks add are not fetched by it: wake the other workers for them.
  const stopped = (): void => unmarkedSuccessors.stopped(worker.keys.marker as string, () => setMarker(deps.ctx, worker.keys.marker as string));
  closed.then(stopped, stopped);
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
    if (slot.inflight.size > 0) deps.settings.logger.warn(`engine ${slot.engineId}: handing ${slot.inflight.size} running checks back to the queue after the grace period`);
    slot.signals.handBack();
    for (const handBack of slot.inflight.values()) handBack("handback");
    await closed;
  }
  slot.connection?.disconnect();
  slot.connection = null;
}
