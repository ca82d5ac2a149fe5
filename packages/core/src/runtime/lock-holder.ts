/**
 * The lock holder of a resource row: which engine - and which *attempt* (one delivery of a
 * check, `Delivery.attempt`) of it - holds the row's lock. It is one string field of the row:
 *
 *   <engineId>                 a lock of the engine as a whole (written by older versions, or
 *                              by a runtime that names no attempts)
 *   <engineId>#<attempt>       a lock of one attempt; the attempt matches ATTEMPT_PATTERN
 *
 * Knowing the attempt lets a check recognise a lock that is its own (a lock write whose reply
 * was lost, re-sent by the client and refused as "changed") and tell a stale lock of a live
 * engine (held by an attempt that is no longer running) from a held one.
 */

/** What an attempt token looks like: short, and free of the separator. */
export const ATTEMPT_PATTERN = /^[A-Za-z0-9_.:-]{1,80}$/;

/** Separator between the engine id and the attempt. */
const SEPARATOR = "#";

/** A parsed lock holder. */
export interface LockHolder {
  /** The engine whose liveness lease backs the lock. */
  readonly engineId: string;
  /** The attempt holding it; null for an engine-wide (legacy) lock. */
  readonly attempt: string | null;
}

/** The holder string of a lock taken by `attempt` of `engineId` (engine-wide without an attempt). */
export function formatLockHolder(engineId: string, attempt: string | undefined): string {
  return attempt === undefined ? engineId : `${engineId}${SEPARATOR}${attempt}`;
}

/**
 * Parse a holder string. The attempt is what follows the last `#` when that is a valid
 * attempt token; anything else is an engine-wide lock of an engine with that id.
 */
export function parseLockHolder(holder: string): LockHolder {
  const at = holder.lastIndexOf(SEPARATOR);
  if (at <= 0) return { engineId: holder, attempt: null };
  const attempt = holder.slice(at + 1);
  return ATTEMPT_PATTERN.test(attempt) ? { engineId: holder.slice(0, at), attempt } : { engineId: holder, attempt: null };
}

/** A lock holder for messages: "engine e1", "attempt a7 of engine e1", or "an unknown engine". */
export function describeLockHolder(holder: string | null): string {
  if (holder === null) return "an unknown engine";
  const { engineId, attempt } = parseLockHolder(holder);
  return attempt === null ? `engine ${engineId}` : `attempt ${attempt} of engine ${engineId}`;
}
