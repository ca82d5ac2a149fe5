/**
 * Failure handling (DESIGN.md section 7): a failed node fails its row and the stack; with
 * rollback enabled a ROLLBACK traversal to the last *completed* template starts (W-C).
 */
import type { ResourceRow, RowAction, StackRecord } from "../model/types.js";
import type { CheckEnv } from "./env.js";
import { rowWriteEvent, stackEvent } from "./events.js";
import { retrigger } from "./report.js";
import { startRollback } from "./rollback.js";
import { lockedWrite } from "./row-writes.js";

/**
 * Fail a node whose row this engine holds locked: row `<action>_FAILED` with the message,
 * unlocked; then fail the traversal (or, if superseded, retrigger the row in the newest one).
 */
export async function failNode(
  env: CheckEnv,
  stack: StackRecord,
  traversalId: string,
  row: ResourceRow,
  action: RowAction,
  message: string,
): Promise<void> {
  const event = rowWriteEvent(env, stack, traversalId, action, "FAILED", message);
  const written = await lockedWrite(env, stack.id, row.id, { action, status: "FAILED", statusReason: message }, true, event);
  if (!written.ok) return;
  await failTraversal(env, stack.id, traversalId, `Resource ${action} failed: ${row.name}: ${message}`, row.id);
}

/**
 * Fail the traversal (only if it is current and in progress): start the automatic rollback
 * when enabled, else mark the stack FAILED (CAS). If the traversal was superseded, retrigger
 * `rowId` in the newest traversal instead.
 */
export async function failTraversal(
  env: CheckEnv,
  stackId: string,
  traversalId: string,
  reason: string,
  rowId?: string,
): Promise<void> {
  const stack = await env.store.loadStack(stackId);
  const current = stack !== null && stack.currentTraversal === traversalId && stack.status === "IN_PROGRESS";
  if (stack === null || !current) {
    if (rowId !== undefined) await retrigger(env, stackId, rowId);
    return;
  }
  if (!stack.options.disableRollback && (stack.action === "CREATE" || stack.action === "UPDATE")) {
    // The rollback's start is itself the CAS that ends this traversal: observers never see a
    // FAILED stack that is about to roll back.
    await stackEvent(env, stack, traversalId, stack.action, "FAILED", reason);
    const started = await startRollback(env, stack, `Rollback after failure: ${reason}`);
    if (started === null && rowId !== undefined) await retrigger(env, stackId, rowId);
    return;
  }
  const updatedAt = env.runtime.now();
  const failed = await env.store.updateStack(stackId, traversalId, { status: "FAILED", statusReason: reason, updatedAt }, "IN_PROGRESS");
  if (!failed) {
    if (rowId !== undefined) await retrigger(env, stackId, rowId);
    return;
  }
  await stackEvent(env, stack, traversalId, stack.action, "FAILED", reason);
}
