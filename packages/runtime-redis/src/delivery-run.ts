/**
 * One delivered job, from validation to its outcome: the job is parsed (a corrupt one is
 * reported as such), claimed as a fresh attempt (`claim.ts`: what the claim read is the
 * delivery's `claim`; usually made by the BullMQ fetch that brought the job, `fetch-claim.ts`),
 * then handled with the fenced runtime view of the delivery
 * (`delivery-view.ts`). A hand-back (the engine closes past its
 * grace period) aborts the delivery's signal and wins the race against the handler. A fenced
 * check writes nothing more and goes back to the queue; otherwise its buffered events are
 * appended before the outcome is reported. The attempt is removed again when the job ends
 * (`attempt-ends.ts`: by the next claim of the same stack, or within a few ms).
 */
import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import type { DeliveryClaim } from "@converge/core";
import { CorruptMessageError, EngineDeadError, FencedError } from "@converge/core";
import { isTracked, parseJob } from "./check-queue.js";
import type { ParsedJob } from "./check-queue.js";
import type { AttemptEnds } from "./attempt-ends.js";
import { claimJob, decodeClaim } from "./claim.js";
import { claimedStackId } from "./fetch-claim.js";
import { EventBuffer, deliveryView } from "./delivery-view.js";
import type { HostDeps, Outcome, Slot } from "./host-slot.js";
import { command } from "./store-context.js";

type Handled = "done" | "handback" | { readonly error: unknown };

/** Validate, claim and handle one job on `slot`. */
export async function runJob(deps: HostDeps, ends: AttemptEnds, slot: Slot, job: Job, crashAfterOps?: number): Promise<Outcome> {
  // The claim its fetch made, if it made one (`fetch-claim.ts`): taken first, whatever follows.
  const fetched = slot.fetchedClaims.take(job.id ?? "");
  let parsed: ParsedJob;
  try {
    parsed = parseJob(job);
  } catch (error) {
    // What the fetch claimed by the job's id ends with the job (it never runs).
    const stackId = fetched === undefined ? null : claimedStackId(job.id ?? "");
    if (fetched !== undefined && stackId !== null) ends.end(deps.ctx.keys.stack(stackId).attempts, fetched.attempt);
    if (error instanceof CorruptMessageError) return { kind: "corrupt", error };
    throw error;
  }
  if (slot.dead) {
    if (fetched === undefined) return { kind: "handback", job: null };
    // Claimed, not run: its attempt ends, and it counts as queued again if its stack was there.
    ends.end(deps.ctx.keys.stack(parsed.message.stackId).attempts, fetched.attempt);
    if (claimedStack(fetched.reply)) await queuedAgain(deps, parsed);
    return { kind: "handback", job: parsed };
  }
  const attempt = fetched?.attempt ?? randomUUID();
  // Aborted when the lease lapses or the slot hands its checks back (shared: `SlotSignals`).
  const signal = slot.signals.current();
  slot.attempts.add(attempt);
  try {
    return await runClaimed(deps, ends, slot, parsed, attempt, signal, crashAfterOps, fetched?.reply);
  } finally {
    slot.attempts.delete(attempt);
    ends.end(deps.ctx.keys.stack(parsed.message.stackId).attempts, attempt);
  }
}

/** Claim and handle a validated job as `attempt`. */
async function runClaimed(deps: HostDeps, ends: AttemptEnds, slot: Slot, parsed: ParsedJob, attempt: string, signal: AbortSignal, crashAfterOps: number | undefined, fetchedReply: unknown): Promise<Outcome> {
  const { ctx } = deps;
  const message = parsed.message;
  const claim = fetchedReply === undefined ? await claimByCall(deps, ends, slot, parsed, attempt) : decodeClaim(ctx, parsed, fetchedReply);
  const events = new EventBuffer(ctx.store);
  // Any lapse of the engine's lease since the check began fences it (and ends the lock echo).
  const lapses = slot.lease.lapses();
  const leaseValid = (): boolean => slot.lease.valid() && slot.lease.lapses() === lapses;
  const deliveryAttempt = { engineId: slot.engineId, attempt, leaseValid };
  const runtime = deliveryView(deps.runtime(), slot, crashAfterOps === undefined ? { events, attempt: deliveryAttempt } : { events, attempt: deliveryAttempt, crashAfterOps });
  const result = await handleRacingHandBack(slot, parsed.jobId, slot.handler({ message, claim, runtime, signal, attempt, leaseValid }));
  // A fenced check (lease lapsed, row taken over) stops without writing: back to the queue too.
  const back = result === "handback" || slot.dead || (typeof result === "object" && (result.error instanceof EngineDeadError || result.error instanceof FencedError));
  if (back) {
    events.discard();
    await queuedAgain(deps, parsed);
    return { kind: "handback", job: parsed };
  }
  if (!events.untouched()) await events.flush();
  if (result === "done") return { kind: "done", job: parsed };
  if (result.error instanceof CorruptMessageError) return { kind: "corrupt", error: result.error };
  return { kind: "failed", job: parsed, error: result.error };
}

/** Whether a claim's reply read a stack (a claim of a stack that does not exist writes nothing). */
const claimedStack = (reply: unknown): boolean => Array.isArray(reply) && Array.isArray(reply[0]) && reply[0].length > 0;

/** A job back in the queue counts as queued again (its claim removed it). */
async function queuedAgain(deps: HostDeps, parsed: ParsedJob): Promise<void> {
  const { ctx } = deps;
  const message = parsed.message;
  if (isTracked(message)) await command("ZADD queued", () => ctx.client.zadd(ctx.keys.stack(message.stackId).queued, Date.now(), parsed.jobId));
}

/** Claim a job with `claimCheck-1`, which also removes the attempts of its stack that ended (one call instead of an HDEL each). */
async function claimByCall(deps: HostDeps, ends: AttemptEnds, slot: Slot, parsed: ParsedJob, attempt: string): Promise<DeliveryClaim> {
  const attemptsKey = deps.ctx.keys.stack(parsed.message.stackId).attempts;
  const ended = ends.take(attemptsKey);
  try {
    return await claimJob(deps.ctx, parsed, { attempt, engineId: slot.engineId, staleGenerationTtlMs: deps.settings.staleGenerationTtlMs, ended });
  } catch (error) {
    ends.restore(attemptsKey, ended);
    throw error;
  }
}

/**
 * The handler's outcome, unless the slot hands the job back first (after aborting the
 * checks' signal: `shutDownBull`). One promise per check: no race, no hand-back promise.
 */
function handleRacingHandBack(slot: Slot, jobId: string, handling: Promise<void>): Promise<Handled> {
  return new Promise<Handled>((resolve) => {
    slot.inflight.set(jobId, resolve);
    handling.then(
      () => {
        slot.inflight.delete(jobId);
        resolve("done");
      },
      (error: unknown) => {
        slot.inflight.delete(jobId);
        resolve({ error });
      },
    );
  });
}
