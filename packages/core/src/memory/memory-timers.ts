/**
 * The memory runtime's timed checks (`Runtime.schedule`): each armed on the clock, kept until
 * due so a snapshot can carry it, and noted by the change tracker. A timer identical to one
 * pending is absorbed, as the Redis runtime's deterministic job ids absorb it (several
 * engines scheduling the same reconciliation).
 */
import type { CheckMessage } from "../model/types.js";
import type { ChangeTracker } from "./changes.js";
import type { Clock } from "./clock.js";

/** A scheduled check not yet due. */
export interface MemoryTimer {
  /** The message delivered when due. */
  readonly message: CheckMessage;
  /** Due time, epoch ms. */
  readonly at: number;
}

/** What the timers need from their runtime. */
export interface MemoryTimerSettings {
  /** The clock timers are armed on. */
  readonly clock: Clock;
  /** The change tracker, when changes are tracked. */
  readonly tracker: () => ChangeTracker | null;
  /** Queue a due timer's message. */
  readonly due: (message: CheckMessage) => void;
}

/** The pending timers of a memory runtime. */
export class MemoryTimers {
  private readonly timers = new Map<number, MemoryTimer>();
  /** `${at}|${message JSON}` of every pending timer (an identical one is absorbed). */
  private readonly keys = new Set<string>();
  /** The clock's cancel function of every armed timer. */
  private readonly armed = new Map<number, () => void>();
  private nextId = 0;

  constructor(private readonly settings: MemoryTimerSettings) {}

  /** Deliver `message` at `at` (absorbed when an identical timer is pending). */
  schedule(message: CheckMessage, at: number): void {
    const key = `${at}|${JSON.stringify(message)}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const id = ++this.nextId;
    this.timers.set(id, { message, at });
    this.settings.tracker()?.scheduled({ id, message, at });
    const cancel = this.settings.clock.setTimer(at, () => {
      this.armed.delete(id);
      this.timers.delete(id);
      this.settings.tracker()?.fired(id);
      this.keys.delete(key);
      this.settings.due(message);
    });
    this.armed.set(id, cancel);
  }

  /**
   * Disarm every pending timer (the runtime is closed): none fires, and the clock no longer
   * holds the runtime - a real clock's timer of a stack timeout is due an hour later, and
   * would keep a closed runtime with all its stacks in memory until then. The timers stay
   * pending for a snapshot; a timer scheduled after this is armed as usual.
   */
  disarm(): void {
    for (const cancel of this.armed.values()) cancel();
    this.armed.clear();
  }

  /** Pending timers with their ids, soonest first. */
  pending(): Array<readonly [number, MemoryTimer]> {
    return [...this.timers].sort((a, b) => a[1].at - b[1].at);
  }
}
