/**
 * How long each resource has been at work, learnt from the events the views receive: an
 * `IN_PROGRESS` event starts a resource's clock, its `COMPLETE` / `FAILED` event stops it.
 * The views use it for elapsed times (per completion line, per live-view row) and for the
 * plain view's heartbeat:
 *
 * ```
 * web: still creating (1m10s elapsed)
 * ```
 *
 * Event times are epoch ms from the runtime; `now` is the caller's clock (injected in tests).
 */
import type { StackEvent } from "@converge/core";

/** A resource at work for a while, due for a heartbeat line. */
export interface Heartbeat {
  /** Resource name. */
  readonly name: string;
  /** What it does, as a verb (`creating`). */
  readonly doing: string;
  /** How long it has been at it, ms. */
  readonly elapsedMs: number;
}

interface Running {
  readonly action: string;
  readonly since: number;
  /** When its last heartbeat was due (or it started). */
  lastBeat: number;
}

/** `CREATE` → `creating`. */
export function actionVerb(action: string): string {
  const lower = action.toLowerCase();
  if (lower === "init") return "waiting";
  return `${lower.endsWith("e") ? lower.slice(0, -1) : lower}ing`;
}

/** Tracks the resources in progress and the last duration of each name. */
export class ResourceTimer {
  private readonly running = new Map<string, Running>();
  private readonly finished = new Map<string, number>();

  /** Feed events in stream order; returns, per event, the duration it ended (or null). */
  observe(events: readonly StackEvent[]): (number | null)[] {
    return events.map((event) => {
      if (event.kind !== "resource" || event.resourceName === undefined) return null;
      const name = event.resourceName;
      if (event.status === "IN_PROGRESS") {
        this.running.set(name, { action: event.action, since: event.time, lastBeat: event.time });
        return null;
      }
      const run = this.running.get(name);
      if (run === undefined || run.action !== event.action) return null;
      this.running.delete(name);
      const took = Math.max(0, event.time - run.since);
      this.finished.set(name, took);
      return took;
    });
  }

  /** How long `name` has been in progress at `now` (null when it is not). */
  runningFor(name: string, now: number): number | null {
    const run = this.running.get(name);
    return run === undefined ? null : Math.max(0, now - run.since);
  }

  /** How long `name`'s last action took (null when none was seen ending). */
  tookFor(name: string): number | null {
    return this.finished.get(name) ?? null;
  }

  /**
   * The resources whose next heartbeat is due at `now`: every `intervalMs` of work, one
   * heartbeat (a late call catches up with one line, not several).
   */
  due(now: number, intervalMs: number): Heartbeat[] {
    const out: Heartbeat[] = [];
    for (const [name, run] of this.running) {
      if (now - run.lastBeat < intervalMs) continue;
      run.lastBeat = now - ((now - run.since) % intervalMs);
      out.push({ name, doing: actionVerb(run.action), elapsedMs: now - run.since });
    }
    return out;
  }

  /** Forget the resources in progress (the stack settled: nothing runs any more). */
  stopAll(): void {
    this.running.clear();
  }
}
