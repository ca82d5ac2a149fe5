/**
 * `activity(stackId)` for the watchdog: the stack's checks queued and running, from two keys
 * in the stack's slot that enqueue (`prepareChecks-3`), claim (`claimCheck-4`) and finish
 * (`finishCheck-2`) maintain. Those writes are not atomic with BullMQ's own, so an entry can
 * outlive its job (a process died between the two, a job was dropped). An entry that old or
 * held by a dead engine is checked against BullMQ and removed when its job no longer waits or
 * runs - an over-count would keep the watchdog from ever resuming a stalled traversal.
 */
import type { Queue } from "bullmq";
import type { StackActivity } from "@converge/core";
import type { RuntimeKeys } from "./keys.js";
import type { RedisClient } from "./script-loader.js";
import { command } from "./store-context.js";

/** Job states in which a job will still run (or is running). */
const LIVE_STATES: ReadonlySet<string> = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

/** What {@link stackActivity} needs. */
export interface ActivityContext {
  readonly client: RedisClient;
  readonly keys: RuntimeKeys;
  readonly queue: Queue;
  /** Whether an engine is alive. */
  readonly isAlive: (engineId: string) => Promise<boolean>;
  /** Queued entries younger than this are trusted without asking BullMQ, ms. */
  readonly verifyAfterMs: number;
  readonly now: () => number;
}

/** Queued and running checks of a stack (watchdog checks are not recorded). */
export async function stackActivity(ctx: ActivityContext, stackId: string): Promise<StackActivity> {
  const k = ctx.keys.stack(stackId);
  const [queuedFlat, running] = await Promise.all([
    command("ZRANGE queued", () => ctx.client.zrange(k.queued, 0, -1, "WITHSCORES")),
    command("HGETALL running", () => ctx.client.hgetall(k.running)),
  ]);
  const now = ctx.now();
  let queued = 0;
  const suspects: Array<{ jobId: string; from: "queued" | "running"; engineId?: string }> = [];
  for (let i = 0; i + 1 < queuedFlat.length; i += 2) {
    const jobId = queuedFlat[i] as string;
    if (now - Number(queuedFlat[i + 1]) < ctx.verifyAfterMs) queued += 1;
    else suspects.push({ jobId, from: "queued" });
  }
  const engines = [...new Set(Object.values(running))];
  const alive = new Map(await Promise.all(engines.map(async (e) => [e, await ctx.isAlive(e)] as const)));
  let runningCount = 0;
  for (const [jobId, engineId] of Object.entries(running)) {
    if (alive.get(engineId) === true) runningCount += 1;
    else suspects.push({ jobId, from: "running", engineId });
  }
  const states = await Promise.all(suspects.map((s) => command("BullMQ getJobState", () => ctx.queue.getJobState(s.jobId))));
  await Promise.all(
    suspects.map(async (suspect, i) => {
      if (LIVE_STATES.has(states[i] as string)) {
        // A dead engine's job is back in the queue (or about to be, by stalled-job recovery).
        queued += 1;
        return;
      }
      if (suspect.from === "queued") await command("ZREM queued", () => ctx.client.zrem(k.queued, suspect.jobId));
      else await command("HDEL running", () => ctx.client.hdel(k.running, suspect.jobId));
    }),
  );
  return { queued, running: runningCount };
}
