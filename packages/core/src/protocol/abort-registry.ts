/**
 * Tracks the AbortControllers of in-flight plugin calls by traversal, so a cancellation (or a
 * stack timeout) published by the runtime reaches every call of that traversal on this engine.
 * A call may also follow one more signal: its delivery's, aborted when the runtime takes the
 * check back from this engine.
 */

/** Registry of abort controllers keyed by (stack, traversal). */
export class AbortRegistry {
  private readonly byTraversal = new Map<string, Set<AbortController>>();
  private readonly aborted = new Map<string, string>();

  /**
   * A controller for a call of the given traversal, also aborted with `linked` (a delivery's
   * signal) when given; release it with the returned function.
   */
  open(stackId: string, traversalId: string, linked?: AbortSignal): { signal: AbortSignal; release: () => void } {
    const key = `${stackId}/${traversalId}`;
    const controller = new AbortController();
    const reason = this.aborted.get(key);
    if (reason !== undefined) controller.abort(reason);
    const follow = (): void => controller.abort(linked?.reason ?? "handed back");
    if (linked?.aborted === true) follow();
    else linked?.addEventListener("abort", follow, { once: true });
    let set = this.byTraversal.get(key);
    if (set === undefined) {
      set = new Set();
      this.byTraversal.set(key, set);
    }
    set.add(controller);
    const owned = set;
    return {
      signal: controller.signal,
      release: () => {
        linked?.removeEventListener("abort", follow);
        owned.delete(controller);
        if (owned.size === 0 && this.byTraversal.get(key) === owned) this.byTraversal.delete(key);
      },
    };
  }

  /** Abort every in-flight call of the traversal (and calls opened for it later). */
  abort(stackId: string, traversalId: string, reason: string): void {
    const key = `${stackId}/${traversalId}`;
    this.aborted.set(key, reason);
    if (this.aborted.size > 1024) this.aborted.delete(this.aborted.keys().next().value as string);
    for (const controller of this.byTraversal.get(key) ?? []) controller.abort(reason);
  }
}
