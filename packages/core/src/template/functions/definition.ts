/**
 * The definition of a template function that transforms data (`list_join`, `str_split`,
 * `map_merge`, `equals`, ...): its argument's shape, what it yields and how it evaluates.
 * One definition serves both compile-time folding and run-time resolution, so both give the
 * same result and the same errors:
 *
 * ```
 *   compile:  argument literal?  ── yes ──► invokeFunction  (fold)
 *                    │ no
 *                    └─────────────► checkPartialCall, keep { fn: argument } for run time
 *   run time: resolve the argument, then invokeFunction (or UNKNOWN when it holds UNKNOWN)
 * ```
 */
import { TemplateValidationError } from "../../errors.js";
import { NOTHING_PENDING, checkShape } from "./shape.js";
import type { PendingKinds, Shape, ValueKind } from "./shape.js";

/** A template function over data. */
export interface TemplateFunction {
  /** The function's key in the template. */
  readonly name: string;
  /** The argument's form for messages: `[delimiter, string, index]`. */
  readonly takes: string;
  /** The shape every argument must have. */
  readonly shape: Shape;
  /** The kinds of value a call may yield (to check a pending call given where, say, a list is needed). */
  readonly yields: readonly ValueKind[];
  /** Whether the function may be used in conditions (the `conditions` section, `condition:`, `if`). */
  readonly inConditions?: boolean;
  /**
   * Where literal strings name conditions (`not: other_condition`, `and: [c1, c2]`): the
   * argument itself or each item of the argument list. The compiler replaces them by the
   * condition's value before anything else.
   */
  readonly conditionOperands?: "argument" | "items";
  /**
   * Further checks of a partly known argument (already fitting {@link shape}) at compile time:
   * the problem or undefined. Checks only what the known parts decide.
   */
  check?(arg: unknown, pending: PendingKinds): string | undefined;
  /**
   * The result for a fully known argument that fits {@link shape}.
   * @throws FunctionArgumentError naming the problem with the data.
   */
  evaluate(arg: unknown): unknown;
}

/** A problem with a function's (known) argument; turned into a TemplateValidationError at the call's path. */
export class FunctionArgumentError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = "FunctionArgumentError";
  }
}

/** Throw a {@link FunctionArgumentError}. */
export function fail(problem: string): never {
  throw new FunctionArgumentError(problem);
}

/** The error of a malformed call at `path`: what the function takes, then the problem. */
export function callError(fn: TemplateFunction, path: string, problem: string): TemplateValidationError {
  return new TemplateValidationError(path, `${fn.name} takes ${fn.takes}: ${problem}`);
}

/**
 * Evaluate a call whose argument is fully known.
 * @throws TemplateValidationError at `path` (the call) when the argument is malformed.
 */
export function invokeFunction(fn: TemplateFunction, arg: unknown, path: string): unknown {
  const problem = checkShape(arg, fn.shape, NOTHING_PENDING);
  if (problem !== undefined) throw callError(fn, path, problem);
  try {
    return fn.evaluate(arg);
  } catch (error) {
    if (error instanceof FunctionArgumentError) throw callError(fn, path, error.message);
    throw error;
  }
}

/**
 * Check what is known of a call left for run time.
 * @throws TemplateValidationError at `path` (the call) when the known parts are malformed.
 */
export function checkPartialCall(fn: TemplateFunction, arg: unknown, pending: PendingKinds, path: string): void {
  const problem = checkShape(arg, fn.shape, pending) ?? fn.check?.(arg, pending);
  if (problem !== undefined) throw callError(fn, path, problem);
}
