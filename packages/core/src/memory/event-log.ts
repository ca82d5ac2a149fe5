/**
 * Append-only event streams per stack with blocking reads (no polling): a reader waiting for
 * new events is woken by the next append, or by its time limit or abort signal.
 *
 * Retention: each stream keeps its newest `maxPerStack` events (default 100,000, as the Redis
 * runtime caps its streams); older ones are dropped in batches, so appends stay O(1)
 * amortized. A reader behind the retained window resumes at the oldest retained event. A
 * deleted stack's stream keeps its newest {@link DELETED_EVENTS_KEPT} events (as the Redis
 * runtime's does), readable until `retainDeleted` newer deleted streams push it out: a deleted
 * 100k stack's whole stream was ~17 MiB kept, up to 100 of them.
 *
 * Blocked readers are woken on the next turn of the event loop after an append (`setImmediate`),
 * not by the append itself: the checks of a traversal append from the microtask queue, one or
 * two events each, and a reader woken per append (`waitForStack` follows every stack it waits
 * for) read one event at a time and blocked again - a promise, a timer and a waiter set per
 * event, a fifth of the old-space garbage of a 100k chain. Woken once a turn, it reads what
 * the turn appended in one batch.
 */
import type { RowWriteEvent } from "../model/events.js";
import type { NewStackEvent, ResourceRow, StackEvent } from "../model/types.js";
import { storedEvent, storedRowEvent } from "./stored-event.js";
import type { EventLogSnapshot } from "./snapshot.js";

/** Events a stream keeps by default (the Redis runtime's stream cap). */
export const DEFAULT_MAX_EVENTS_PER_STACK = 100_000;

/** The newest events a deleted stack's stream keeps (the Redis runtime's `DELETED_EVENTS_KEPT`). */
export const DELETED_EVENTS_KEPT = 1000;

/** Event streams keyed by stack id. */
export class EventLog {
  private readonly streams = new Map<string, StackEvent[]>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly retired: string[] = [];
  /** Stacks appended to since the last wake, whose blocked readers the next wake wakes. */
  private readonly toWake = new Set<string>();
  private wakeScheduled = false;
  private seq = 0;

  /**
   * @param retainDeleted how many deleted stacks' streams stay readable. @default 100
   * @param maxPerStack events kept per stream (the newest). @default 100,000
   */
  constructor(
    private readonly retainDeleted = 100,
    private readonly maxPerStack = DEFAULT_MAX_EVENTS_PER_STACK,
  ) {}

  /** The stack was deleted: keep its newest events readable until `retainDeleted` newer streams retire. */
  retire(stackId: string): void {
    const stream = this.streams.get(stackId);
    if (stream !== undefined && stream.length > DELETED_EVENTS_KEPT) stream.splice(0, stream.length - DELETED_EVENTS_KEPT);
    this.retired.push(stackId);
    while (this.retired.length > this.retainDeleted) this.streams.delete(this.retired.shift() as string);
  }

  /** Drop every stream (a wiped store); sequence numbers keep increasing. Wakes blocked readers. */
  wipe(): void {
    this.streams.clear();
    this.retired.length = 0;
    this.toWake.clear();
    const waiting = [...this.waiters.values()];
    this.waiters.clear();
    for (const set of waiting) for (const wake of set) wake();
  }

  /** Append events, assigning increasing sequence numbers; wakes blocked readers. */
  append(stackId: string, events: readonly NewStackEvent[]): void {
    const stream = this.stream(stackId);
    for (const event of events) stream.push(storedEvent(event, String(++this.seq)));
    this.appended(stackId, stream);
  }

  /** Append the resource event of a write's `event` once `row` is written (`completeRowEvent`, built once). */
  appendRowEvent(stackId: string, event: RowWriteEvent, row: Pick<ResourceRow, "id" | "name" | "physicalId">): void {
    const stream = this.stream(stackId);
    stream.push(storedRowEvent(event, row, String(++this.seq)));
    this.appended(stackId, stream);
  }

