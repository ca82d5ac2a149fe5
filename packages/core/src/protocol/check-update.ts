/**
 * The update node check (DESIGN.md section 4 step 3): resolve the row's properties from its
 * sync point, then create, update in place, replace or record "no change".
 */
import { AbortedError } from "../errors.js";
import type { NodeKey, ResourceRow, StackRecord, TraversalGraph } from "../model/types.js";
import { nodeKey } from "../model/types.js";
import { describeLockHolder } from "../runtime/lock-holder.js";
import { createRow } from "./create-row.js";
import { loadTemplate } from "./engine-cache.js";
import type { CheckEnv } from "./env.js";
import { rowEvent, rowWriteEvent } from "./events.js";
import { failTraversal } from "./fail.js";
import { importRow, importsRow } from "./import-row.js";
import { failureMessage } from "./invoke-plugin.js";
import { holderState, lockRow } from "./locking.js";
import { changedProperties, collectInputs, resolveProperties } from "./node-inputs.js";
import type { StepResult, UpdateRun } from "./node-run.js";
import { runRounds } from "./node-run.js";
import { observeRow } from "./observe.js";
import { nodeMessage, nodeReported, retrigger } from "./report.js";
import { casWrite, lockedWrite } from "./row-writes.js";
import { noChange, replaceRow, updateRow } from "./update-ops.js";

/**
 * The graph node a row's update check stands for: its own, or - for a replacement made in
 * this traversal - the node of the row it replaces (which it impersonates). A replacement
 * may itself be replaced in the same traversal (its create failed or was interrupted), so
 * the `replaces` chain is followed back through rows made in this traversal.
 */
export async function updateNodeOf(env: CheckEnv, stackId: string, graph: TraversalGraph, row: ResourceRow): Promise<NodeKey | null> {
  let current: ResourceRow | null = row;
  for (let hops = 0; current !== null && hops < 16; hops++) {
    const own = nodeKey("U", current.id);
    if (graph.nodes[own] !== undefined) return own;
    if (current.replaces === null || current.createdTraversal !== graph.traversalId) return null;
    current = await env.store.loadRow(stackId, current.replaces);
  }
  return null;
}

/** Check the update node of `row` in the stack's current traversal. */
export async function checkUpdateNode(env: CheckEnv, stack: StackRecord, graph: TraversalGraph, first: ResourceRow): Promise<void> {
  // The row's own node (the common case) is known without a read.
  const own = nodeKey("U", first.id);
  const ownSpec = graph.nodes[own];
  const node = ownSpec !== undefined ? own : await updateNodeOf(env, stack.id, graph, first);
  if (node === null) return;
  const spec = node === own ? ownSpec : graph.nodes[node];
  const sync = await env.store.readSync(stack.id, graph.traversalId, node);
  if (sync === null) return retrigger(env, stack.id, first.id);
  const inputs = collectInputs(graph, node, sync, spec);
  if (inputs === null || (await nodeReported(env, stack.id, graph, node, spec))) return;
  const cached = loadTemplate(env, stack.id, graph.templateId);
  const template = cached instanceof Promise ? await cached : cached;
  const resource = template?.resources[first.name];
  if (template === null || resource === undefined) return;
  const type = env.types.get(resource.type);
  if (type === undefined) {
    const known = env.types.names().join(", ");
    return failTraversal(env, stack.id, graph.traversalId, `Resource ${first.name}: type "${resource.type}" is not registered with engine ${env.engineId} (known: ${known})`, first.id);
  }
  const resolved = resolveProperties(resource, type, inputs);
  if (!resolved.ok) {
    return failTraversal(env, stack.id, graph.traversalId, `Resource ${first.name}: ${resolved.message}`, first.id);
  }
  const run: UpdateRun = {
    // Only a converging update observes (once per node check).
    ...(stack.converge === true ? { observations: new Map() } : {}),
    env,
    stack,
    graph,
    node,
    resource,
    type,
    properties: resolved.properties,
    requires: resolved.requires,
    attributeRefs: template.attributeRefs[first.name] ?? [],
  };
  await runRounds(env, stack, graph, first, nodeKey("U", first.id), (row) => (row === null ? Promise.resolve("done") : decide(run, row)));
}

async function decide(run: UpdateRun, row: ResourceRow): Promise<StepResult> {
  const { env, stack, graph } = run;
  const held = holderState(env, stack.id, row);
  const holder = typeof held === "string" ? held : await held;
  if (holder === "alive") return "done"; // parked: the holder retriggers the row when it is done
  if (row.action === "INIT" || (row.action === "CREATE" && row.status === "IN_PROGRESS")) {
    return run.resource.externalId !== undefined && (await importsRow(run, row)) ? importRow(run, row) : createRow(run, row);
  }
  if (row.replacedBy !== null) {
    const replacement = await env.store.loadRow(stack.id, row.replacedBy);
    if (replacement !== null && replacement.createdTraversal === graph.traversalId) {
      // A duplicate of this node after it replaced the row (W-B): re-fire the replacement.
      await env.runtime.enqueue([nodeMessage(stack.id, graph.traversalId, nodeKey("U", replacement.id))]);
      return "done";
    }
  }
  if (row.status === "IN_PROGRESS" && row.action === "UPDATE") {
    const changed = changedProperties(row.properties, run.properties);
    // Another type (the template changed it, e.g. a resource became a nested stack) is never
    // updated in place: an interrupted update of the old type is marked FAILED, then replaced.
    const inPlace = row.type === run.resource.type && changed.every((p) => run.type.isUpdatable(p));
    // An interrupted update: updates set the desired state, so re-apply it. If the new target
    // needs a replacement instead, the row is marked FAILED (and unlocked) first: a row still
    // locked by the dead engine cannot be replaced.
    return inPlace ? updateRow(run, row, reapplied(run, row, changed)) : markInterrupted(run, row);
  }
  if (row.status === "IN_PROGRESS" || holder === "dead") return markInterrupted(run, row);
  if (row.status === "FAILED") return replaceRow(run, row, `previous ${row.action.toLowerCase()} failed`);
  // Chosen while an older traversal was deleting it (the only row of its name), and the
  // delete finished first: the resource is gone, so it must be made again.
  if (row.action === "DELETE") return replaceRow(run, row, "the resource was deleted");
  if (row.type !== run.resource.type) return replaceRow(run, row, `type changed from ${row.type} to ${run.resource.type}`);
  if (run.stack.converge === true && run.type.read !== undefined) return converge(run, row);
  return settle(run, row, row.properties);
}

