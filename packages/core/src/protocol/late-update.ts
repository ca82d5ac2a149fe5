/**
 * An update that a plugin applied but its check could not record: the row was taken over
 * meanwhile (its engine was paused past its lease, or the call outlived the check's lock). The
 * call may have landed after a newer update was recorded, leaving the resource with older
 * properties than its row records - and a completed stack never looks at that row again.
 *
 * So, when the row records other properties than the late call applied, is settled
 * (`CREATE`/`UPDATE` `COMPLETE`) and no running attempt holds it, the row is locked (stolen
 * from a stopped holder, as any check does) and the properties it records are applied again,
 * with `oldProperties` what the late call applied. If that fails the row is marked FAILED (the
 * stack's next update re-applies or replaces it), and either way it is given back and its
 * check retriggered. A row in another state, or held by a running attempt, is left to its own
 * next operation, with a warning - as is everything when this engine's own lease is lapsed.
 */
import { errorMessage } from "../error-message.js";
import type { ResourceRow, StackRecord } from "../model/types.js";
import type { AnyResourceType } from "../plugin/types.js";
import type { RowWriteResult } from "../runtime/contract.js";
import type { CheckEnv } from "./env.js";
import { rowWriteEvent } from "./events.js";
import { handlerContext, invokePlugin } from "./invoke-plugin.js";
import { giveBackRow, holderState, takeRow } from "./locking.js";
import { deepEqual } from "./node-inputs.js";
import { retrigger } from "./report.js";

/** An update a check applied and could not record (see the module comment). */
export interface LateUpdate {
  readonly env: CheckEnv;
  readonly stack: StackRecord;
  readonly traversalId: string;
  /** The row as the check locked it (its physical id is the resource updated). */
  readonly row: ResourceRow;
  readonly type: AnyResourceType;
  /** The properties the update applied. */
  readonly applied: Readonly<Record<string, unknown>>;
  /** Why it could not be recorded. */
  readonly why: string;
}

/** Deal with an update that was applied and could not be recorded. */
export async function lateUpdate(late: LateUpdate): Promise<void> {
  const { env, stack, row, applied, why } = late;
  const current = await env.store.loadRow(stack.id, row.id);
  // Gone, another resource, or the very properties applied: nothing diverged.
  if (current === null || current.physicalId !== row.physicalId || deepEqual(current.properties, applied)) return;
  const settled = (current.action === "CREATE" || current.action === "UPDATE") && current.status === "COMPLETE";
  const held = current.lockHolder !== null && (await holderState(env, stack.id, current)) !== "dead";
  if (!settled || held || !(await env.runtime.isAlive(env.engineId))) {
    env.logger.warn(`the update of ${row.name} was applied but could not be recorded (row ${row.id} was taken over: ${why}); its next update re-applies the desired state`, fields(late));
    return;
  }
  const taken = await takeRow(env, stack.id, current);
  if (!taken.ok) return lateUpdate(late);
  env.logger.warn(`the update of ${row.name} was applied late (row ${row.id} was taken over: ${why}); applying the properties its row records again`, fields(late));
  const failure = await reapply(late, taken.row);
  const released = failure === null ? await giveBackRow(env, stack.id, current.id) : await giveBackFailed(late, current, failure);
  if (released.ok) await retrigger(env, stack.id, current.id);
  // The row was taken over while this engine applied its properties again (paused once more):
  // that call may have landed late in turn.
  else if (failure === null) await lateUpdate({ ...late, row: taken.row, applied: current.properties, why: "the row was taken over while its properties were applied again" });
}

/** Give the row back FAILED: its recorded properties could not be applied again. */
function giveBackFailed(late: LateUpdate, row: ResourceRow, failure: string): Promise<RowWriteResult> {
  const { env, stack } = late;
  const reason = `a late update of a stopped attempt changed it, and applying its recorded properties again failed: ${failure}`;
  return giveBackRow(env, stack.id, row.id, { status: "FAILED", statusReason: reason }, rowWriteEvent(env, stack, late.traversalId, row.action, "FAILED", reason));
}

/** Apply `row`'s recorded properties to its resource (this attempt holds the row); the failure's message, or null. */
async function reapply(late: LateUpdate, row: ResourceRow): Promise<string | null> {
  const { env, stack, traversalId, type, applied } = late;
  const update = type.update?.bind(type);
  const physicalId = row.physicalId;
  if (update === undefined || physicalId === null) return `${type.type} cannot update in place`;
  const changed = [...new Set([...Object.keys(applied), ...Object.keys(row.properties)])].filter((p) => !deepEqual(applied[p], row.properties[p])).sort();
  try {
    await invokePlugin(
      env,
      { stack, traversalId, row, type, handler: "update" },
      (base) => update(handlerContext(base, { physicalId, properties: row.properties, oldProperties: applied, changed, attributes: row.attributes })),
      { detached: true },
    );
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

function fields(late: LateUpdate): Record<string, unknown> {
  return { stack: late.stack.name, resource: late.row.name, rowId: late.row.id, physicalId: late.row.physicalId };
}
