/**
 * `engine.events(name)`: a stack's events (of a nested stack when the name has a path), once or
 * followed as they are appended; a followed stack that vanished without a tombstone was lost.
 */
import { StackStateLostError } from "../errors.js";
import type { StackEvent, StackRecord } from "../model/types.js";
import type { RuntimeStore } from "../runtime/contract.js";
import type { EventsOptions } from "./engine-types.js";
import { splitStackName, withNestedStack } from "./nested-view.js";

/** What {@link followEvents} reads with. */
export interface FollowDeps {
  readonly store: RuntimeStore;
  /** The stack record of a top-level stack name. @throws StackNotFoundError, StackStateLostError */
  readonly load: (name: string) => Promise<StackRecord>;
}

/** The events of stack `fullName` after `opts.after`, following new ones with `opts.follow`. */
export async function* followEvents(deps: FollowDeps, fullName: string, opts: EventsOptions): AsyncGenerator<StackEvent> {
  const { store, load } = deps;
  const { stack: name, path } = splitStackName(fullName);
  const stack = await load(name);
  let after = opts.after ?? null;
  let deleted = false;
  const stopped = (): boolean => opts.signal?.aborted === true;
  for (;;) {
    if (stopped()) return;
    const batch = await store.readEvents(stack.id, after, {
      ...(opts.follow === true ? { blockMs: 1000 } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    for (const event of batch) {
      after = event.seq;
      const nested = withNestedStack(event, path);
      if (nested !== null) yield nested;
    }
    if (opts.follow !== true && batch.length === 0) return;
    // A quiet stretch of a follow: a stack that vanished without a tombstone was lost.
    if (batch.length === 0 && !deleted && !stopped() && (await store.loadStack(stack.id)) === null) {
      if ((await store.loadTombstone(stack.id)) === null) throw new StackStateLostError({ name, id: stack.id });
      deleted = true;
    }
  }
}
