/**
 * The create of an update node: an INIT row is created; a row left CREATE_IN_PROGRESS by a
 * dead engine is **resumed** (W-E) - through `read`, or by retrying the create with the same
 * idempotency key - and only replaced when neither is possible.
 *
 * The row records the inputs of a create (properties, requires, template) when it starts, and
 * a resume keeps them until it knows what the interrupted attempt made: they describe the
 * resource that attempt may have made. What a resume finds is recorded as CREATE_COMPLETE
 * with the properties it was made with, and the decision loop then converges it to this
 * traversal's target (no change, update in place, or replace).
 */
import { FencedError } from "../errors.js";
import type { ResourceRow, RowPatch } from "../model/types.js";
import type { CreateResult } from "../plugin/types.js";
import { describeLockHolder } from "../runtime/lock-holder.js";
import type { MadeResource } from "./create-call.js";
import { callCreate } from "./create-call.js";
import { rowWriteEvent } from "./events.js";
import { failNode, failTraversal } from "./fail.js";
import { failureMessage, handlerContext, invokePlugin } from "./invoke-plugin.js";
import { lockRow } from "./locking.js";
import { deepEqual } from "./node-inputs.js";
import type { StepResult, UpdateRun } from "./node-run.js";
import { afterPatch, collectAttributes, createInputs, finish } from "./node-run.js";
import { lockedWrite, lockedWriteSpec } from "./row-writes.js";
import { unrecordedCreate } from "./unrecorded.js";

const traversal = (run: UpdateRun): string => run.graph.traversalId;

/** Create an INIT row, or resume an interrupted create whose lock was stolen. */
export async function createRow(run: UpdateRun, row: ResourceRow): Promise<StepResult> {
  const { env, stack } = run;
  const interrupted = row.action === "CREATE" && row.status === "IN_PROGRESS";
  const reason = interrupted ? "resuming interrupted create" : "state changed";
  const lock = await lockRow(
    env,
    stack.id,
    traversal(run),
    row,
    interrupted ? { statusReason: reason } : { action: "CREATE", status: "IN_PROGRESS", statusReason: reason, ...createInputs(run) },
    rowWriteEvent(env, stack, traversal(run), "CREATE", "IN_PROGRESS", reason),
  );
  if (lock.kind === "parked" || lock.kind === "superseded") return "done";
  if (lock.kind === "changed") return "again";
  return interrupted ? resumeCreate(run, lock.row, lock.stolenFrom) : freshCreate(run, lock.row);
}

/** A create of this traversal's inputs (a new row, or one whose interrupted create made nothing). */
async function freshCreate(run: UpdateRun, locked: ResourceRow): Promise<StepResult> {
  const { env, stack } = run;
  let physicalId: string;
  let attributes: Record<string, unknown>;
  const made: MadeResource = { id: null };
  try {
    const result = await callCreate({ env, stack, traversalId: traversal(run), row: locked, type: run.type, properties: run.properties }, made);
    physicalId = result.physicalId;
    attributes = await collectAttributes(run, locked, physicalId, result.attributes ?? {});
  } catch (error) {
    if (error instanceof FencedError && made.id !== null) {
      await unrecordedCreate({ env, stack, traversalId: traversal(run), row: locked, type: run.type, physicalId: made.id, properties: run.properties });
      return "done";
    }
    await failNode(env, stack, traversal(run), locked, "CREATE", failureMessage(error));
    return "done";
  }
  const patch: RowPatch = { action: "CREATE", status: "COMPLETE", statusReason: "state changed", physicalId, properties: run.properties, attributes };
  const write = lockedWriteSpec(env, stack.id, locked.id, patch, true);
  const refused = (now: ResourceRow | null): Promise<void> => unrecordedCreate({ env, stack, traversalId: traversal(run), row: locked, type: run.type, physicalId, properties: run.properties, now });
  return finish(run, afterPatch(locked, patch), write, rowWriteEvent(env, stack, traversal(run), "CREATE", "COMPLETE", "state changed"), refused);
}

