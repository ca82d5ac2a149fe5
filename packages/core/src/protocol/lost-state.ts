/**
 * Lost state on the worker side. A check that finds its stack missing - at its start, or
 * through a write refused as "gone" while it ran - is legitimately dropped only when the
 * stack's tombstone says its delete completed (a stale message of a deleted stack). Without
 * one, the store lost the stack's state (restarted without persistence, flushed): the check
 * fails with `StackStateLostError`, which the runtime logs once per stack and never retries,
 * instead of ending as if it had done its work.
 */
import { StackStateLostError } from "../errors.js";
import type { RuntimeStore } from "../runtime/contract.js";

/** Whether a store answer says something is gone: a null read, a "gone" sync, a write refused as gone. */
function looksGone(value: unknown): boolean {
  if (value === null || value === "gone") return true;
  if (typeof value !== "object") return false;
  const answer = value as { readonly reason?: unknown; readonly kind?: unknown };
  return answer.reason === "gone" || answer.kind === "gone";
}

/**
 * Notes whether any answer of a check's store said something was gone (a cheap test per
 * answer, no extra round trip): the check's store (`secrets/sealing-store.ts`) shows it
 * every answer but its events'.
 */
export class GoneWatch {
  /** True once an answer of the store said something was gone. */
  gone = false;

  /** Look at `answer`; give it back. */
  note<T>(answer: T): T {
    if (!this.gone && looksGone(answer)) this.gone = true;
    return answer;
  }
}

/**
 * After a check saw something gone: if its stack record is missing and no tombstone says it
 * was deleted, its state was lost. @throws StackStateLostError naming the stack
 */
export async function assertStackNotLost(store: RuntimeStore, stackId: string): Promise<void> {
  if ((await store.loadStack(stackId)) !== null) return;
  if ((await store.loadTombstone(stackId)) !== null) return;
  throw new StackStateLostError({ id: stackId });
}
