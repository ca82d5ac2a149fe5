/**
 * The operations of an update node: in-place update, no-change write and replacement
 * (create-before-delete); creates are in `create-row.ts`. Each returns what the node's
 * decision loop does next.
 */
import { FencedError, UpdateReplace } from "../errors.js";
import type { NodeKey, NodePayload, ResourceRow, RowPatch, StackRecord, TraversalGraph } from "../model/types.js";
import type { AnyResourceType } from "../plugin/types.js";
import { referenceIdOf } from "../plugin/reference-id.js";
import type { CompiledResource } from "../template/types.js";
import { ownValue, setOwn } from "../template/plain-data.js";
import type { RowWrite, RowWriteEvent } from "../runtime/contract.js";
import type { CheckEnv } from "./env.js";
import { rowEvent } from "./env.js";
import { failNode } from "./fail.js";
import { rowWriteEvent } from "./fused-ops.js";
import { failureMessage, invokePlugin } from "./invoke-plugin.js";
import { unrecordedUpdate } from "./unrecorded.js";
import type { Observation } from "./observe.js";
import { casWriteSpec, lockRow, lockedWrite, lockedWriteSpec } from "./locking.js";
import { nodeMessage, propagate, retrigger } from "./propagate.js";

/** Everything an update node's operations share. */
export interface UpdateRun {
  readonly env: CheckEnv;
  readonly stack: StackRecord;
  readonly graph: TraversalGraph;
  /** The graph node being checked (the impersonated one for a replacement). */
  readonly node: NodeKey;
  readonly resource: CompiledResource;
  readonly type: AnyResourceType;
  /** Resolved, validated properties. */
  readonly properties: Record<string, unknown>;
  /** Row ids the resolved properties came from. */
  readonly requires: string[];
  /** Attribute names the target template reads from this resource. */
  readonly attributeRefs: readonly string[];
  /** Converge: what reality looked like, per row id, observed once per node check. */
  readonly observations?: Map<string, Observation>;
  /** Converge: what the resource is (observed), given to `update` as its old properties. */
  readonly oldProperties?: Readonly<Record<string, unknown>>;
  /** Converge: the check fields the completing write records (the resource was observed). */
  readonly checked?: RowPatch;
}

/** What the decision loop does after an operation. */
export type StepResult = "done" | "again";

const traversal = (run: UpdateRun): string => run.graph.traversalId;

/**
 * Report the node done with the data of `row` - the row as `write` (when given, made in the
 * same fused operation) leaves it - and retrigger the row if the traversal is gone. A
 * refused compare-and-set write (the row changed) decides again; a refused locked write
 * (the lock was stolen) stops - after `onLost` (given the row as it now is) deals with what
 * the plugin call did that cannot be recorded.
 */
export async function finish(run: UpdateRun, row: ResourceRow, write?: RowWrite, event?: RowWriteEvent, onLost?: (now: ResourceRow | null) => Promise<void>): Promise<StepResult> {
  const payload: NodePayload = {
    rowId: row.id,
    name: row.name,
    refId: referenceIdOf(run.type, row.physicalId, row.attributes),
    attributes: pick(row.attributes, run.attributeRefs),
  };
  const result = await propagate(run.env, run.stack.id, run.graph, run.node, payload, write, event);
  if (result.kind === "refused") {
    const changed = write?.ifVersion !== undefined && (result.reason === "version" || result.reason === "locked");
    if (!changed) await onLost?.(result.row);
    return changed ? "again" : "done";
  }
  if (result.kind === "gone") await retrigger(run.env, run.stack.id, row.id);
  return "done";
}

/** `row` as a write of `patch` leaves it (the fields a node reports). */
export function afterPatch(row: ResourceRow, patch: RowPatch): ResourceRow {
  return { ...row, ...patch };
}

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
  const update = run.type.update?.bind(run.type);
  let attributes: Record<string, unknown>;
  let updated = false;
  try {
    if (update === undefined || locked.physicalId === null) throw new UpdateReplace("cannot update in place");
    const physicalId = locked.physicalId;
    const result = await invokePlugin(env, stack, traversal(run), locked, run.type, "update", (base) =>
      update({ ...base, physicalId, properties: run.properties, oldProperties: run.oldProperties ?? locked.properties, changed, attributes: locked.attributes }),
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
      unrecordedUpdate(env, stack, locked, error.message);
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
  const lost = async (now: ResourceRow | null): Promise<void> => unrecordedUpdate(env, stack, locked, `row held by ${now?.lockHolder ?? "nobody"}`);
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
    await rowEvent(env, stack, traversal(run), row, row.action, row.status, `replacement ${result.row.id} made: ${reason}`);
  }
  await env.runtime.enqueue([nodeMessage(stack.id, traversal(run), `U:${result.row.id}`)]);
  return "done";
}

/** Attribute values to cache: what the plugin returned plus referenced ones fetched. */
export async function collectAttributes(
  run: UpdateRun,
  row: ResourceRow,
  physicalId: string,
  provided: Readonly<Record<string, unknown>>,
  locked = true,
): Promise<Record<string, unknown>> {
  const attributes: Record<string, unknown> = { ...provided };
  const getAttribute = run.type.getAttribute?.bind(run.type);
  for (const name of run.attributeRefs) {
    if (Object.prototype.hasOwnProperty.call(attributes, name)) continue;
    const value =
      getAttribute === undefined
        ? null
        : await invokePlugin(run.env, run.stack, traversal(run), row, run.type, "getAttribute", (base) =>
            getAttribute({ ...base, physicalId, properties: run.properties }, name),
            { locked },
          );
    setOwn(attributes, name, value);
  }
  return attributes;
}

function pick(values: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) setOwn(out, name, ownValue(values, name) ?? null);
  return out;
}
