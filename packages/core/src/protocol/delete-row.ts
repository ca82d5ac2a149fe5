/**
 * Deleting a row this engine has locked (DELETE_IN_PROGRESS written): call the plugin
 * (unless the deletion policy retains the resource), write DELETE_COMPLETE, release, and
 * clear `replaces` on the row that superseded it. Used by cleanup nodes and the completion
 * sweep.
 *
 * A create interrupted before its physical id was recorded may still have made the resource.
 * A type with `read` finds it by idempotency key; a type with only an idempotent create finds
 * it by retrying the create with the same key (W-E: resume, then delete). Until that retry
 * succeeds the row stays CREATE_IN_PROGRESS, so a later attempt knows to retry again.
 */
import type { ResourceRow, RowPatch, StackRecord, TraversalGraph } from "../model/types.js";
import type { AnyResourceType } from "../plugin/types.js";
import type { RowWriteEvent } from "../runtime/contract.js";
import { FencedError } from "../errors.js";
import { callCreate } from "./create-call.js";
import type { MadeResource } from "./create-call.js";
import type { CheckEnv } from "./env.js";
import { rowWriteEvent } from "./events.js";
import { failNode, failTraversal } from "./fail.js";
import { failureMessage, handlerContext, invokePlugin } from "./invoke-plugin.js";
import { reportCleanup } from "./report.js";
import { lockedWrite, lockedWriteSpec } from "./row-writes.js";
import { unrecordedCreate } from "./unrecorded.js";

/** Status reason of a row its stack forgets (abandonResource): removed without a plugin call. */
export const ABANDON_REASON = "abandoned: left in place, no longer managed";

/**
 * True for a create that was interrupted before its physical id was known, of a type that
 * can learn it only by retrying the create (an idempotent create and no `read`).
 */
export function unresolvedCreate(row: ResourceRow, type: AnyResourceType | undefined): boolean {
  return (
    row.action === "CREATE" &&
    row.status === "IN_PROGRESS" &&
    row.physicalId === null &&
    row.deletionPolicy !== "retain" &&
    type !== undefined &&
    type.read === undefined &&
    type.idempotentCreate === true
  );
}

/** The write that locks a row for deletion: its patch, and the event it records. */
export interface DeleteLock {
  readonly patch: RowPatch;
  /** DELETE_IN_PROGRESS; none for an unresolved create, which announces it once its id is known. */
  readonly event?: RowWriteEvent;
}

/** The lock write of a deletion: an unresolved create stays a create until its id is known. */
export function deleteLock(env: CheckEnv, stack: StackRecord, traversalId: string, row: ResourceRow, reason: string): DeleteLock {
  return unresolvedCreate(row, env.types.get(row.type))
    ? { patch: { statusReason: "resuming the interrupted create to delete its resource" } }
    : { patch: { action: "DELETE", status: "IN_PROGRESS", statusReason: reason }, event: rowWriteEvent(env, stack, traversalId, "DELETE", "IN_PROGRESS", "state changed") };
}

/**
 * Delete a row locked with {@link deleteLock}'s write. With `report` (a cleanup node), the
 * node is reported done as well - with the final write when nothing else must be written
 * between them. Returns true when the row is now DELETE_COMPLETE (and reported); false when
 * it failed (the node failed) or the lock was lost.
 */
