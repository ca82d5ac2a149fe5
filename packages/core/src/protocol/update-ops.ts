/**
 * The operations of an update node on a created row: in-place update, no-change write and
 * replacement (create-before-delete); creates are `create-row.ts`, imports `import-row.ts`.
 * Each returns what the node's decision loop (`node-run.ts`) does next.
 */
import { FencedError, UpdateReplace } from "../errors.js";
import type { ResourceRow, RowPatch } from "../model/types.js";
import { nodeKey } from "../model/types.js";
import { rowEvent, rowWriteEvent } from "./events.js";
import { failNode } from "./fail.js";
import { failureMessage, handlerContext, invokePlugin } from "./invoke-plugin.js";
import { lockRow } from "./locking.js";
import type { StepResult, UpdateRun } from "./node-run.js";
import { afterPatch, collectAttributes, finish } from "./node-run.js";
import { nodeMessage } from "./report.js";
import { casWriteSpec, lockedWrite, lockedWriteSpec } from "./row-writes.js";
import { lateUpdate } from "./late-update.js";

const traversal = (run: UpdateRun): string => run.graph.traversalId;

/**
 * Update a row in place (forced for an interrupted update, which is re-applied). When the
 * plugin answers UpdateReplace, the row is replaced instead.
 */
export async function updateRow(run: UpdateRun, row: ResourceRow, changed: string[]): Promise<StepResult> {
  const { env, stack } = run;
  // An interrupted update left the resource in an unknown state: if it is replaced after
  // all, the row is FAILED rather than back to IN_PROGRESS with no one running it.
  const interrupted = row.status === "IN_PROGRESS";
  const previous = interrupted ? { action: row.action, status: "FAILED" as const } : { action: row.action, status: row.status };
  const lock = await lockRow(
    env,
    stack.id,
    traversal(run),
    row,
    { action: "UPDATE", status: "IN_PROGRESS", statusReason: "state changed", requires: [...new Set([...row.requires, ...run.requires])].sort() },
    rowWriteEvent(env, stack, traversal(run), "UPDATE", "IN_PROGRESS", "state changed"),
  );
  if (lock.kind === "parked" || lock.kind === "superseded") return "done";
  if (lock.kind === "changed") return "again";
  const locked = lock.row;
  // The update was applied and could not be recorded (the row was taken over meanwhile).
  const late = (why: string): Promise<void> => lateUpdate({ env, stack, traversalId: traversal(run), row: locked, type: run.type, applied: run.properties, why });
  const update = run.type.update?.bind(run.type);
  let attributes: Record<string, unknown>;
  let updated = false;
  try {
    if (update === undefined || locked.physicalId === null) throw new UpdateReplace("cannot update in place");
    const physicalId = locked.physicalId;
    const result = await invokePlugin(env, { stack, traversalId: traversal(run), row: locked, type: run.type, handler: "update" }, (base) =>
      update(handlerContext(base, { physicalId, properties: run.properties, oldProperties: run.oldProperties ?? locked.properties, changed, attributes: locked.attributes })),
    );
    updated = true;
    attributes = await collectAttributes(run, locked, physicalId, { ...locked.attributes, ...(result?.attributes ?? {}) });
  } catch (error) {
    if (error instanceof UpdateReplace) {
      // Deciding again would choose the same in-place update: replace now.
      const back = await lockedWrite(env, stack.id, locked.id, { ...previous, statusReason: error.message }, true);
      return back.ok ? replaceRow(run, back.row, `the type asked for replacement: ${error.message}`) : "done";
    }
    if (error instanceof FencedError && updated) {
      await late(error.message);
      return "done";
    }
    await failNode(env, stack, traversal(run), locked, "UPDATE", failureMessage(error));
    return "done";
  }
  const patch: RowPatch = {
    action: "UPDATE",
    status: "COMPLETE",
    statusReason: "state changed",
    properties: run.properties,
    attributes,
    requires: run.requires,
    templateId: run.graph.templateId,
    replacedBy: null,
    deletionPolicy: run.resource.deletionPolicy,
    ...run.checked,
  };
  const write = lockedWriteSpec(env, stack.id, locked.id, patch, true);
  const lost = (now: ResourceRow | null): Promise<void> => late(`row held by ${now?.lockHolder ?? "nobody"}`);
  return finish(run, afterPatch(locked, patch), write, rowWriteEvent(env, stack, traversal(run), "UPDATE", "COMPLETE", "state changed"), lost);
}

/** No change: record the new template and `requires` (W-A) without calling the plugin. */
export async function noChange(run: UpdateRun, row: ResourceRow): Promise<StepResult> {
  const missing = run.attributeRefs.filter((a) => !Object.prototype.hasOwnProperty.call(row.attributes, a));
  let attributes = row.attributes;
  if (missing.length > 0 && row.physicalId !== null && run.type.getAttribute !== undefined) {
    try {
      attributes = await collectAttributes(run, row, row.physicalId, row.attributes, false);
    } catch {
      attributes = row.attributes;
    }
  }
  const patch: RowPatch = {
    templateId: run.graph.templateId,
    requires: run.requires,
    replacedBy: null,
    deletionPolicy: run.resource.deletionPolicy,
    attributes,
    ...run.checked,
  };
  return finish(run, afterPatch(row, patch), casWriteSpec(run.env, run.stack.id, traversal(run), row, patch));
}

/**
 * Replace: atomically and idempotently make the replacement row (W-B) and enqueue its
 * create in this traversal. The replacement reports as this node when it completes.
 */
export async function replaceRow(run: UpdateRun, row: ResourceRow, reason: string): Promise<StepResult> {
  const { env, stack } = run;
  const now = env.runtime.now();
  const result = await env.store.createReplacement(stack.id, row.id, traversal(run), row.version, {
    name: row.name,
    type: run.resource.type,
    templateId: run.graph.templateId,
    physicalId: null,
    properties: {},
    attributes: {},
    action: "INIT",
    status: "COMPLETE",
    statusReason: `replaces ${row.id}: ${reason}`,
    requires: run.requires,
    replaces: row.id,
    replacedBy: null,
    createdTraversal: traversal(run),
    deletionPolicy: run.resource.deletionPolicy,
    updatedAt: now,
  });
  if (!result.ok) return result.reason === "version" || result.reason === "locked" ? "again" : "done";
  if (result.created) {
    await rowEvent(env, stack, row, rowWriteEvent(env, stack, traversal(run), row.action, row.status, `replacement ${result.row.id} made: ${reason}`));
  }
  await env.runtime.enqueue([nodeMessage(stack.id, traversal(run), nodeKey("U", result.row.id))]);
  return "done";
}
