/**
 * One node run, shared by the update node's operations (create, import, update, replace,
 * no change) and by the cleanup node: the run's inputs (`UpdateRun`), the decision loop that
 * re-reads the row until a step is done (`runRounds`), the report of a node that is done
 * (`finish`), the inputs a create records (`createInputs`) and the attributes a node caches
 * for its successors (`collectAttributes`).
 */
import type { NodeKey, NodePayload, ResourceRow, RowPatch, StackRecord, TraversalGraph } from "../model/types.js";
import { referenceIdOf } from "../plugin/reference-id.js";
import type { AnyResourceType } from "../plugin/types.js";
import type { RowWrite, RowWriteEvent } from "../runtime/contract.js";
import { ownValue, setOwn } from "../template/plain-data.js";
import type { CompiledResource } from "../template/types.js";
import type { CheckEnv } from "./env.js";
import { handlerContext, invokePlugin } from "./invoke-plugin.js";
import type { Observation } from "./observe.js";
import { nodeMessage, propagate, retrigger } from "./report.js";

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

/** What this traversal creates the row with. */
export function createInputs(run: UpdateRun): RowPatch {
  return {
    properties: run.properties,
    requires: run.requires,
    templateId: run.graph.templateId,
    type: run.resource.type,
    deletionPolicy: run.resource.deletionPolicy,
  };
}

/** Rounds of a node's decision loop before it yields to persistent contention. */
const MAX_ROUNDS = 8;

/**
 * The decision loop of a node check: `step` the row as read first, then as re-read (null:
 * gone) while a step answers "again" (a write raced, or a state was recorded to decide on).
 * After {@link MAX_ROUNDS} rounds of contention, `requeue` is enqueued to try again later.
 */
export async function runRounds(
  env: CheckEnv,
  stack: StackRecord,
  graph: TraversalGraph,
  first: ResourceRow,
  requeue: NodeKey,
  step: (row: ResourceRow | null) => Promise<StepResult>,
): Promise<void> {
  let row: ResourceRow | null = first;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (round > 0) row = await env.store.loadRow(stack.id, first.id);
    if ((await step(row)) === "done") return;
  }
  await env.runtime.enqueue([nodeMessage(stack.id, graph.traversalId, requeue)]);
}

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
  const result = await propagate(run.env, { stackId: run.stack.id, graph: run.graph, sender: run.node, payload, write, event });
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
        : await invokePlugin(run.env, { stack: run.stack, traversalId: run.graph.traversalId, row, type: run.type, handler: "getAttribute" }, (base) =>
            getAttribute(handlerContext(base, { physicalId, properties: run.properties }), name),
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