export async function deleteLockedRow(
  env: CheckEnv,
  stack: StackRecord,
  traversalId: string,
  locked: ResourceRow,
  report?: TraversalGraph,
): Promise<boolean> {
  let row = locked;
  let reason = "state changed";
  if (row.deletionPolicy === "retain") {
    reason = row.statusReason === ABANDON_REASON ? ABANDON_REASON : "retained (deletion_policy: retain)";
  } else {
    const type = env.types.get(row.type);
    if (unresolvedCreate(row, type) && type !== undefined) {
      const resolved = await resolveCreate(env, stack, traversalId, row, type);
      if (resolved === null) return false;
      row = resolved;
    }
    if (type === undefined) {
      await failNode(env, stack, traversalId, row, "DELETE", `type "${row.type}" is not registered with engine ${env.engineId}`);
      return false;
    }
    try {
      let physicalId = row.physicalId;
      const read = type.read?.bind(type);
      if (physicalId === null && read !== undefined) {
        // An interrupted create may have made the resource without recording its id.
        const found = await invokePlugin(env, { stack, traversalId, row, type, handler: "read" }, (base) =>
          read(handlerContext(base, { physicalId: null, properties: row.properties })),
        );
        if (found.exists) physicalId = found.physicalId;
      }
      const id = physicalId;
      await invokePlugin(env, { stack, traversalId, row, type, handler: "delete" }, (base) => type.delete(handlerContext(base, { physicalId: id, properties: row.properties })));
    } catch (error) {
      await failNode(env, stack, traversalId, row, "DELETE", failureMessage(error));
      return false;
    }
  }
  const patch: RowPatch = { action: "DELETE", status: "COMPLETE", statusReason: reason };
  const event = rowWriteEvent(env, stack, traversalId, "DELETE", "COMPLETE", reason);
  if (report !== undefined && row.replacedBy === null) {
    const result = await reportCleanup(env, stack.id, report, row.id, lockedWriteSpec(env, stack.id, row.id, patch, true), event);
    return result.kind !== "refused";
  }
  const done = await lockedWrite(env, stack.id, row.id, patch, true, event);
  if (!done.ok) return false;
  if (row.replacedBy !== null) {
    await env.store.writeRow({ stackId: stack.id, rowId: row.replacedBy, patch: { replaces: null } });
  }
  if (report !== undefined) await reportCleanup(env, stack.id, report, row.id);
  return true;
}

/**
 * Retry an interrupted create with its idempotency key (and the properties it was made with)
 * to learn the physical id, then write DELETE_IN_PROGRESS with it. On failure the row stays
 * CREATE_IN_PROGRESS (unlocked) and the traversal fails; null is returned.
 */
async function resolveCreate(
  env: CheckEnv,
  stack: StackRecord,
  traversalId: string,
  row: ResourceRow,
  type: AnyResourceType,
): Promise<ResourceRow | null> {
  let physicalId: string;
  const made: MadeResource = { id: null };
  try {
    const result = await callCreate({ env, stack, traversalId, row, type, properties: row.properties }, made);
    physicalId = result.physicalId;
  } catch (error) {
    // The retried create made a resource (its early id) and the row was taken over meanwhile.
    if (error instanceof FencedError && made.id !== null) {
      await unrecordedCreate({ env, stack, traversalId, row, type, physicalId: made.id, properties: row.properties });
      return null;
    }
    const reason = `cannot delete: retrying the interrupted create to find its resource failed: ${failureMessage(error)}`;
    const kept = await lockedWrite(env, stack.id, row.id, { statusReason: reason }, true, rowWriteEvent(env, stack, traversalId, "CREATE", "IN_PROGRESS", reason));
    if (!kept.ok) return null;
    await failTraversal(env, stack.id, traversalId, `Resource DELETE failed: ${row.name}: ${reason}`, row.id);
    return null;
  }
  const written = await lockedWrite(
    env,
    stack.id,
    row.id,
    { physicalId, action: "DELETE", status: "IN_PROGRESS", statusReason: "state changed" },
    false,
    rowWriteEvent(env, stack, traversalId, "DELETE", "IN_PROGRESS", "state changed"),
  );
  // The row was taken over while the create ran (its engine was paused past its lease): what the
  // create returned may be a resource nobody else knows of.
  if (!written.ok) await unrecordedCreate({ env, stack, traversalId, row, type, physicalId, properties: row.properties, now: written.row });
  return written.ok ? written.row : null;
}
