/**
 * A logger that says each distinct warning or error once per interval: the first occurrence at
 * once, then - when the interval is over - one summary line "(repeated N more times in the
 * last 10 s)" if it came again. A loop that fails the same way thousands of times a second
 * (Redis refusing a command, a connection down) logs two lines per interval, not thousands.
 * Debug and info lines pass through. Time comes from `now` (tests inject a virtual clock);
 * summaries are written by the next log call after the interval, or by `flush()`.
 */
import type { Logger } from "../plugin/types.js";

/** Options of {@link throttleLogger}. */
export interface ThrottleOptions {
  /** Length of the interval, ms. @default 10000 */
  readonly intervalMs?: number;
  /** The clock, epoch ms. @default Date.now */
  readonly now?: () => number;
  /** Distinct messages tracked at once (more are logged without throttling). @default 1000 */
  readonly maxDistinct?: number;
}

/** A throttled logger, and `flush()` to write the pending summaries now (e.g. at close). */
export type ThrottledLogger<L extends Pick<Logger, "warn" | "error">> = L & { flush(): void };

type Level = "warn" | "error";

interface Window {
  readonly level: Level;
  readonly message: string;
  readonly start: number;
  repeats: number;
}

/** Wrap `logger` so each distinct warning or error is logged at most once per interval, plus a count. */
export function throttleLogger<L extends Pick<Logger, "warn" | "error">>(logger: L, options: ThrottleOptions = {}): ThrottledLogger<L> {
  const intervalMs = options.intervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  const maxDistinct = options.maxDistinct ?? 1000;
  const windows = new Map<string, Window>();
  let nextEnd = Infinity;

  const summarize = (w: Window): void => {
    if (w.repeats > 0) logger[w.level](`${w.message} (repeated ${w.repeats} more times in the last ${Math.round(intervalMs / 1000)} s)`);
  };
  const sweep = (t: number): void => {
    if (t < nextEnd) return;
    nextEnd = Infinity;
    for (const [key, w] of windows) {
      if (t - w.start >= intervalMs) {
        windows.delete(key);
        summarize(w);
      } else {
        nextEnd = Math.min(nextEnd, w.start + intervalMs);
      }
    }
  };
  const log = (level: Level, message: string, fields?: Record<string, unknown>): void => {
    const t = now();
    sweep(t);
    const key = `${level}\n${message}`;
    const open = windows.get(key);
    if (open !== undefined) {
      open.repeats += 1;
      return;
    }
    if (windows.size < maxDistinct) {
      windows.set(key, { level, message, start: t, repeats: 0 });
      nextEnd = Math.min(nextEnd, t + intervalMs);
    }
    logger[level](message, fields);
  };
  // Own properties defined (not assigned) over the logger: a frozen logger's methods are
  // read-only, so assigning the overrides onto an object inheriting from it would throw.
  const own = (value: unknown): PropertyDescriptor => ({ value, enumerable: true, writable: true, configurable: true });
  const throttled = Object.create(logger, {
    warn: own((message: string, fields?: Record<string, unknown>) => log("warn", message, fields)),
    error: own((message: string, fields?: Record<string, unknown>) => log("error", message, fields)),
    flush: own(() => {
      for (const w of windows.values()) summarize(w);
      windows.clear();
      nextEnd = Infinity;
    }),
  }) as ThrottledLogger<L>;
  return throttled;
}
