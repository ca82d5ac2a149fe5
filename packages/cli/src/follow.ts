/**
 * Following a stack until its traversal ends: read its events as they arrive (blocking reads,
 * no busy polling), re-read the progress after each batch, feed the view, and collect what
 * failed. Ends when the stack is no longer IN_PROGRESS (or is deleted) and its final stack event
 * was seen, or when the signal aborts (Ctrl-C). A stack gone without a tombstone rejects with
 * `StackStateLostError`.
 *
 * Reading the progress costs O(resources), so with events arriving faster than it can be read
 * (a large stack of quick resources) it is read again only once the time since the last
 * reading is nine times what that reading took: at most a tenth of the time goes to it. A
 * batch with a stack event (the traversal may have ended) or a quiet stretch reads it always.
 */
import type { RuntimeStore, StackEvent } from "@converge/core";
import type { OperationView } from "./render/live-view.js";
import type { Progress } from "./render/progress.js";
import { ProgressTracker } from "./render/progress.js";

/** A resource (or the stack) that failed during the operation. */
export interface FailureNote {
  /** Resource name, or null for the stack itself. */
  readonly resource: string | null;
  /** `<ACTION>_FAILED`. */
  readonly state: string;
  /** Why. */
  readonly reason: string;
}

/** Options of {@link followStack}. */
export interface FollowOptions {
  /** The store to read. */
  readonly store: RuntimeStore;
  /** Stack id. */
  readonly stackId: string;
  /** Stack name (for a lost-state error). */
  readonly stackName?: string;
  /** Events up to this sequence number were before the operation (null: from the start). */
  readonly after: string | null;
  /** Where to show progress. */
  readonly view: OperationView;
  /** Stops following. */
  readonly signal: AbortSignal;
  /** Longest wait for new events before the view is refreshed anyway, ms. */
  readonly refreshMs: number;
  /** Longest wait for the final stack event once the stack settled, ms. @default 3000 */
  readonly finalEventWaitMs?: number;
  /** Each row's state (by row id) before the operation started, to tell restated failures from new ones. */
  readonly rowStates?: ReadonlyMap<string, string>;
  /**
   * Asked once per stretch of `afterMs` without events while the stack is in progress; a
   * returned text is shown as a notice (e.g. "checks are queued but no worker runs them").
   */
  readonly quiet?: { readonly afterMs: number; check(): Promise<string | null> };
}

/** How following ended. */
export interface FollowResult {
  /** The last progress reading (its `stack` is null when the stack was deleted). */
  readonly progress: Progress;
  /** Failed resources (last failure per name) and stack failure reasons, in order. */
  readonly failures: readonly FailureNote[];
  /** True when the signal stopped following before the stack settled. */
  readonly interrupted: boolean;
  /** Sequence number of the last event read. */
  readonly lastSeq: string | null;
}

const settled = (progress: Progress): boolean => progress.stack === null || progress.stack.status !== "IN_PROGRESS";

/** Whether `event` is the stack event that ends the traversal the progress shows as settled. */
function isFinal(event: StackEvent, progress: Progress): boolean {
  if (event.kind !== "stack") return false;
  if (progress.stack === null) return event.action === "DELETE" && event.status === "COMPLETE";
  return event.traversalId === progress.stack.currentTraversal && event.status === progress.stack.status;
}

/** The sequence number of the last event of the stack so far (null when it has none). */
export async function lastEventSeq(store: RuntimeStore, stackId: string): Promise<string | null> {
  let after: string | null = null;
  for (;;) {
    const batch = await store.readEvents(stackId, after, { limit: 10_000 });
    const last = batch[batch.length - 1];
    if (last === undefined) return after;
    after = last.seq;
  }
}

/** Follow the stack until it settles or the signal aborts. */
export async function followStack(options: FollowOptions): Promise<FollowResult> {
  const { store, stackId, view, signal } = options;
  const tracker = new ProgressTracker(store, stackId, options.stackName);
  const failures = new Map<string, FailureNote>();
  const stackFailures: FailureNote[] = [];
  let after = options.after;
  let progress = await tracker.read();
  let readAt = performance.now();
  let readCost = 0;
  /** Read the progress again, unless it was read too recently and `force` is false. */
  const reread = async (force: boolean): Promise<void> => {
    const start = performance.now();
    if (!force && start - readAt < 9 * readCost) return;
    progress = await tracker.read();
    readAt = performance.now();
    readCost = readAt - start;
  };
  /** Stack events seen: one of them may be the final one of the traversal once it settled. */
  const stackEvents: StackEvent[] = [];
  let settledAt: number | null = null;
  let lastEventAt = Date.now();
  const result = (interrupted: boolean): FollowResult => ({ progress, failures: [...failures.values(), ...stackFailures], interrupted, lastSeq: after });
  /** Last state seen per row: a FAILED event that only restates it is bookkeeping, not a failure. */
  const rowStates = new Map<string, string>(options.rowStates ?? []);
  const note = (events: readonly StackEvent[]): void => {
    for (const event of events) {
      if (event.kind === "stack") stackEvents.push(event);
      const state = `${event.action}_${event.status}`;
      const row = event.kind === "resource" ? (event.rowId ?? event.resourceName ?? "?") : null;
      const restated = row !== null && rowStates.get(row) === state;
      if (row !== null) rowStates.set(row, state);
      // e.g. "replacement 3 made: previous update failed" on the row whose update failed.
      if (event.status !== "FAILED" || restated) continue;
      if (event.kind === "resource") {
        const name = event.resourceName ?? "?";
        failures.delete(name);
        failures.set(name, { resource: name, state, reason: event.reason });
      } else {
        stackFailures.push({ resource: null, state, reason: event.reason });
      }
    }
  };
  try {
    view.update(progress);
    while (!signal.aborted) {
      const batch = await store.readEvents(stackId, after, { blockMs: options.refreshMs, signal });
      const last = batch[batch.length - 1];
      if (last !== undefined) after = last.seq;
      await reread(batch.length === 0 || batch.some((event) => event.kind === "stack"));
      note(batch);
      if (batch.length > 0) view.events(batch, progress);
      else view.update(progress);
      if (!settled(progress)) {
        settledAt = null;
        if (batch.length > 0) lastEventAt = Date.now();
        else if (options.quiet !== undefined && Date.now() - lastEventAt >= options.quiet.afterMs) {
          lastEventAt = Date.now();
          const text = await options.quiet.check();
          if (text !== null) view.notice(text);
        }
        continue;
      }
      settledAt ??= Date.now();
      // The status flips just before the final event is appended: wait for it, briefly.
      const sawFinal = stackEvents.some((event) => isFinal(event, progress));
      if (sawFinal || (batch.length === 0 && Date.now() - settledAt >= (options.finalEventWaitMs ?? 3000))) return result(false);
    }
    progress = await tracker.read();
    return result(!settled(progress));
  } finally {
    view.finish(progress);
  }
}
