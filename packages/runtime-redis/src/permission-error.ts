/**
 * `RedisPermissionError`: Redis refused a command for lack of permission (an ACL user without
 * a command, a key pattern or a channel the runtime needs). Raised by the start-up check
 * (`verifyRedisPermissions`) naming every refusal at once, and by any later command Redis
 * refuses with NOPERM, naming that command.
 */
import { ErrorCode, RuntimeError, errorMessage } from "@converge/core";

/** What a refusal was about. */
export type RefusalKind = "command" | "key" | "channel";

/** One command Redis refused. */
export interface RedisRefusal {
  /** The command (upper case, `CLIENT|SETNAME` for a subcommand), or the operation when Redis did not say. */
  readonly command: string;
  /** Whether the command itself, or a key or channel it touches, is not permitted. */
  readonly kind: RefusalKind;
}

/** Redis refused commands the runtime needs; `refused` names them, the message says what to grant. */
export class RedisPermissionError extends RuntimeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "RedisPermissionError";
  /** The refusals, one per command. */
  readonly refused: readonly RedisRefusal[];
  constructor(message: string, refused: readonly RedisRefusal[], options?: { cause?: unknown }) {
    super(message, { code: ErrorCode.PERMISSION_DENIED, ...(options?.cause === undefined ? {} : { cause: options.cause }) });
    this.refused = refused;
  }
}

const PERMISSION = /NOPERM|no permissions to|can't run this command|can't access at least one of the|ACL failure/i;

/** Whether an error (or a message) of Redis is a permission refusal. */
export function isPermissionRefusal(error: unknown): boolean {
  const message = errorMessage(error);
  return PERMISSION.test(message);
}

/** The refusal a NOPERM message describes (`operation` when it names no command). */
export function refusalFromMessage(message: string, operation: string): RedisRefusal {
  const kind: RefusalKind = /channel/i.test(message) ? "channel" : /keys?\b/i.test(message) ? "key" : "command";
  const named = /run the '([^']+)' command/i.exec(message)?.[1];
  return { command: named === undefined ? operation : named.toUpperCase(), kind };
}

/** Describe refusals for a message: `INFO`, `HSET (a key it needs)`, `PUBLISH (the channel)`. */
export function describeRefusals(refused: readonly RedisRefusal[]): string {
  return refused.map((r) => (r.kind === "command" ? r.command : r.kind === "key" ? `${r.command} (on a key it needs)` : `${r.command} (on the channel it needs)`)).join(", ");
}
