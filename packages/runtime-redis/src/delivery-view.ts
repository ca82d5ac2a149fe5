/**
 * The runtime a check runs with (`Delivery.runtime`): core's fenced view of the delivery
 * (`fencedView` of the delivery kit) - every operation first checks that its engine is still
 * alive here; an engine declared dead (closed past its grace period, or killed in a test) is
 * fenced: its in-flight checks fail with EngineDeadError on their next operation and write
 * nothing more, while their jobs go back to the queue - with this runtime's `intercept`:
 * events are buffered and appended in one script call when the check ends, or at most
 * `EVENT_FLUSH_MS` after they were emitted (so a long plugin call's IN_PROGRESS event shows);
 * the events of row writes go with the writes (`writeRowWithEvent`, `reportNode`), after what
 * is buffered. What the job's claim read is not served here: it goes to the check as
 * `Delivery.claim` (`claim.ts`), which core's `processCheck` uses for its first reads.
 */
import { fencedView } from "@converge/core";
import type { FenceState, InterceptOperation, NewStackEvent, Runtime } from "@converge/core";

/** Longest delay of a check's buffered events, ms. */
export const EVENT_FLUSH_MS = 50;

/** Store writes that append events of their own. */
const FUSED_EVENTS: ReadonlySet<string> = new Set(["writeRowWithEvent", "reportNode"]);

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
  /** Where the check's events go. @default appended at once */
  readonly events?: EventBuffer;
  /** Kill the engine after this many operations of the check (test crash injection). */
  readonly crashAfterOps?: number;
}

/**
 * The runtime view of one delivery: core's fenced view (`fencedView`: the guard, crash
 * injection), with this runtime's per-operation behaviour as its `intercept`: events buffered.
 * (What the job's claim read goes to the check as `Delivery.claim`, not through this view.)
 */
export function deliveryView(runtime: Runtime, fence: FenceState, options: DeliveryViewOptions = {}): Runtime {
  const events = options.events;
  if (events === undefined) return fencedView(runtime, fence, options.crashAfterOps === undefined ? {} : { crashAfterOps: options.crashAfterOps });
  const intercept: InterceptOperation = (operation, args, apply) => {
    if (operation === "appendEvents") {
      events.add(args[0] as string, args[1] as readonly NewStackEvent[]);
      return Promise.resolve();
    }
    // A read sees every event before it; a write that appends its own goes after them.
    if ((operation === "readEvents" || FUSED_EVENTS.has(operation)) && events.hasPending()) return events.flush().then(apply);
    return apply();
  };
  return fencedView(runtime, fence, { ...(options.crashAfterOps === undefined ? {} : { crashAfterOps: options.crashAfterOps }), intercept });
}
