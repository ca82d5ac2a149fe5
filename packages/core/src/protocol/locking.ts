/**
 * Row locks: holder (engine id + attempt, `runtime/lock-holder.ts`) + version compare-and-set
 * (DESIGN.md section 6).
 *
 * A lock is taken with a write that also checks the traversal is still current, the row's
 * version is the one read, and the row is unlocked - or locked by an engine whose liveness
 * lease has expired, or by an attempt of a live engine that is no longer running, in which
 * case the lock is stolen and the interrupted operation resumed.
 */
import type { ResourceRow, RowPatch } from "../model/types.js";
import type { RowWrite, RowWriteEvent, RowWriteResult } from "../runtime/contract.js";
import { parseLockHolder } from "../runtime/lock-holder.js";
import type { CheckEnv } from "./env.js";
import { writeWithEvent } from "./row-writes.js";

/** Result of trying to lock a row. */
export type LockOutcome =
  | { readonly kind: "locked"; readonly row: ResourceRow; readonly stolenFrom: string | null }
  /** Held by a live engine: park; the holder retriggers the row when it is done. */
  | { readonly kind: "parked" }
  /** The traversal is no longer current. */
  | { readonly kind: "superseded" }
  /** The row changed (or vanished) since it was read: reload and decide again. */
  | { readonly kind: "changed" };

/**
 * Who holds a row's lock, seen from this check: nobody ("free"), this very attempt ("mine"),
 * a running attempt of a live engine ("alive"), or nobody that will release it ("dead"): its
 * engine's lease lapsed, or its engine lives but the attempt that took it is no longer
 * running (it ended without releasing it) - such a lock is stolen and the work resumed.
 */
export type HolderState = "free" | "mine" | "alive" | "dead";

/**
 * Classify the holder of `row`'s lock (a row of stack `stackId`): at once when the row is
 * free or this attempt's (no promise for the common case), else as a promise.
 */
export function holderState(env: CheckEnv, stackId: string, row: ResourceRow): HolderState | Promise<HolderState> {
  if (row.lockHolder === null) return "free";
  if (row.lockHolder === env.holder) return "mine";
  return heldBy(env, stackId, row.lockHolder);
}

async function heldBy(env: CheckEnv, stackId: string, lockHolder: string): Promise<HolderState> {
  const { engineId, attempt } = parseLockHolder(lockHolder);
  if (!(await env.runtime.isAlive(engineId))) return "dead";
  if (attempt === null) return "alive";
  return (await env.runtime.attemptRunning(engineId, attempt, stackId)) ? "alive" : "dead";
}

/** Lock `row` (as read) for this attempt in `traversalId`, writing `patch` (and `event`) atomically. */
export async function lockRow(
  env: CheckEnv,
  stackId: string,
  traversalId: string,
  row: ResourceRow,
  patch: RowPatch,
  event?: RowWriteEvent,
): Promise<LockOutcome> {
  const held = holderState(env, stackId, row);
  const state = typeof held === "string" ? held : await held;
  if (state === "alive") return { kind: "parked" };
  const write: RowWrite = {
    stackId,
    rowId: row.id,
    ifTraversal: traversalId,
    ifVersion: row.version,
    ifHolder: row.lockHolder,
    setHolder: env.holder,
    patch: { ...patch, updatedAt: env.runtime.now() },
  };
  const stolenFrom = state === "dead" ? row.lockHolder : null;
  const result = await writeWithEvent(env, write, event);
  if (result.ok) return { kind: "locked", row: result.row, stolenFrom };
  if (result.reason === "superseded") return { kind: "superseded" };
  // Refused, yet the row is locked by this very attempt: the write was made and its reply
  // lost, then the client sent it again (and the copy was refused as a change). It is ours.
  if (result.row !== null && result.row.lockHolder === env.holder) return { kind: "locked", row: result.row, stolenFrom };
  return { kind: "changed" };
}

/**
 * Take `row` (as read) for this attempt outside any traversal, changing nothing else: the
 * clean-up of a late plugin call (`unrecorded.ts`, `late-update.ts`) holds the row while it
 * acts, so that no other check acts on it meanwhile. Free, or held by a stopped holder (the
 * caller checked). Refused when the row changed since it was read.
 */
export function takeRow(env: CheckEnv, stackId: string, row: ResourceRow): Promise<RowWriteResult> {
  return env.store.writeRow({ stackId, rowId: row.id, ifVersion: row.version, ifHolder: row.lockHolder, setHolder: env.holder, patch: { updatedAt: env.runtime.now() } });
}

/**
 * Give back a row taken with {@link takeRow} - unchanged, or with `patch` (and its `event`).
 * Refused when the row was taken over meanwhile.
 */
export function giveBackRow(env: CheckEnv, stackId: string, rowId: string, patch: RowPatch = {}, event?: RowWriteEvent): Promise<RowWriteResult> {
  return writeWithEvent(env, { stackId, rowId, ifHolder: env.holder, setHolder: null, patch: { ...patch, updatedAt: env.runtime.now() } }, event);
}
