/**
 * The import of an update node (`external_id`, Heat's adopt): a row of a resource that names
 * an existing physical id is made by the type's `read` instead of `create`. The row records
 * the physical id and the properties and attributes `read` returns, as CREATE_COMPLETE; the
 * decision loop then converges it to the template like any other row (no change, update in
 * place or replace).
 *
 * While the import is in flight (and when it fails) the row's deletion policy is `retain`:
 * the resource is not the stack's until `read` found it, so no cleanup of that row ever
 * deletes it.
 */
import { ImportError } from "../errors.js";
import type { ResourceRow, RowPatch } from "../model/types.js";
import type { ReadResult } from "../plugin/types.js";
import { rowWriteEvent } from "./events.js";
import { failTraversal } from "./fail.js";
import { failureMessage, handlerContext, invokePlugin } from "./invoke-plugin.js";
import { lockRow } from "./locking.js";
import type { StepResult, UpdateRun } from "./node-run.js";
import { collectAttributes, createInputs } from "./node-run.js";
import { lockedWrite } from "./row-writes.js";

/** The status reason an import writes while in flight: how an interrupted import is recognized. */
export function importReason(physicalId: string): string {
  return `importing existing resource ${physicalId}`;
}

/**
 * Whether the update node imports `row` rather than creating it: the resource has an
 * `external_id` and the row is new - not the replacement of a resource that exists (the
 * replacement of a failed import imports again) - or an import interrupted by a dead engine.
 */
export async function importsRow(run: UpdateRun, row: ResourceRow): Promise<boolean> {
  const externalId = run.resource.externalId;
  if (externalId === undefined) return false;
  if (row.action === "CREATE") return row.status === "IN_PROGRESS" && row.statusReason === importReason(externalId);
  if (row.action !== "INIT") return false;
  if (row.replaces === null) return true;
  const replaced = await run.env.store.loadRow(run.stack.id, row.replaces);
  return replaced === null || replaced.physicalId === null;
}

/** Import `row`'s resource through the type's `read` (see the module comment). */
export async function importRow(run: UpdateRun, row: ResourceRow): Promise<StepResult> {
  const { env, stack, type } = run;
  const traversalId = run.graph.traversalId;
  const externalId = run.resource.externalId as string;
  const reason = importReason(externalId);
  const lock = await lockRow(
    env,
    stack.id,
    traversalId,
    row,
    { action: "CREATE", status: "IN_PROGRESS", ...createInputs(run), statusReason: reason, deletionPolicy: "retain" },
    rowWriteEvent(env, stack, traversalId, "CREATE", "IN_PROGRESS", reason),
  );
  if (lock.kind === "parked" || lock.kind === "superseded") return "done";
  if (lock.kind === "changed") return "again";
  const locked = lock.row;
  const read = type.read?.bind(type);
  let found: ReadResult;
  let attributes: Record<string, unknown>;
  try {
    if (read === undefined) throw new ImportError(row.name, externalId, `type ${type.type} has no read`);
    found = await invokePlugin(env, { stack, traversalId, row: locked, type, handler: "read" }, (base) =>
      read(handlerContext(base, { physicalId: externalId, properties: run.properties })),
    );
    if (!found.exists) throw new ImportError(row.name, externalId, `no such ${type.type} exists`);
    attributes = await collectAttributes(run, locked, found.physicalId, found.attributes ?? {});
  } catch (error) {
    return failImport(run, locked, failureMessage(error));
  }
  // A type whose read does not report properties: the template's are recorded (nothing to compare).
  const properties = found.properties === undefined ? run.properties : { ...found.properties };
  const done = `imported existing resource ${found.physicalId}`;
  const patch: RowPatch = {
    action: "CREATE",
    status: "COMPLETE",
    statusReason: done,
    physicalId: found.physicalId,
    properties,
    attributes,
    deletionPolicy: run.resource.deletionPolicy,
  };
  const written = await lockedWrite(env, stack.id, locked.id, patch, true, rowWriteEvent(env, stack, traversalId, "CREATE", "COMPLETE", done));
  return written.ok ? "again" : "done";
}

/** CREATE_FAILED (still `retain`, with no physical id: nothing of the stack's exists), then fail the traversal. */
async function failImport(run: UpdateRun, row: ResourceRow, message: string): Promise<StepResult> {
  const { env, stack } = run;
  const traversalId = run.graph.traversalId;
  const event = rowWriteEvent(env, stack, traversalId, "CREATE", "FAILED", message);
  const written = await lockedWrite(env, stack.id, row.id, { status: "FAILED", statusReason: message, physicalId: null }, true, event);
  if (written.ok) await failTraversal(env, stack.id, traversalId, `Resource CREATE failed: ${row.name}: ${message}`, row.id);
  return "done";
}