/**
 * Decide between no change, update in place and replacement of a settled row, from `current`
 * - what the resource is (its recorded properties, or what a converge observed).
 */
function settle(run: UpdateRun, row: ResourceRow, current: Readonly<Record<string, unknown>>): Promise<StepResult> {
  const changed = changedProperties(current, run.properties);
  const inPlace = changed.every((p) => run.type.isUpdatable(p));
  const verdict = run.type.diff?.(current, run.properties) ?? (changed.length === 0 ? "none" : "update");
  if (verdict === "none") return noChange(run, row);
  if (verdict === "replace" || !inPlace) {
    const fixed = changed.filter((p) => !run.type.isUpdatable(p));
    return replaceRow(run, row, fixed.length > 0 ? `properties ${fixed.join(", ")} cannot change in place` : "the type asked for replacement");
  }
  return updateRow(run, row, changed);
}

/**
 * A converging update (`updateStack(..., { converge: true })`) reads reality before deciding
 * (once per node check): a missing resource is replaced (create-before-delete; the old row's
 * delete finds it gone), a drifted one is updated back (or replaced, by the type's rules)
 * even when the template did not change. The row records the observation as IN_SYNC once
 * converged. A read that fails fails the node's traversal.
 */
async function converge(run: UpdateRun, row: ResourceRow): Promise<StepResult> {
  const { env, stack, graph } = run;
  let observation = run.observations?.get(row.id);
  if (observation === undefined) {
    try {
      observation = await observeRow(env, stack, graph.traversalId, row, run.type);
    } catch (error) {
      if (error instanceof AbortedError) return "done";
      await failTraversal(env, stack.id, graph.traversalId, `Resource ${row.name}: read failed: ${failureMessage(error)}`, row.id);
      return "done";
    }
    run.observations?.set(row.id, observation);
    const drift = observation.kind === "missing" ? "MISSING" : observation.kind === "drifted" ? `DRIFTED: ${observation.properties.join(", ")}` : null;
    if (drift !== null) await rowEvent(env, stack, row, rowWriteEvent(env, stack, graph.traversalId, "CHECK", "COMPLETE", `${drift} (converging)`));
  }
  if (observation.kind === "missing") return markGone(run, row);
  if (observation.kind === "unchecked") return settle(run, row, row.properties);
  const checked: UpdateRun = {
    ...run,
    checked: { checkStatus: "IN_SYNC", driftedProperties: [], checkedAt: env.runtime.now() },
    ...(observation.kind === "drifted" ? { oldProperties: observation.observed } : {}),
  };
  return settle(checked, row, observation.observed);
}

/**
 * The resource of `row` was observed missing: record the row DELETE_COMPLETE (no delete call:
 * a delete of a resource whose id comes from its properties would remove the replacement
 * made next) and decide again, which replaces it as a row whose resource was deleted.
 */
async function markGone(run: UpdateRun, row: ResourceRow): Promise<StepResult> {
  const reason = "the resource is missing (found by converge)";
  const patch = { action: "DELETE", status: "COMPLETE", statusReason: reason, checkStatus: "MISSING", driftedProperties: [], checkedAt: run.env.runtime.now() } as const;
  const event = rowWriteEvent(run.env, run.stack, run.graph.traversalId, "DELETE", "COMPLETE", reason);
  const written = await casWrite(run.env, run.stack.id, run.graph.traversalId, row, patch, event);
  return written.ok || written.reason === "version" || written.reason === "locked" ? "again" : "done";
}

/** A row left IN_PROGRESS (or locked) by a dead engine in another action: mark it FAILED. */
async function markInterrupted(run: UpdateRun, row: ResourceRow): Promise<StepResult> {
  const reason = `${row.action.toLowerCase()} interrupted: ${describeLockHolder(row.lockHolder)} stopped (its engine died or its check ended)`;
  const failed = row.status === "IN_PROGRESS";
  const lock = await lockRow(run.env, run.stack.id, run.graph.traversalId, row, failed ? { status: "FAILED", statusReason: reason } : {});
  if (lock.kind !== "locked") return lock.kind === "changed" ? "again" : "done";
  const event = failed ? rowWriteEvent(run.env, run.stack, run.graph.traversalId, row.action, "FAILED", reason) : undefined;
  const released = await lockedWrite(run.env, run.stack.id, row.id, {}, true, event);
  return released.ok ? "again" : "done";
}

/**
 * What an interrupted update re-applies: the interrupted attempt may have changed any
 * property it could change in place, so every updatable property counts as changed (never
 * a replace-on-change one: an in-place update cannot have touched those).
 */
function reapplied(run: UpdateRun, row: ResourceRow, changed: readonly string[]): string[] {
  const keys = new Set([...changed, ...Object.keys(row.properties), ...Object.keys(run.properties)]);
  return [...keys].filter((p) => run.type.isUpdatable(p)).sort();
}
