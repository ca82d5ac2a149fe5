/**
 * `activity(stackId)` for the watchdog: the stack's checks queued and running.
 *
 * - running: BullMQ's active jobs of the stack. The active list is bounded by the workers'
 *   total concurrency, so reading it is cheap; a dead worker's job stays active until
 *   stalled-job recovery puts it back, and counts meanwhile - it will run again.
 * - queued: a zset in the stack's slot that enqueue (`prepareChecks-4`) adds to, and the
 *   job's claim (`claimCheck-8`) removes from. Those writes are not atomic with BullMQ's own,
 *   so an entry can outlive its job (its producer died between the two). An entry older than
 *   `verifyAfterMs` is checked against BullMQ and removed when its job no longer waits: an
 *   over-count would keep the watchdog from ever resuming a stalled traversal.
 *
 * Watchdog checks are counted in neither (like the memory runtime).
 */
import type { Job, Queue } from "bullmq";
import type { CheckMessage, StackActivity } from "@converge/core";
import type { RuntimeKeys } from "./keys.js";
import type { RedisClient } from "./script-loader.js";
import { command } from "./store-context.js";

/** Job states in which a job will still run. */
const LIVE_STATES: ReadonlySet<string> = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

/** What {@link stackActivity} needs. */
export interface ActivityContext {
  readonly client: RedisClient;
  readonly keys: RuntimeKeys;
  readonly queue: Queue;
  /** Queued entries younger than this are trusted without asking BullMQ, ms. */
  readonly verifyAfterMs: number;
  readonly now: () => number;
}

const ofStack = (job: Job | undefined, stackId: string): boolean => {
  const data = job?.data as Partial<CheckMessage> | undefined;
  return data?.stackId === stackId && data.kind !== "watchdog";
};

/** Queued and running checks of a stack. */
export async function stackActivity(ctx: ActivityContext, stackId: string): Promise<StackActivity> {
  const k = ctx.keys.stack(stackId);
  const [queuedFlat, active] = await Promise.all([
    command("ZRANGE queued", () => ctx.client.zrange(k.queued, 0, -1, "WITHSCORES")),
    command("BullMQ getJobs active", () => ctx.queue.getJobs(["active"])),
  ]);
  const now = ctx.now();
  let queued = 0;
  const suspects: string[] = [];
  for (let i = 0; i + 1 < queuedFlat.length; i += 2) {
    if (now - Number(queuedFlat[i + 1]) < ctx.verifyAfterMs) queued += 1;
    else suspects.push(queuedFlat[i] as string);
  }
  const states = await Promise.all(suspects.map((jobId) => command("BullMQ getJobState", () => ctx.queue.getJobState(jobId))));
  await Promise.all(
    suspects.map(async (jobId, i) => {
      if (LIVE_STATES.has(states[i] as string)) queued += 1;
      else await command("ZREM queued", () => ctx.client.zrem(k.queued, jobId));
    }),
  );
  return { queued, running: active.filter((job) => ofStack(job, stackId)).length };
}
