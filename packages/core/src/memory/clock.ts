/**
 * Clocks of the memory runtime: the real clock, or a virtual one that tests move by hand
 * (`advance`) and that skips time on `sleep` so retries with backoff never block a step.
 */

/** A clock with timers. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Resolve after `ms` (or at once on a virtual clock, which advances itself). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Call `fire` at epoch ms `at`; returns a cancel function. */
  setTimer(at: number, fire: () => void): () => void;
}

/** The real clock. Timers are unref'ed so they never keep a process alive. */
export function realClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted === true) return reject(signal.reason as Error);
        const timer = setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, ms);
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason as Error);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
    setTimer: (at, fire) => {
      const timer = setTimeout(fire, Math.max(0, at - Date.now()));
      timer.unref?.();
      return () => clearTimeout(timer);
    },
  };
}

/** A virtual clock: time moves only with `advance` (and `sleep`, which skips ahead). */
export class VirtualClock implements Clock {
  private time: number;
  private timers: Array<{ at: number; fire: () => void; id: number }> = [];
  private nextId = 0;

  /** @param start epoch ms to start at. @default 1_700_000_000_000 */
  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) throw signal.reason as Error;
    this.advance(ms);
  }

  setTimer(at: number, fire: () => void): () => void {
    const id = ++this.nextId;
    this.timers.push({ at, fire, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  /** Move time forward, firing due timers in time order. */
  advance(ms: number): void {
    const target = this.time + Math.max(0, ms);
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t.id !== due.id);
      this.time = Math.max(this.time, due.at);
      due.fire();
    }
    this.time = target;
  }
}
