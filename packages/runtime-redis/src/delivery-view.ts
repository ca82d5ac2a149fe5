/**
 * The runtime a check runs with (`Delivery.runtime`): core's fenced view of the delivery
 * (`fencedView` of the delivery kit) - every operation first checks that its engine is still
 * alive here; an engine declared dead (closed past its grace period, or killed in a test) is
 * fenced: its in-flight checks fail with EngineDeadError on their next operation and write
 * nothing more, while their jobs go back to the queue - with this runtime's `intercept`:
 * events are buffered and appended in one script call when the check ends, or at most
 * `EVENT_FLUSH_MS` after they were emitted (so a long plugin call's IN_PROGRESS event shows);
 * the events of row writes go with the writes (`writeRowWithEvent`, `reportNode`), after what
 * is buffered. A read of a row right after this attempt's own accepted write that left it
 * locked by the attempt is answered from that write's reply (`LockEcho`: the fence before a
 * plugin call re-reads the row it has just locked). What the job's claim read is not served here: it goes to the check as
 * `Delivery.claim` (`claim.ts`), which core's `processCheck` uses for its first reads.
 */
import { fencedView, parseLockHolder } from "@converge/core";
import type { FenceState, InterceptOperation, NewStackEvent, ResourceRow, RowWrite, RowWriteResult, Runtime } from "@converge/core";

/** Longest delay of a check's buffered events, ms. */
export const EVENT_FLUSH_MS = 50;

/** Store writes that append events of their own. */
const FUSED_EVENTS: ReadonlySet<string> = new Set(["writeRowWithEvent", "reportNode"]);

/** Where a check's buffered events go: the store's `appendEvents`. */
export interface EventSink {
  appendEvents(stackId: string, events: readonly NewStackEvent[]): Promise<void>;
}

/** A check's buffered events, appended in order. */
export class EventBuffer {
  private pending: Array<{ readonly stackId: string; readonly events: readonly NewStackEvent[] }> = [];
  /** The appends started so far, in order (null until the first). */
  private chain: Promise<void> | null = null;
  private failure: unknown = undefined;
  private timer: NodeJS.Timeout | null = null;

