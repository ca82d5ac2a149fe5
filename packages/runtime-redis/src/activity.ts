/**
 * `activity(stackId)` for the watchdog: the stack's checks queued and running.
 *
 * - running: BullMQ's active jobs of the stack. The active list is bounded by the workers'
 *   total concurrency, so reading it is cheap; a dead worker's job stays active until
 *   stalled-job recovery puts it back, and counts meanwhile - it will run again.
 * - queued: a zset in the stack's slot that enqueue (`prepareChecks-4`) adds to, and the
 *   job's claim (`claimCheck-1`) removes from. Those writes are not atomic with BullMQ's own,
 *   so an entry can outlive its job (its producer died between the two). Entries whose score
 *   is older than `verifyAfterMs` are checked against BullMQ, at most `VERIFY_BATCH` of them
 *   per call, oldest first, by one read-only script (`liveJobs-0+`: O(1) per job, never a
 *   scan of the wait list); a dead one is removed. An over-count would keep the watchdog from
 *   ever resuming a stalled traversal - but only zero matters to it: entries past the batch
 *   are counted unverified only while a verified one is live (the stack is not stalled), and
 *   are verified once the ones before them are claimed or removed. Each call is
 *   O(VERIFY_BATCH).
 *
 * Watchdog checks are counted in neither (like the memory runtime).
 */
import type { Job, Queue } from "bullmq";
import type { CheckMessage, StackActivity } from "@converge/core";
import type { RuntimeKeys } from "./keys.js";
import { unexpectedReply } from "./script-codes.js";
import { runScript } from "./script-loader.js";
import type { RedisClient } from "./script-loader.js";
import { command } from "./store-context.js";

/** Most queued entries verified against BullMQ per activity call. */
export const VERIFY_BATCH = 500;

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
  const now = ctx.now();
  const [total, suspects, active] = await Promise.all([
    command("ZCARD queued", () => ctx.client.zcard(k.queued)),
    command("ZRANGEBYSCORE queued", () => ctx.client.zrangebyscore(k.queued, "-inf", `(${now - ctx.verifyAfterMs}`, "LIMIT", 0, VERIFY_BATCH)),
    command("BullMQ getJobs active", () => ctx.queue.getJobs(["active"])),
  ]);
  const dead: string[] = [];
  if (suspects.length > 0) {
    const reply = await runScript(ctx.client, "liveJobs", suspects.map((jobId) => ctx.queue.toKey(jobId)), []);
    if (!Array.isArray(reply) || reply.length !== suspects.length) throw unexpectedReply("liveJobs", reply);
    const flags: unknown[] = reply;
    suspects.forEach((jobId, i) => {
      if (flags[i] !== 1) dead.push(jobId);
    });
  }
  if (dead.length > 0) await command("ZREM queued", () => ctx.client.zrem(k.queued, ...dead));
  return { queued: Math.max(0, total - dead.length), running: active.filter((job) => ofStack(job, stackId)).length };
}