/** Resume an interrupted create (the lock is ours): read, retry with the key, or replace. */
async function resumeCreate(target: UpdateRun, locked: ResourceRow, stolenFrom: string | null): Promise<StepResult> {
  // An interrupted create of another type (the template changed the type since, e.g. a
  // resource became a nested stack) resumes as the type it began as, with the inputs it began
  // with; once recorded, the next round replaces it by the target's type.
  const begun = locked.type === target.resource.type ? undefined : target.env.types.get(locked.type);
  const run: UpdateRun = begun === undefined ? target : { ...target, type: begun, resource: { ...target.resource, type: locked.type }, properties: locked.properties };
  const { env, stack, type } = run;
  const read = type.read?.bind(type);
  if (read !== undefined) {
    let found;
    try {
      found = await invokePlugin(env, { stack, traversalId: traversal(run), row: locked, type, handler: "read" }, (base) =>
        read(handlerContext(base, { physicalId: locked.physicalId, properties: locked.properties })),
      );
    } catch (error) {
      await failNode(env, stack, traversal(run), locked, "CREATE", failureMessage(error));
      return "done";
    }
    if (found.exists) return adopt(run, locked, found.physicalId, found, stolenFrom);
    // It never happened: this traversal's create, with this traversal's inputs.
    const fresh = await lockedWrite(env, stack.id, locked.id, createInputs(target), false);
    return fresh.ok ? freshCreate(target, fresh.row) : "done";
  }
  if (type.idempotentCreate === true) {
    // The same key and the properties the interrupted attempt used: this returns what that
    // attempt made, or makes exactly what it would have made.
    let recorded = locked.physicalId !== null;
    const made: MadeResource = { id: null };
    let result: CreateResult;
    try {
      const onRecorded = (): void => {
        recorded = true;
      };
      result = await callCreate({ env, stack, traversalId: traversal(run), row: locked, type, properties: locked.properties, onRecorded }, made);
    } catch (error) {
      if (error instanceof FencedError && made.id !== null) {
        await unrecordedCreate({ env, stack, traversalId: traversal(run), row: locked, type, physicalId: made.id, properties: locked.properties });
        return "done";
      }
      const message = failureMessage(error);
      if (recorded) {
        await failNode(env, stack, traversal(run), locked, "CREATE", message);
        return "done";
      }
      // The resource may exist and its id is still unknown: the row stays an interrupted
      // create (unlocked), so whatever checks it next retries again.
      const reason = `resuming the interrupted create failed: ${message}`;
      const kept = await lockedWrite(env, stack.id, locked.id, { statusReason: reason }, true, rowWriteEvent(env, stack, traversal(run), "CREATE", "IN_PROGRESS", reason));
      if (!kept.ok) return "done";
      await failTraversal(env, stack.id, traversal(run), `Resource CREATE failed: ${locked.name}: ${reason}`, locked.id);
      return "done";
    }
    return adopt(run, locked, result.physicalId, { ...result, properties: locked.properties }, stolenFrom, true);
  }
  const reason = `create interrupted (${describeLockHolder(stolenFrom)} stopped); ${type.type} has neither read nor an idempotent create, so the resource is replaced`;
  const marked = await lockedWrite(env, stack.id, locked.id, { status: "FAILED", statusReason: reason }, true, rowWriteEvent(env, stack, traversal(run), "CREATE", "FAILED", reason));
  return marked.ok ? "again" : "done";
}

/**
 * Record what an interrupted create made: CREATE_COMPLETE with the properties it was made
 * with (read back, or the recorded ones when they are this traversal's target), then decide
 * again. With its properties unknown it is FAILED, so it is replaced.
 */
async function adopt(
  run: UpdateRun,
  row: ResourceRow,
  physicalId: string,
  found: { readonly attributes?: Readonly<Record<string, unknown>> | undefined; readonly properties?: Readonly<Record<string, unknown>> | undefined },
  stolenFrom: string | null,
  madeHere = false,
): Promise<StepResult> {
  const { env, stack } = run;
  const known = found.properties ?? (deepEqual(row.properties, run.properties) ? run.properties : undefined);
  const reason =
    known === undefined
      ? `create interrupted (${describeLockHolder(stolenFrom)} stopped) with other inputs, and ${run.type.type} cannot report its properties, so the resource is replaced`
      : "resumed interrupted create";
  const attributes = { ...(found.attributes ?? {}) };
  const patch: RowPatch =
    known === undefined
      ? { action: "CREATE", status: "FAILED", statusReason: reason, physicalId, attributes }
      : { action: "CREATE", status: "COMPLETE", statusReason: reason, physicalId, properties: { ...known }, attributes };
  const event = rowWriteEvent(env, stack, traversal(run), "CREATE", known === undefined ? "FAILED" : "COMPLETE", reason);
  const written = await lockedWrite(env, stack.id, row.id, patch, true, event);
  // A resource this attempt's own create returned, that the row no longer lets it record.
  if (!written.ok && madeHere) await unrecordedCreate({ env, stack, traversalId: traversal(run), row, type: run.type, physicalId, properties: row.properties, now: written.row });
  return written.ok ? "again" : "done";
}
