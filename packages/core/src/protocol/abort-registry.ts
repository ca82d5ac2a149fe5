/**
 * Tracks the in-flight plugin calls by traversal, so a cancellation (or a stack timeout)
 * published by the runtime reaches every call of that traversal on this engine. A call may
 * also follow one more signal: its delivery's, aborted when the runtime takes the check back
 * from this engine.
 *
 * A call's `AbortSignal` is made only when something reads it (a handler that honours its
 * signal, a retry's sleep): most calls finish without anyone looking, and an AbortController
 * with its listeners is a measurable share of a cheap check. Until then the call answers
 * `aborted` from its traversal's state and its delivery's signal.
 */

/** The calls of one traversal on this engine. */
class TraversalCalls {
  constructor(
    /** The stack of the traversal. */
    readonly stackId: string,
    /** Its key in the registry: the traversal id, or `${stackId}/${traversalId}` for a second stack with that id. */
    readonly key: string,
  ) {}

  /** Why the traversal was aborted (calls opened later start aborted). */
  reason: string | undefined = undefined;
  /** Calls open now. */
  open = 0;
  /** The signals made so far by the open calls (made with the first: most calls make none). */
  controllers: Set<AbortController> | undefined = undefined;
}

/** The abort state of one plugin call (see the module comment). */
export class CallSignal {
  readonly #calls: TraversalCalls;
  readonly #linked: AbortSignal | undefined;
  #controller: AbortController | undefined;
  #follow: (() => void) | undefined;

  /** @internal made by {@link AbortRegistry.open} */
  constructor(calls: TraversalCalls, linked: AbortSignal | undefined) {
    this.#calls = calls;
    this.#linked = linked;
  }

  /** Whether the call is aborted: its traversal was, or its delivery was taken back. */
  get aborted(): boolean {
    if (this.#controller !== undefined) return this.#controller.signal.aborted;
    return this.#calls.reason !== undefined || this.#linked?.aborted === true;
  }

  /** Why the call was aborted (undefined while it is not). */
  get reason(): unknown {
    if (this.#controller !== undefined) return this.#controller.signal.aborted ? (this.#controller.signal.reason as unknown) : undefined;
    if (this.#calls.reason !== undefined) return this.#calls.reason;
    return this.#linked?.aborted === true ? (this.#linked.reason ?? "handed back") : undefined;
  }

  /** The call's signal (made on first read, aborted with the traversal or the delivery). */
  get signal(): AbortSignal {
    if (this.#controller !== undefined) return this.#controller.signal;
    const controller = new AbortController();
    this.#controller = controller;
    const linked = this.#linked;
    if (this.#calls.reason !== undefined) controller.abort(this.#calls.reason);
    else if (linked?.aborted === true) controller.abort(linked.reason ?? "handed back");
    else if (linked !== undefined) {
      this.#follow = () => controller.abort(linked.reason ?? "handed back");
      linked.addEventListener("abort", this.#follow, { once: true });
    }
    (this.#calls.controllers ??= new Set()).add(controller);
    return controller.signal;
  }

  /** @internal the call ended (by {@link AbortRegistry.release}) */
  close(): TraversalCalls {
    if (this.#follow !== undefined) this.#linked?.removeEventListener("abort", this.#follow);
    if (this.#controller !== undefined) this.#calls.controllers?.delete(this.#controller);
    return this.#calls;
  }
}

/**
 * Registry of the in-flight plugin calls by traversal. Keyed by the traversal id, with its
 * stack checked: traversal ids are UUIDs made by `startTraversal`, so a key of the stack id and
 * traversal id concatenated, built and hashed for every plugin call, is only needed for the
 * rare second stack with the same traversal id (an exported stack imported twice keeps its
 * completed traversal's id): its calls get an entry of their own under that key.
 */
export class AbortRegistry {
  private readonly byTraversal = new Map<string, TraversalCalls>();
  /** Why each recently aborted traversal was, by traversal id then stack id (calls opened later start aborted). */
  private readonly aborted = new Map<string, Map<string, string>>();

  /**
   * The abort state of a call of the given traversal, also aborted with `linked` (a
   * delivery's signal) when given; end it with {@link release}.
   */
  open(stackId: string, traversalId: string, linked?: AbortSignal): CallSignal {
    let key = traversalId;
    let calls = this.byTraversal.get(key);
    if (calls !== undefined && calls.stackId !== stackId) {
      key = `${stackId}/${traversalId}`;
      calls = this.byTraversal.get(key);
    }
    if (calls === undefined) {
      calls = new TraversalCalls(stackId, key);
      calls.reason = this.aborted.size === 0 ? undefined : this.aborted.get(traversalId)?.get(stackId);
      this.byTraversal.set(key, calls);
    }
    calls.open++;
    return new CallSignal(calls, linked);
  }

  /** End a call opened with {@link open}. */
  release(_stackId: string, _traversalId: string, call: CallSignal): void {
    const calls = call.close();
    if (--calls.open > 0) return;
    if (this.byTraversal.get(calls.key) === calls) this.byTraversal.delete(calls.key);
  }

  /** Abort every in-flight call of the traversal (and calls opened for it later). */
  abort(stackId: string, traversalId: string, reason: string): void {
    let stacks = this.aborted.get(traversalId);
    if (stacks === undefined) {
      stacks = new Map();
      this.aborted.set(traversalId, stacks);
    }
    stacks.set(stackId, reason);
    if (this.aborted.size > 1024) this.aborted.delete(this.aborted.keys().next().value as string);
    let calls = this.byTraversal.get(traversalId);
    if (calls !== undefined && calls.stackId !== stackId) calls = this.byTraversal.get(`${stackId}/${traversalId}`);
    if (calls === undefined) return;
    calls.reason ??= reason;
    for (const controller of calls.controllers ?? []) controller.abort(reason);
  }
}
