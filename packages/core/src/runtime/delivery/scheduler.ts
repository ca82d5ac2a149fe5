/**
 * Manual scheduling, shared by every runtime: a runtime in manual mode is a
 * {@link SteppableScheduler} (one check delivered and run to its end per `step`), and
 * `runUntilIdle` / `runUntil` are written once over it.
 */

/** Bounds of a stepping loop. */
export interface RunOptions {
  /** Most steps taken. @default 1,000,000 */
  readonly maxSteps?: number;
}

/** A scheduler a test steps: each `step` delivers one check and runs it to its end. */
export interface SteppableScheduler<S = unknown> {
  /** Run one due check to its end. False when none is due. */
  step(options?: S): Promise<boolean>;
}

const DEFAULT_MAX_STEPS = 1_000_000;

/** Step until nothing is due (or `maxSteps`). Returns the number of steps taken. */
export async function runUntilIdle(scheduler: SteppableScheduler, options?: RunOptions): Promise<number> {
  const max = options?.maxSteps ?? DEFAULT_MAX_STEPS;
  let steps = 0;
  while (steps < max && (await scheduler.step())) steps += 1;
  return steps;
}

/**
 * Step until `predicate` holds (tested before each step). False if nothing was due any more
 * (or `maxSteps` ran out) before it held.
 */
export async function runUntil(scheduler: SteppableScheduler, predicate: () => boolean | Promise<boolean>, options?: RunOptions): Promise<boolean> {
  const max = options?.maxSteps ?? DEFAULT_MAX_STEPS;
  for (let steps = 0; steps < max; steps++) {
    if (await predicate()) return true;
    if (!(await scheduler.step())) return predicate();
  }
  return predicate();
}