  private stream(stackId: string): StackEvent[] {
    let stream = this.streams.get(stackId);
    if (stream === undefined) {
      stream = [];
      this.streams.set(stackId, stream);
    }
    return stream;
  }

  /** After an append: trim the stream; its blocked readers are woken on the next turn. */
  private appended(stackId: string, stream: StackEvent[]): void {
    // Trim in batches (a tenth of the cap at least) so that an append stays O(1) amortized.
    if (stream.length > this.maxPerStack + Math.max(1, Math.floor(this.maxPerStack / 10))) stream.splice(0, stream.length - this.maxPerStack);
    if (!this.waiters.has(stackId)) return;
    this.toWake.add(stackId);
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => this.wake());
  }

  /** Wake the blocked readers of the stacks appended to since the last wake. */
  private wake(): void {
    this.wakeScheduled = false;
    for (const stackId of this.toWake) {
      const waiting = this.waiters.get(stackId);
      if (waiting === undefined) continue;
      this.waiters.delete(stackId);
      for (const wake of waiting) wake();
    }
    this.toWake.clear();
  }

  /** The last sequence number handed out. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Every event of a stack's stream with a sequence number above `afterSeq`, oldest first. */
  eventsAfter(stackId: string, afterSeq: number): StackEvent[] {
    return this.slice(stackId, String(afterSeq), Number.POSITIVE_INFINITY);
  }

  /** Events after `afterSeq`; with `blockMs`, wait that long for some when there are none. */
  async read(
    stackId: string,
    afterSeq: string | null,
    options?: { blockMs?: number; limit?: number; signal?: AbortSignal },
  ): Promise<StackEvent[]> {
    const found = this.slice(stackId, afterSeq, options?.limit);
    if (found.length > 0 || options?.blockMs === undefined || options.blockMs <= 0 || options.signal?.aborted === true) return found;
    await new Promise<void>((resolve) => {
      let set = this.waiters.get(stackId);
      if (set === undefined) {
        set = new Set();
        this.waiters.set(stackId, set);
      }
      const owned = set;
      const done = (): void => {
        clearTimeout(timer);
        owned.delete(done);
        options.signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, options.blockMs);
      timer.unref?.();
      owned.add(done);
      options.signal?.addEventListener("abort", done, { once: true });
    });
    return this.slice(stackId, afterSeq, options.limit);
  }

  /**
   * Every stream as plain data, for a runtime snapshot. `maxPerStack` keeps only the newest
   * events of each stream (sequence numbers are kept, so readers resume where they were).
   */
  exportState(maxPerStack = Number.POSITIVE_INFINITY): EventLogSnapshot {
    const streams: Record<string, StackEvent[]> = {};
    for (const [stackId, stream] of this.streams) {
      const kept = stream.length > maxPerStack ? stream.slice(stream.length - maxPerStack) : stream;
      Object.defineProperty(streams, stackId, { value: kept.map((e) => ({ ...e })), enumerable: true, writable: true, configurable: true });
    }
    return { seq: this.seq, streams, retired: this.retired.filter((id) => this.streams.has(id)) };
  }

  /** Replace every stream with a snapshot's (only on a fresh log, before any append). */
  importState(state: EventLogSnapshot): void {
    this.streams.clear();
    this.retired.length = 0;
    for (const [stackId, stream] of Object.entries(state.streams)) this.streams.set(stackId, stream.map((e) => storedEvent(e, e.seq)));
    this.retired.push(...state.retired.filter((id) => this.streams.has(id)));
    this.seq = state.seq;
  }

  private slice(stackId: string, afterSeq: string | null, limit = 10_000): StackEvent[] {
    const stream = this.streams.get(stackId) ?? [];
    const after = afterSeq === null ? 0 : Number(afterSeq);
    let lo = 0;
    let hi = stream.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Number((stream[mid] as StackEvent).seq) <= after) lo = mid + 1;
      else hi = mid;
    }
    return stream.slice(lo, lo + limit);
  }
}
