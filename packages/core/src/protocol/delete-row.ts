/**
 * Deleting a row this engine has locked (DELETE_IN_PROGRESS written): call the plugin
 * (unless the deletion policy retains the resource), write DELETE_COMPLETE, release, and
 * clear `replaces` on the row that superseded it. Used by cleanup nodes and the completion
 * sweep.
 */
import type { ResourceRow, StackRecord } from "../model/types.js";
import type { CheckEnv } from "./env.js";
import { rowEvent } from "./env.js";
import { failNode } from "./fail.js";
import { invokePlugin } from "./invoke-plugin.js";
import { lockedWrite } from "./locking.js";

/** Returns true when the row is now DELETE_COMPLETE; false when it failed (the node failed). */
export async function deleteLockedRow(env: CheckEnv, stack: StackRecord, traversalId: string, row: ResourceRow): Promise<boolean> {
  await rowEvent(env, stack, traversalId, row, "DELETE", "IN_PROGRESS", "state changed");
  let reason = "state changed";
  if (row.deletionPolicy === "retain") {
    reason = "retained (deletion_policy: retain)";
  } else {
    const type = env.types.get(row.type);
    if (type === undefined) {
      await failNode(env, stack, traversalId, row, "DELETE", `type "${row.type}" is not registered with engine ${env.engineId}`);
      return false;
    }
    try {
      let physicalId = row.physicalId;
      const read = type.read?.bind(type);
      if (physicalId === null && read !== undefined) {
        // An interrupted create may have made the resource without recording its id.
        const found = await invokePlugin(env, stack, traversalId, row, type, "read", (base) =>
          read({ ...base, physicalId: null, properties: row.properties }),
        );
        if (found.exists) physicalId = found.physicalId;
      }
      if (physicalId !== null || row.action !== "CREATE" || read === undefined) {
        const id = physicalId;
        await invokePlugin(env, stack, traversalId, row, type, "delete", (base) =>
          type.delete({ ...base, physicalId: id, properties: row.properties }),
        );
      }
    } catch (error) {
      await failNode(env, stack, traversalId, row, "DELETE", (error as Error).message);
      return false;
    }
  }
  const done = await lockedWrite(env, stack.id, row.id, { action: "DELETE", status: "COMPLETE", statusReason: reason }, true);
  if (!done.ok) return false;
  await rowEvent(env, stack, traversalId, done.row, "DELETE", "COMPLETE", reason);
  if (row.replacedBy !== null) {
    await env.store.writeRow({ stackId: stack.id, rowId: row.replacedBy, patch: { replaces: null } });
  }
  return true;
}
