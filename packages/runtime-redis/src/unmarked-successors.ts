/**
 * Successors added without BullMQ's marker (the wake-up of blocked workers), and the marker
 * set when no local worker fetched them in time.
 */
import type { StoreContext } from "./store-context.js";

/** Ms a successor added without the marker may wait for a local worker to fetch it before the marker is set. */
export const SUCCESSOR_FETCH_MS = 25;

/**
 * Successors added without BullMQ's marker. A check's report runs in a delivery of a BullMQ
 * worker of this process (auto mode), which fetches its next job in the same script as it
 * finishes the check (BullMQ's fetch-next) - for a chain link, the successor just added. The
 * marker (a wake-up for blocked workers) would only make them race for it: a BZPOPMIN and a
 * moveToActive per link, often in another process. So while a BullMQ worker of the queue runs
 * in this process, a report's successors are added without it, and the marker is set if no
 * local worker has fetched them within SUCCESSOR_FETCH_MS (its worker took an older job, is
 * closing, or is at full concurrency) or when a worker closes. At worst a successor waits that
 * long, or - if the process dies first - until a blocked worker's BZPOPMIN times out (BullMQ
 * blocks at most 10 s), sooner than the dead worker's own job is recovered. The job itself is
 * in the wait list, with its hash and events, exactly as BullMQ's add leaves it.
 */
export class UnmarkedSuccessors {
  /** BullMQ workers running in this process, by the marker key of their queue. */
  private readonly workers = new Map<string, number>();
  /** Successors not fetched yet, by job id: the timer that sets their queue's marker. */
  private readonly pending = new Map<string, NodeJS.Timeout>();

  /** A BullMQ worker of the queue with marker key `marker` started in this process. */
  started(marker: string): void {
    this.workers.set(marker, (this.workers.get(marker) ?? 0) + 1);
  }

  /** It stopped: set the marker for successors still waiting (it fetches no more). */
  stopped(marker: string, wake: () => void): void {
    const left = (this.workers.get(marker) ?? 1) - 1;
    if (left > 0) this.workers.set(marker, left);
    else this.workers.delete(marker);
    if (this.pending.size === 0) return;
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    wake();
  }

  /** Whether successors of the queue with marker key `marker` are added without it now. */
  unmarked(marker: string): boolean {
    return this.workers.has(marker);
  }

  /** Jobs were added without the marker: `wake` sets it unless a local worker fetches each in time. */
  added(jobIds: readonly string[], wake: () => void): void {
    for (const id of jobIds) {
      clearTimeout(this.pending.get(id));
      const timer = setTimeout(() => {
        this.pending.delete(id);
        wake();
      }, SUCCESSOR_FETCH_MS);
      timer.unref();
      this.pending.set(id, timer);
    }
  }

  /** A local worker fetched job `jobId`: no marker needed for it. */
  fetched(jobId: string): void {
    const timer = this.pending.get(jobId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.pending.delete(jobId);
  }
}

/**
 * Set BullMQ's marker `marker` (what a BullMQ job add does): it wakes the workers blocked waiting
 * for a job. Best effort: a failure only delays a fetch until a blocked worker's timeout.
 */
export function setMarker(ctx: Pick<StoreContext, "client">, marker: string): void {
  ctx.client.zadd(marker, 0, "0").catch(() => undefined);
}

/** The successors of this process added without the marker (shared by its runtimes and workers). */
export const unmarkedSuccessors = new UnmarkedSuccessors();
