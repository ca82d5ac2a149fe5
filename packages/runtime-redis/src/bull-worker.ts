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
import type { LostStacks } from "./lost-stacks.js";
import { removeOnFail } from "./options.js";
import { successorScope } from "./check-queue.js";
import type { SuccessorScope } from "./check-queue.js";

/** Ms a worker waits for a successor it added without the marker to become its next job before it sets the marker. */
const SUCCESSOR_FETCH_MS = 25;

/** Set BullMQ's marker, which wakes the workers blocked waiting for a job (what a BullMQ job add does). */
function wake(deps: HostDeps, worker: Worker): void {
  deps.ctx.client.zadd(worker.keys.marker as string, 0, "0").catch(() => undefined);
}

/**
 * Successors added without BullMQ's marker (`successorScope`). A chain link's successor is
 * the job its worker fetches next when it finishes the link (BullMQ's fetch-next in the same
 * script as the finish), so waking blocked workers for it - BullMQ's marker - only makes them
 * race for it (a BZPOPMIN and a moveToActive, often in another process, per link). If the
 * worker does not fetch it within SUCCESSOR_FETCH_MS (it took an older job, it is closing, or
 * at full concurrency), the marker is set then: at worst a successor waits that long (or, if
 * the process dies, until a blocked worker's BZPOPMIN times out - BullMQ blocks at most 10 s -
 * which is sooner than the dead worker's own job is recovered). Nothing else changes: the job
 * is in the wait list, with its hash and events, exactly as BullMQ's add leaves it.
 */
const successors = {
  pending: new Map<string, NodeJS.Timeout>(),
  /** The scope of one delivery. */
  scope(deps: HostDeps, worker: Worker): SuccessorScope {
    return {
      added: (jobIds) => {
        for (const id of jobIds) {
          clearTimeout(successors.pending.get(id));
          const timer = setTimeout(() => {
            successors.pending.delete(id);
            wake(deps, worker);
          }, SUCCESSOR_FETCH_MS);
          timer.unref();
          successors.pending.set(id, timer);
        }
      },
    };
  },
  /** Set the marker now for every successor still waiting for its fetch (a worker closing fetches no more). */
  flush(deps: HostDeps, worker: Worker): void {
    if (successors.pending.size === 0) return;
    for (const timer of successors.pending.values()) clearTimeout(timer);
    successors.pending.clear();
    wake(deps, worker);
  },
  /** A job became active on this worker: no marker needed for it. */
  fetched(jobId: string): void {
    const timer = successors.pending.get(jobId);
    if (timer === undefined) return;
    clearTimeout(timer);
    successors.pending.delete(jobId);
  },
};

/** Runs one job on a slot. */
export type RunJob = (slot: Slot, job: Job) => Promise<Outcome>;

/** Start the BullMQ worker of `slot` (stored in the slot). */
export function startBullWorker(deps: HostDeps, slot: Slot, concurrency: number, run: RunJob, lost: LostStacks): Worker {
  const { settings, ctx } = deps;
  slot.connection = deps.connectWorker();
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
  worker.on("active", (job: Job) => successors.fetched(job.id ?? ""));
  slot.bull = worker;
  return worker;
}

/** The processor of auto mode: run the job and turn its outcome into BullMQ's. */
async function processJob(deps: HostDeps, lost: LostStacks, slot: Slot, job: Job, token: string, run: RunJob): Promise<null> {
  const outcome = await successorScope.run(successors.scope(deps, slot.bull as Worker), () => run(slot, job));
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
  void closed.then(() => successors.flush(deps, worker));
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
    for (const handBack of slot.inflight.values()) handBack();
    await closed;
  }
  slot.connection?.disconnect();
  slot.connection = null;
}
