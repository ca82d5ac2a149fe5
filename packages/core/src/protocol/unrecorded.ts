/**
 * What a plugin call did that its check could not record, because the row was taken over
 * meanwhile (its engine was paused past its lease, or the call outlived the check's lock): a
 * result is never dropped silently (issue 9, item 2).
 *
 * - A create made a resource. When the row now records that same physical id, an idempotent
 *   create returned the resource the row already has: nothing to do. When the row is held by
 *   a running attempt (it may be adopting this very resource through `read`), deleting it
 *   could remove what the row is about to record: it is reported as an orphan. When the row is
 *   still an interrupted create with no id and no running holder (the attempt that took it over
 *   stopped too), its resume looks for this resource by the create's idempotency key: an
 *   idempotent create returns it again, so it is left to the resume; a `read` could adopt it
 *   while it is deleted, so the row is locked first, the resource deleted, the row given back
 *   and its check retriggered. Otherwise the resource is deleted through the type's
 *   `delete`, with a warning; if that fails, it is reported as an orphan: an error log line and
 *   a DELETE_FAILED event naming its physical id.
 *
 * An update applied and not recorded is `late-update.ts`'s.
 */
import { errorMessage } from "../error-message.js";
import type { ResourceRow, StackRecord } from "../model/types.js";
import type { AnyResourceType } from "../plugin/types.js";
import type { CheckEnv } from "./env.js";
import { rowEvent, rowWriteEvent } from "./events.js";
import { handlerContext, invokePlugin } from "./invoke-plugin.js";
import { giveBackRow, holderState, takeRow } from "./locking.js";
import { retrigger } from "./report.js";

/** A resource a check's create made and could not record (see {@link unrecordedCreate}). */
export interface UnrecordedCreate {
  readonly env: CheckEnv;
  readonly stack: StackRecord;
  readonly traversalId: string;
  /** The row the create was for. */
  readonly row: ResourceRow;
  readonly type: AnyResourceType;
  /** What the create made. */
  readonly physicalId: string;
  /** The properties it was made with (given to `delete`). */
  readonly properties: Readonly<Record<string, unknown>>;
  /** The row as the refused write found it (undefined: load it). */
  readonly now?: ResourceRow | null | undefined;
}

/** Deal with a resource that this check's create made and could not record. */
export async function unrecordedCreate(made: UnrecordedCreate): Promise<void> {
  const { env, stack, row, type, physicalId, now } = made;
  const current = now === undefined ? await env.store.loadRow(stack.id, row.id) : now;
  if (current?.physicalId === physicalId) return;
  const fields = { stack: stack.name, resource: row.name, rowId: row.id, physicalId, holder: current?.lockHolder ?? null };
  if (current !== null && current.lockHolder !== null && (await holderState(env, stack.id, current)) === "alive") {
    return orphan(made, `the row is being taken over by ${current.lockHolder}, which may adopt it`, fields);
  }
  if (current !== null && awaitsResume(current, type)) {
    // The row's resume retries the create with the same idempotency key, which returns this very
    // resource: deleting it would only make the resume create another.
    if (type.idempotentCreate === true) {
      env.logger.warn(`the create of ${row.name} made ${physicalId} but could not record it; row ${row.id} is an interrupted create, whose resume gets it again from the create's idempotency key`, fields);
      return;
    }
    return deleteUnderLock(made, current, fields);
  }
  env.logger.warn(`the create of ${row.name} made ${physicalId} but could not record it (row ${row.id} was taken over); deleting it`, fields);
  await deleteMade(made, fields);
}

/**
 * The row is an interrupted create that no running attempt holds: its resume would look for
 * what was made by the create's idempotency key, and could adopt this resource while it is
 * being deleted (leaving the row recording a resource that is gone). So the row is taken first
 * (its lock, stolen from a stopped holder as any check does), the resource deleted while no
 * resume can run, and the row given back unchanged - still an interrupted create, which the
 * traversal's check of it resumes (retriggered here). When the row changed meanwhile, decide again.
 */
async function deleteUnderLock(made: UnrecordedCreate, current: ResourceRow, fields: Record<string, unknown>): Promise<void> {
  const { env, stack, row, physicalId } = made;
  // A lock of an engine whose lease lapsed is anybody's to steal: it would not keep a resume out.
  if (!(await env.runtime.isAlive(env.engineId))) return orphan(made, `the row's resume may adopt it, and engine ${env.engineId} cannot take the row while its lease is lapsed`, fields);
  const taken = await takeRow(env, stack.id, current);
  if (!taken.ok) return unrecordedCreate({ ...made, now: taken.row });
  env.logger.warn(`the create of ${row.name} made ${physicalId} but could not record it (row ${row.id} was taken over and is an interrupted create); deleting it before the row is resumed`, fields);
  await deleteMade(made, fields);
  const released = await giveBackRow(env, stack.id, current.id);
  if (released.ok) await retrigger(env, stack.id, current.id);
}

/** Delete what the create made (not fenced: this attempt's own leftover); an orphan when that fails. */
async function deleteMade(made: UnrecordedCreate, fields: Record<string, unknown>): Promise<void> {
  const { env, stack, traversalId, row, type, physicalId, properties } = made;
  try {
    await invokePlugin(env, { stack, traversalId, row, type, handler: "delete" }, (base) => type.delete(handlerContext(base, { physicalId, properties })), { detached: true });
  } catch (error) {
    await orphan(made, `deleting it failed: ${errorMessage(error)}`, fields);
  }
}

/**
 * Whether `row` is an interrupted create that a resume will look for what was made: no id
 * recorded, and a type whose resume finds a resource by the create's idempotency key (`read`,
 * or a create retried with the same key).
 */
function awaitsResume(row: ResourceRow, type: AnyResourceType): boolean {
  return row.action === "CREATE" && row.status === "IN_PROGRESS" && row.physicalId === null && row.type === type.type && (type.read !== undefined || type.idempotentCreate === true);
}

/** Report an orphaned resource: an error log line and a DELETE_FAILED event naming it. */
async function orphan(made: UnrecordedCreate, why: string, fields: Record<string, unknown>): Promise<void> {
  const { env, stack, traversalId, row, physicalId } = made;
  const reason = `orphaned resource ${physicalId}: the create of ${row.name} made it but could not record it, and ${why}; delete it by hand if it is not ${row.name}'s resource`;
  env.logger.error(reason, fields);
  await rowEvent(env, stack, { ...row, physicalId }, rowWriteEvent(env, stack, traversalId, "DELETE", "FAILED", reason));
}