  /** @param sink the store the events are appended to (called as a method: no closure per check) */
  constructor(private readonly sink: EventSink) {}

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
    if (batch.length === 0) {
      // Nothing buffered (most checks: their events go with their row writes): wait for an
      // append still running, without chaining a new step.
      if (this.chain !== null) await this.chain;
      if (this.failure !== undefined) throw this.failure;
      return;
    }
    this.pending = [];
    this.chain = (this.chain ?? Promise.resolve()).then(async () => {
      for (let i = 0; i < batch.length; ) {
        const stackId = (batch[i] as (typeof batch)[number]).stackId;
        const events: NewStackEvent[] = [];
        for (; i < batch.length && batch[i]?.stackId === stackId; i++) events.push(...(batch[i]?.events ?? []));
        await this.sink.appendEvents(stackId, events).catch((error: unknown) => {
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

  /** Whether nothing was ever buffered (most checks): `flush()` has nothing to append, wait for or report. */
  untouched(): boolean {
    return this.chain === null && this.pending.length === 0;
  }

  /** Drop what is buffered (the engine died: it writes nothing more). */
  discard(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}

/** The attempt a delivery runs as, and whether its engine's lease is certainly held (no lapse since the check began). */
export interface DeliveryAttempt {
  readonly engineId: string;
  readonly attempt: string;
  readonly leaseValid: () => boolean;
}

/**
 * The row as this attempt's own accepted write left it - locked by the attempt - answering
 * the next read of that row, if that read comes in the same event-loop turn as the write's
 * reply (core's fence re-reads the row it has just locked before the plugin call: one
 * `HGET` and one row decode less per check).
 *
 * Why the answer is the row as Redis holds it at the read: between the write and the read no
 * sleep, timer or I/O of this process ran (the echo is dropped at the end of the turn, at the
 * next operation of the delivery and when read once), and in that interval nothing else can
 * change who holds the row's lock. A lock is only taken from a holder found dead (`heldBy`
 * in core's `protocol/locking.ts`): its engine's lease gone, or its attempt not running. The
 * lease is certainly held (`leaseValid`, checked at the read: its key lives until its last
 * renewal's send time plus the TTL, and any lapse since the check began fails it), and the
 * attempt is recorded as running by the claim until this job ends. A stealer that judged an
 * earlier holder dead writes with that holder and the version it read as conditions, which this
 * write changed, so it is refused. Rows are otherwise only dropped when inactive (never a
 * locked, in-progress row), inserted under fresh ids, or removed with the whole stack once its
 * delete finished (which parks on this lock first). What the echo does not see is a loss of
 * Redis's state (a restart without persistence, a failover to a replica that missed the write)
 * in the microseconds between the write and the read, which the read could have seen: such a
 * loss is as likely just after the read - during the plugin call, which no fence covers - and
 * the lost-state checks (GoneWatch, the next check of the stack) catch it as they do then.
 */
class LockEcho {
  private echo: { readonly stackId: string; readonly row: ResourceRow } | undefined = undefined;
  private readonly holder: { readonly engineId: string; readonly attempt: string; readonly leaseValid: () => boolean };

  constructor(attempt: DeliveryAttempt) {
    this.holder = attempt;
  }

  /** Watch a row write's reply: an accepted write leaving the row locked by this attempt is echoed. */
  async watch(write: RowWrite, reply: Promise<RowWriteResult>): Promise<RowWriteResult> {
    const result = await reply;
    if (result.ok && this.mine(result.row.lockHolder)) {
      this.echo = { stackId: write.stackId, row: result.row };
      // Dropped when this event-loop turn ends (with every echo of the turn: one immediate).
      echoesOfTurn.push(this);
      if (echoesOfTurn.length === 1) setImmediate(clearEchoes);
    }
    return result;
  }

  /** The echoed row, when `rowId` of `stackId` is the one echoed and the lease still certainly held (once). */
  take(stackId: string, rowId: string): ResourceRow | undefined {
    const echo = this.echo;
    this.echo = undefined;
    if (echo === undefined || echo.stackId !== stackId || echo.row.id !== rowId || !this.holder.leaseValid()) return undefined;
    return echo.row;
  }

  /** Drop the echo (another operation of the delivery, or the turn ended). */
  clear(): void {
    this.echo = undefined;
  }

  private mine(lockHolder: string | null): boolean {
    if (lockHolder === null) return false;
    const parsed = parseLockHolder(lockHolder);
    return parsed.engineId === this.holder.engineId && parsed.attempt === this.holder.attempt;
  }
}

/** The echoes made in this event-loop turn (each dropped when the turn ends). */
let echoesOfTurn: LockEcho[] = [];

/** Drop the echoes made in the turn that ends (those made later wait for the next turn's immediate). */
function clearEchoes(): void {
  const echoes = echoesOfTurn;
  echoesOfTurn = [];
  for (const echo of echoes) echo.clear();
}

/** Options of {@link deliveryView}. */
export interface DeliveryViewOptions {
  /** Where the check's events go. @default appended at once */
  readonly events?: EventBuffer;
  /** Kill the engine after this many operations of the check (test crash injection). */
  readonly crashAfterOps?: number;
  /** The delivery's attempt: with it, a read right after the attempt's own lock write is echoed (see `LockEcho`). */
  readonly attempt?: DeliveryAttempt;
}

/**
 * The runtime view of one delivery: core's fenced view (`fencedView`: the guard, crash
 * injection), with this runtime's per-operation behaviour as its `intercept`: events buffered.
 * (What the job's claim read goes to the check as `Delivery.claim`, not through this view.)
 */
export function deliveryView(runtime: Runtime, fence: FenceState, options: DeliveryViewOptions = {}): Runtime {
  const { events, attempt } = options;
  if (events === undefined && attempt === undefined) return fencedView(runtime, fence, options.crashAfterOps === undefined ? {} : { crashAfterOps: options.crashAfterOps });
  const echo = attempt === undefined ? undefined : new LockEcho(attempt);
  const intercept: InterceptOperation = (operation, args, apply) => {
    if (echo !== undefined) {
      const echoed = operation === "loadRow" ? echo.take(args[0] as string, args[1] as string) : (echo.clear(), undefined);
      if (echoed !== undefined) return Promise.resolve(echoed);
      if (operation === "writeRow" || operation === "writeRowWithEvent") return echo.watch(args[0] as RowWrite, bufferedApply(events, operation, args, apply) as Promise<RowWriteResult>);
    }
    return bufferedApply(events, operation, args, apply);
  };
  return fencedView(runtime, fence, options.crashAfterOps === undefined ? { intercept } : { crashAfterOps: options.crashAfterOps, intercept });
}

/** Apply an operation with buffered events: an append is buffered; a read sees every event before it; a write that appends its own goes after them. */
function bufferedApply(events: EventBuffer | undefined, operation: string, args: readonly unknown[], apply: () => unknown): unknown {
  if (events === undefined) return apply();
  if (operation === "appendEvents") {
    events.add(args[0] as string, args[1] as readonly NewStackEvent[]);
    return Promise.resolve();
  }
  if ((operation === "readEvents" || FUSED_EVENTS.has(operation)) && events.hasPending()) return events.flush().then(apply);
  return apply();
}
