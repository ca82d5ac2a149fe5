/**
 * The row writes of a check, each with the event it records when accepted (one fused
 * operation when the runtime has `writeRowWithEvent`, else the write then the event): a
 * write under this attempt's lock (`lockedWrite`), and a compare-and-set write of an
 * unlocked row (`casWrite`). The `...Spec` forms build the write to make it later, fused
 * with a node's report (`report.ts`). Taking a lock is `locking.ts`.
 */
import { completeRowEvent } from "../model/events.js";
import type { ResourceRow, RowPatch } from "../model/types.js";
import type { RowWrite, RowWriteEvent, RowWriteResult, RuntimeStore } from "../runtime/contract.js";
import type { CheckEnv } from "./env.js";

/** A row write that records `event` when accepted (one fused operation when the runtime has it). */
export function writeWithEvent(env: { readonly store: RuntimeStore }, write: RowWrite, event: RowWriteEvent | undefined): Promise<RowWriteResult> {
  // The store's promise as it is (no async wrapper: this runs for every check).
  if (event === undefined) return env.store.writeRow(write);
  if (env.store.writeRowWithEvent !== undefined) return env.store.writeRowWithEvent(write, event);
  return composedWrite(env.store, write, event);
}

async function composedWrite(store: RuntimeStore, write: RowWrite, event: RowWriteEvent): Promise<RowWriteResult> {
  const result = await store.writeRow(write);
  if (result.ok) await store.appendEvents(write.stackId, [completeRowEvent(event, result.row)]);
  return result;
}

/** The write of {@link lockedWrite}, to make it (or report with it) later. */
export function lockedWriteSpec(env: CheckEnv, stackId: string, rowId: string, patch: RowPatch, release: boolean): RowWrite {
  return {
    stackId,
    rowId,
    ifHolder: env.holder,
    ...(release ? { setHolder: null } : {}),
    patch: { ...patch, updatedAt: env.runtime.now() },
  };
}

/**
 * A write under a lock this engine holds (with its event). A refusal means the lock was
 * stolen (this engine was presumed dead): the caller must stop without further writes.
 */
export function lockedWrite(
  env: CheckEnv,
  stackId: string,
  rowId: string,
  patch: RowPatch,
  release: boolean,
  event?: RowWriteEvent,
): Promise<RowWriteResult> {
  return writeWithEvent(env, lockedWriteSpec(env, stackId, rowId, patch, release), event);
}

/** The write of {@link casWrite}, to make it (or report with it) later. */
export function casWriteSpec(env: CheckEnv, stackId: string, traversalId: string | undefined, row: ResourceRow, patch: RowPatch): RowWrite {
  return {
    stackId,
    rowId: row.id,
    ...(traversalId === undefined ? {} : { ifTraversal: traversalId }),
    ifVersion: row.version,
    ifHolder: null,
    patch: { ...patch, updatedAt: env.runtime.now() },
  };
}

/** A compare-and-set write of an unlocked row (in the current traversal, when given), with its event. */
export function casWrite(
  env: CheckEnv,
  stackId: string,
  traversalId: string | undefined,
  row: ResourceRow,
  patch: RowPatch,
  event?: RowWriteEvent,
): Promise<RowWriteResult> {
  return writeWithEvent(env, casWriteSpec(env, stackId, traversalId, row, patch), event);
}
