/**
 * Return codes of the Lua scripts (mirrors `lua/includes/codes.lua`; a test checks both) and
 * the one place that maps them to the runtime contract's outcomes and to core errors.
 */
import { RuntimeError, errorMessage } from "@converge/core";
import type { WriteRefusal } from "@converge/core";
import { RedisPermissionError, describeRefusals, isPermissionRefusal, refusalFromMessage } from "./permission-error.js";

/** Every code a script returns. Negative codes are domain refusals. */
export const ScriptCode = {
  OK: 1,
  EXISTING: 2,
  WAITING: 0,
  GONE: -1,
  SUPERSEDED: -2,
  VERSION: -3,
  LOCKED: -4,
  EXISTS: -5,
} as const;

/** One of the values of {@link ScriptCode}. */
export type ScriptCode = (typeof ScriptCode)[keyof typeof ScriptCode];

const REFUSALS: ReadonlyMap<number, WriteRefusal> = new Map([
  [ScriptCode.GONE, "gone"],
  [ScriptCode.SUPERSEDED, "superseded"],
  [ScriptCode.VERSION, "version"],
  [ScriptCode.LOCKED, "locked"],
]);

/** The write refusal a negative code stands for. @throws RuntimeError for any other code */
export function refusalOf(script: string, code: number): WriteRefusal {
  const refusal = REFUSALS.get(code);
  if (refusal === undefined) throw unexpectedReply(script, code);
  return refusal;
}

/** True for OK; false for the given refusal codes. @throws RuntimeError for any other reply */
export function okOr(script: string, reply: unknown, ...refusals: readonly number[]): boolean {
  if (reply === ScriptCode.OK) return true;
  if (typeof reply === "number" && refusals.includes(reply)) return false;
  throw unexpectedReply(script, reply);
}

/** The error for a reply a script should never give (a bug or a foreign script under our name). */
export function unexpectedReply(script: string, reply: unknown): RuntimeError {
  return new RuntimeError(`Redis script ${script} answered ${JSON.stringify(reply) ?? String(reply)}, which the runtime does not expect`);
}

/**
 * Wrap an error of the Redis client (connection, Lua raise, wrong type) naming the operation;
 * a permission refusal becomes a RedisPermissionError naming the refused command.
 */
export function redisFailure(operation: string, error: unknown): RuntimeError {
  const message = errorMessage(error);
  if (error instanceof RedisPermissionError) return error;
  if (isPermissionRefusal(message)) {
    const refusal = refusalFromMessage(message, operation);
    return new RedisPermissionError(
      `Redis refused ${operation}: the Redis user may not run ${describeRefusals([refusal])} (${message}); grant the ACL of the runtime's README ("Minimal ACL")`,
      [refusal],
      { cause: error },
    );
  }
  return new RuntimeError(`Redis ${operation} failed: ${message}`, { cause: error });
}
