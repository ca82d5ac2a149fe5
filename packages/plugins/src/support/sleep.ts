/**
 * Sleeping that honours an AbortSignal, and the injectable `Sleep` function the waiting
 * resource types take so that tests never sleep for real.
 */
import { AbortedError } from "@converge/core";

/**
 * Wait `ms` milliseconds, or reject with an {@link AbortedError} as soon as `signal` aborts.
 * A negative `ms` waits until the signal aborts (forever when it never does).
 */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The real {@link Sleep}: a timer, cleared when the signal aborts. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    const aborted = (): AbortedError => new AbortedError(`wait aborted: ${String(signal.reason)}`);
    if (signal.aborted) return reject(aborted());
    const onAbort = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      reject(aborted());
    };
    const timer = ms < 0 ? undefined : setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
