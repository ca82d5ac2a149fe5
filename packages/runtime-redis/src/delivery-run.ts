/**
 * One delivered job, from validation to its outcome: the job is parsed (a corrupt one is
 * reported as such), claimed as a fresh attempt (`claim.ts`: what the claim read is the
 * delivery's `claim`), then handled with the fenced runtime view of the delivery
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
import { claimJob } from "./claim.js";
import { EventBuffer, deliveryView } from "./delivery-view.js";
import type { HostDeps, Outcome, Slot } from "./host-slot.js";
import { command } from "./store-context.js";


type Handled = "done" | "handback" | { readonly error: unknown };

/** Validate, claim and handle one job on `slot`. */
export async function runJob(deps: HostDeps, ends: AttemptEnds, slot: Slot, job: Job, crashAfterOps?: number): Promise<Outcome> {
  let parsed: ParsedJob;
  try {
    parsed = parseJob(job);
  } catch (error) {
    if (error instanceof CorruptMessageError) return { kind: "corrupt", error };
    throw error;
  }
  if (slot.dead) return { kind: "handback", job: null };
  const attempt = randomUUID();
  const delivery = new AbortController();
  slot.attempts.set(attempt, delivery);
  try {
    return await runClaimed(deps, ends, slot, parsed, attempt, delivery, crashAfterOps);
  } finally {
    slot.attempts.delete(attempt);
    ends.end(deps.ctx.keys.stack(parsed.message.stackId).attempts, attempt);
  }
}

/** Claim and handle a validated job as `attempt`. */
async function runClaimed(deps: HostDeps, ends: AttemptEnds, slot: Slot, parsed: ParsedJob, attempt: string, delivery: AbortController, crashAfterOps: number | undefined): Promise<Outcome> {
  const { ctx } = deps;
  const message = parsed.message;
  // The claim also removes the attempts of this stack that ended (one call instead of an HDEL each).
  const attemptsKey = ctx.keys.stack(message.stackId).attempts;
  const ended = ends.take(attemptsKey);
  let claim: DeliveryClaim;
  try {
    claim = await claimJob(ctx, parsed, { attempt, engineId: slot.engineId, staleGenerationTtlMs: deps.settings.staleGenerationTtlMs, ended });
  } catch (error) {
    ends.restore(attemptsKey, ended);
    throw error;
  }
  const events = new EventBuffer(ctx.store);
  // Any lapse of the engine's lease since the check began fences it (and ends the lock echo).
  const lapses = slot.lease.lapses();
  const leaseValid = (): boolean => slot.lease.valid() && slot.lease.lapses() === lapses;
  const deliveryAttempt = { engineId: slot.engineId, attempt, leaseValid };
  const runtime = deliveryView(deps.runtime(), slot, crashAfterOps === undefined ? { events, attempt: deliveryAttempt } : { events, attempt: deliveryAttempt, crashAfterOps });
  const result = await handleRacingHandBack(slot, parsed.jobId, delivery, (signal) => slot.handler({ message, claim, runtime, signal, attempt, leaseValid }));
  // A fenced check (lease lapsed, row taken over) stops without writing: back to the queue too.
  const back = result === "handback" || slot.dead || (typeof result === "object" && (result.error instanceof EngineDeadError || result.error instanceof FencedError));
  if (back) {
    events.discard();
    // Back in the queue: count it as queued again (its claim removed it).
    if (isTracked(message)) await command("ZADD queued", () => ctx.client.zadd(ctx.keys.stack(message.stackId).queued, Date.now(), parsed.jobId));
    return { kind: "handback", job: parsed };
  }
  await events.flush();
  if (result === "done") return { kind: "done", job: parsed };
  if (result.error instanceof CorruptMessageError) return { kind: "corrupt", error: result.error };
  return { kind: "failed", job: parsed, error: result.error };
}

/** A handler that ended: "done". (Module functions, not closures made per check.) */
const handlerDone = (): "done" => "done";
/** A handler that failed: its error. */
const handlerFailed = (error: unknown): Handled => ({ error });

/** Run the handler, unless the slot hands the job back first (which aborts the delivery's signal). */
async function handleRacingHandBack(slot: Slot, jobId: string, delivery: AbortController, handle: (signal: AbortSignal) => Promise<void>): Promise<Handled> {
  let handBack: (() => void) | undefined;
  const handedBack = new Promise<"handback">((resolve) => {
    handBack = () => {
      delivery.abort("the check was handed back to the queue");
      resolve("handback");
    };
  });
  slot.inflight.set(jobId, handBack as () => void);
  try {
    const handled = handle(delivery.signal).then(handlerDone, handlerFailed);
    return await Promise.race([handled, handedBack]);
  } finally {
    slot.inflight.delete(jobId);
  }
}
