/**
 * The runtime a check runs with (`Delivery.runtime`): the runtime itself, except that
 *
 * - every operation first checks that its engine is still alive here. An engine declared
 *   dead (closed past its grace period, or killed in a test) is fenced: its in-flight checks
 *   fail with EngineDeadError on their next operation and write nothing more, while their
 *   jobs go back to the queue;
 * - the stack record, the check's row and its first sync point, read atomically by the job's
 *   claim, serve the check's first reads of them (saving three round trips), until the check
 *   writes anything;
 * - events are buffered and appended in one script call when the check ends, or at most
 *   `EVENT_FLUSH_MS` after they were emitted (so a long plugin call's IN_PROGRESS event shows);
 *   the events of row writes go with the writes (`writeRowWithEvent`, `reportNode`), after
 *   what is buffered.
 */
import { EngineDeadError } from "@converge/core";
import type { NewStackEvent, NodeKey, SyncKey, ResourceRow, Runtime, RuntimeStore, StackRecord, SyncPayload } from "@converge/core";

/** Longest delay of a check's buffered events, ms. */
export const EVENT_FLUSH_MS = 50;

/** The engine side of a delivery. */
export interface FenceState {
  readonly engineId: string;
  /** True once the engine is dead here. */
  isDead(): boolean;
  /** Declare the engine dead (a crash injected by a test step). */
  kill(): void;
}

/** Values read by the job's claim, each served once to the check's matching read. */
export interface Primed {
  readonly stackId: string;
  /** The stack (null: no such stack). */
  readonly stack: StackRecord | null;
  /** The row of a node check, when read (null: no such row). */
  readonly row?: { readonly rowId: string; readonly value: ResourceRow | null };
  /** The check's first sync point, when read (null: its traversal is gone). */
  readonly sync?: { readonly traversalId: string; readonly node: SyncKey; readonly value: Map<SyncKey, SyncPayload> | null };
  /** Whether the check's node already reported (`nodeReported`), when read. */
  readonly reported?: { readonly traversalId: string; readonly node: NodeKey; readonly value: boolean };
}

/** Store reads that leave the claim's values valid (none of them writes what the claim read). */
const READS: ReadonlySet<string | symbol> = new Set(["loadStack", "loadRow", "readSync", "syncHas", "nodeReported", "loadGraph", "loadTemplate", "loadRows", "findStackId", "listStackNames", "readEvents"]);

/** Store writes that append events of their own. */
const FUSED_EVENTS: ReadonlySet<string | symbol> = new Set(["writeRowWithEvent", "reportNode"]);

const primeKey = (op: string | symbol, args: readonly unknown[]): string => JSON.stringify([String(op), ...args.slice(0, 3)]);

function primeTable(primed: Primed | undefined): Map<string, unknown> {
  const table = new Map<string, unknown>();
  if (primed === undefined) return table;
  table.set(primeKey("loadStack", [primed.stackId]), primed.stack);
  if (primed.row !== undefined) table.set(primeKey("loadRow", [primed.stackId, primed.row.rowId]), primed.row.value);
  if (primed.sync !== undefined) table.set(primeKey("readSync", [primed.stackId, primed.sync.traversalId, primed.sync.node]), primed.sync.value);
  if (primed.reported !== undefined) table.set(primeKey("nodeReported", [primed.stackId, primed.reported.traversalId, primed.reported.node]), primed.reported.value);
  return table;
}

/** A check's buffered events, appended in order. */
export class EventBuffer {
  private pending: Array<{ readonly stackId: string; readonly events: readonly NewStackEvent[] }> = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = undefined;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly append: (stackId: string, events: readonly NewStackEvent[]) => Promise<void>) {}

  /** Buffer events; they are appended within EVENT_FLUSH_MS or at `flush()`. */
  add(stackId: string, events: readonly NewStackEvent[]): void {
    this.pending.push({ stackId, events });
    if (this.timer === null) {
      this.timer = setTimeout(() => void this.flush().catch(() => undefined), EVENT_FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Append everything buffered (in order). @throws the first append failure */
  async flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.chain = this.chain.then(async () => {
      for (let i = 0; i < batch.length; ) {
        const stackId = (batch[i] as (typeof batch)[number]).stackId;
        const events: NewStackEvent[] = [];
        for (; i < batch.length && batch[i]?.stackId === stackId; i++) events.push(...(batch[i]?.events ?? []));
        await this.append(stackId, events).catch((error: unknown) => {
          this.failure ??= error;
        });
      }
    });
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Whether events wait to be appended. */
  hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Drop what is buffered (the engine died: it writes nothing more). */
  discard(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}

/** Options of {@link deliveryView}. */
export interface DeliveryViewOptions {
  readonly primed?: Primed;
  /** Where the check's events go. @default appended at once */
  readonly events?: EventBuffer;
  /** Kill the engine after this many operations of the check (test crash injection). */
  readonly crashAfterOps?: number;
}

/** The fenced runtime view of one delivery. */
export function deliveryView(runtime: Runtime, fence: FenceState, options: DeliveryViewOptions = {}): Runtime {
  let ops = 0;
  const primes = primeTable(options.primed);
  const guard = (): void => {
    if (fence.isDead()) throw new EngineDeadError(fence.engineId);
    ops += 1;
    if (options.crashAfterOps !== undefined && ops > options.crashAfterOps) {
      fence.kill();
      throw new EngineDeadError(fence.engineId);
    }
  };
  const store = new Proxy(runtime.store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        guard();
        if (!READS.has(prop)) primes.clear();
        else if (primes.size > 0) {
          const key = primeKey(prop, args);
          if (primes.has(key)) {
            const value = primes.get(key);
            primes.delete(key);
            return value;
          }
        }
        if (options.events !== undefined) {
          if (prop === "appendEvents") return options.events.add(args[0] as string, args[1] as readonly NewStackEvent[]);
          // A read sees every event before it; a write that appends its own goes after them.
          if ((prop === "readEvents" || FUSED_EVENTS.has(prop)) && options.events.hasPending()) await options.events.flush();
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as RuntimeStore;
  const fenced =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      guard();
      primes.clear();
      return fn(...args);
    };
  return {
    kind: runtime.kind,
    store,
    now: () => runtime.now(),
    sleep: (ms, signal) => runtime.sleep(ms, signal),
    enqueue: fenced((messages) => runtime.enqueue(messages)),
    schedule: fenced((message, at) => runtime.schedule(message, at)),
    publishCancel: fenced((stackId, traversalId) => runtime.publishCancel(stackId, traversalId)),
    registerWorker: (engineId, handler, opts) => runtime.registerWorker(engineId, handler, opts),
    isAlive: (engineId) => runtime.isAlive(engineId),
    attemptRunning: (engineId, attempt, stackId) => runtime.attemptRunning(engineId, attempt, stackId),
    activity: (stackId) => runtime.activity(stackId),
    onCancel: (listener) => runtime.onCancel(listener),
    close: () => runtime.close(),
  };
}
