/**
 * The test controls every runtime offers with one signature (memory and Redis alike), and
 * the one wait loop of the conformance harnesses.
 */
import type { RunOptions, SteppableScheduler } from "./scheduler.js";

/** What every runtime's `step` accepts (a runtime may add options of its own). */
export interface BaseStepOptions {
  /** Deliver to this engine. @default the runtime's choice */
  readonly engineId?: string;
  /**
   * Kill the engine after this many runtime operations of the check: the next operation
   * fails, the engine is dead, the check goes back to the queue.
   */
  readonly crashAfterOps?: number;
}

/** Manual delivery and crash injection, with the same signature on every runtime. */
export interface DeliveryTestControls<S extends BaseStepOptions = BaseStepOptions> extends SteppableScheduler<S> {
  /** Manual mode: step until nothing is due. Returns the number of steps. */
  runUntilIdle(options?: RunOptions): Promise<number>;
  /** Manual mode: step until `predicate` holds (tested before each step). False if the queue ran dry first. */
  runUntil(predicate: () => boolean | Promise<boolean>, options?: RunOptions): Promise<boolean>;
  /**
   * Declare an engine dead now, as if its process had died: its lease is gone, its running
   * checks' later operations are fenced and the checks are delivered again. The engine is
   * dead here once the promise resolves.
   */
  killEngine(engineId: string): Promise<void>;
}

/** Options of {@link deliverUntil}. */
export interface DeliverUntilOptions {
  /** "manual": step the runtime; "auto": poll while it delivers on its own. */
  readonly mode: "auto" | "manual";
  /** Auto mode: longest wait, ms. */
  readonly limitMs: number;
  /** Auto mode: poll interval, ms. @default 5 */
  readonly pollMs?: number;
  /** Manual mode: most steps. @default 10,000 */
  readonly maxSteps?: number;
}

const realDelay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Let `runtime` deliver checks until `done()` holds: stepped in manual mode, polled in auto
 * mode. @throws Error naming `what` when the queue ran dry or the time limit passed first
 */
export async function deliverUntil(
  runtime: Pick<DeliveryTestControls, "runUntil">,
  done: () => boolean,
  what: string,
  options: DeliverUntilOptions,
): Promise<void> {
  if (options.mode === "manual") {
    if (!(await runtime.runUntil(done, { maxSteps: options.maxSteps ?? 10_000 }))) throw new Error(`never happened: ${what} (the queue ran dry)`);
    return;
  }
  const until = Date.now() + options.limitMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`never happened within ${options.limitMs} ms: ${what}`);
    await realDelay(options.pollMs ?? 5);
  }
}
