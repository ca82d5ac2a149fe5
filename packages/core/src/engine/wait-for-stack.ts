/**
 * `waitForStack`: follow the stack's events until its traversal (and any rollback it starts)
 * ends. The record is re-read only after a stack event or a quiet second; a stack that
 * vanished is reported deleted when it left a tombstone, else as lost state.
 */
import { StackNotFoundError, StackStateLostError } from "../errors.js";
import type { EventMarks, RuntimeStore } from "../runtime/contract.js";
import type { EngineDeps } from "./engine-deps.js";
import type { StackInfo } from "./stack-view.js";
import { toStackInfo } from "./stack-view.js";

/** `Engine.waitForStack`. @throws StackNotFoundError, StackStateLostError, the signal's reason when aborted */
export async function waitForStack(deps: EngineDeps, name: string, opts: { signal?: AbortSignal } | undefined): Promise<StackInfo> {
  const { store } = deps;
  const known = deps.recent(name);
  const stack = await deps.load(name).catch((error: unknown) => {
    if (known !== undefined && error instanceof StackNotFoundError) return known;
    throw error;
  });
  let after: string | null = null;
  let reload = true;
  for (;;) {
    opts?.signal?.throwIfAborted();
    if (reload) {
      const current = await store.loadStack(stack.id);
      if (current === null) {
        // Deleted only when its delete completed (a tombstone); otherwise the store lost it.
        if ((await store.loadTombstone(stack.id)) === null) throw new StackStateLostError({ name, id: stack.id });
        return toStackInfo({ ...stack, action: "DELETE", status: "COMPLETE", statusReason: "Stack deleted" }, {}, true);
      }
      deps.remember(current);
      if (current.status !== "IN_PROGRESS") return deps.info(current);
    }
    const marks = await readMarks(store, stack.id, after, { blockMs: 1000, ...(opts?.signal ? { signal: opts.signal } : {}) });
    // Only a stack event (or a quiet second) can mean the traversal ended: resource events
    // need no reload of the stack record.
    reload = marks.last === null || marks.stackEvent;
    if (marks.last !== null) after = marks.last;
  }
}

/** The marks of the next events (the store's own read when it has one, else from the events). */
async function readMarks(store: RuntimeStore, stackId: string, after: string | null, options: { blockMs: number; signal?: AbortSignal }): Promise<EventMarks> {
  if (store.readEventMarks !== undefined) return store.readEventMarks(stackId, after, options);
  const batch = await store.readEvents(stackId, after, options);
  return { last: batch[batch.length - 1]?.seq ?? null, stackEvent: batch.some((event) => event.kind === "stack") };
}
