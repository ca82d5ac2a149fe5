/**
 * The CHECK traversal (issue 13, Heat's `stack check`): one node per created row, all of them
 * leaves and roots (checks run in parallel), each reading its resource through `read` and
 * recording IN_SYNC / DRIFTED / MISSING / UNCHECKED on the row with a compare-and-set write
 * fused with its report. It creates, updates and deletes nothing, keeps the stack's template
 * ids, has no cleanup nodes and no completion sweep, and is superseded like any traversal.
 *
 * A row locked when its result is written (an attempt of an older traversal still at work on
 * it) is not waited for: it is reported `UNCHECKED` in this check's events and its stored
 * check fields are left as they were.
 */
import { errorMessage } from "../error-message.js";
import { AbortedError, FencedError } from "../errors.js";
import type { CheckMessage, CheckStatus, ResourceRow, RowPatch, StackRecord, TraversalGraph } from "../model/types.js";
import { nodeKey } from "../model/types.js";
import { randomUUID } from "../platform/node.js";
import { isActiveRow } from "./best-existing.js";
import type { CheckEnv } from "./env.js";
import { rowEvent, rowWriteEvent, stackEvent } from "./events.js";
import { failTraversal } from "./fail.js";
import type { Observation } from "./observe.js";
import { observeRow } from "./observe.js";
import { nodeMessage, nodeReported, propagate } from "./report.js";
import { casWriteSpec } from "./row-writes.js";
import type { TraversalEnv } from "./start-traversal.js";

/** Whether a row stands for something that exists (or existed) and so can be checked. */
export function isCheckableRow(row: ResourceRow): boolean {
  return isActiveRow(row) && row.action !== "INIT" && row.physicalId !== null;
}

/**
 * Start a CHECK traversal of `stack` (as read): CAS the stack to CHECK_IN_PROGRESS (same
 * template ids), store a graph of one independent node per checkable row and enqueue them
 * all (`reconciledDue`: the reconciliation run starting it). Returns the traversal id, or
 * null when the stack moved on meanwhile.
 */
export async function startCheck(env: TraversalEnv, previous: StackRecord, reconciledDue?: number): Promise<string | null> {
  const now = env.runtime.now();
  const traversalId = randomUUID();
  const reason = reconciledDue === undefined ? "Stack CHECK started" : `Stack CHECK started (reconcile due ${reconciledDue})`;
  const stack: StackRecord = {
    ...previous,
    converge: false,
    ...(reconciledDue === undefined ? {} : { reconciledDue }),
    currentTraversal: traversalId,
    action: "CHECK",
    status: "IN_PROGRESS",
    statusReason: reason,
    deadline: previous.options.timeoutMs === null ? null : now + previous.options.timeoutMs,
    updatedAt: now,
  };
  if (stack.deadline !== null) await env.runtime.schedule({ kind: "timeout", stackId: stack.id, traversalId }, stack.deadline);
  await env.runtime.schedule({ kind: "watchdog", stackId: stack.id, traversalId }, now + env.watchdogIntervalMs);
  if (!(await env.store.beginTraversal({ stackId: stack.id, expectedTraversal: previous.currentTraversal, stack }))) return null;
  await stackEvent(env, stack, traversalId, "CHECK", "IN_PROGRESS", reason);
  const rows = (await env.store.loadRows(stack.id)).filter(isCheckableRow);
  const keys = rows.map((row) => nodeKey("U", row.id));
  const graph: TraversalGraph = {
    traversalId,
    templateId: stack.templateId,
    nodes: Object.fromEntries(keys.map((key) => [key, { requires: [], requiredBy: [] }])),
    roots: keys,
    leaves: keys,
  };
  if (!(await env.store.installGraph({ stackId: stack.id, graph, newRows: [] }))) return traversalId;
  const messages: CheckMessage[] = keys.map((key) => nodeMessage(stack.id, traversalId, key));
  if (keys.length === 0) messages.push({ kind: "complete", stackId: stack.id, traversalId });
  await env.runtime.enqueue(messages);
  return traversalId;
}

/** The row status and event reason of an observation. */
export function checkResult(observation: Observation): { status: CheckStatus; reason: string; drifted: readonly string[] } {
  switch (observation.kind) {
    case "unchecked":
      return { status: "UNCHECKED", reason: "UNCHECKED: the type has no read", drifted: [] };
    case "missing":
      return { status: "MISSING", reason: "MISSING", drifted: [] };
    case "in_sync":
      return { status: "IN_SYNC", reason: "IN_SYNC", drifted: [] };
    case "drifted":
      return { status: "DRIFTED", reason: `DRIFTED: ${observation.properties.join(", ")}`, drifted: observation.properties };
  }
}

/** Check node `U:row` of a CHECK traversal: observe the row and record the result. */
export async function checkObserveNode(env: CheckEnv, stack: StackRecord, graph: TraversalGraph, first: ResourceRow): Promise<void> {
  const node = nodeKey("U", first.id);
  if (graph.nodes[node] === undefined || (await nodeReported(env, stack.id, graph, node))) return;
  let row: ResourceRow | null = first;
  for (let round = 0; row !== null && round < 4; round++) {
    const type = env.types.get(row.type);
    let observation: Observation;
    try {
      observation = type === undefined ? { kind: "unchecked" } : await observeRow(env, stack, graph.traversalId, row, type);
    } catch (error) {
      if (error instanceof AbortedError) return; // cancelled or superseded
      if (error instanceof FencedError) throw error;
      const message = errorMessage(error);
      return failTraversal(env, stack.id, graph.traversalId, `Resource ${row.name}: read failed: ${message}`);
    }
    const result = checkResult(observation);
    const reason = type === undefined ? `UNCHECKED: type "${row.type}" is not registered with engine ${env.engineId}` : result.reason;
    const patch: RowPatch = { checkStatus: result.status, driftedProperties: result.drifted, checkedAt: env.runtime.now() };
    const write = casWriteSpec(env, stack.id, graph.traversalId, row, patch);
    const event = rowWriteEvent(env, stack, graph.traversalId, "CHECK", "COMPLETE", reason);
    const reported = await propagate(env, { stackId: stack.id, graph, sender: node, payload: null, write, event });
    if (reported.kind !== "refused") return;
    if (reported.reason === "locked") {
      // Busy with an older traversal's live attempt: not checked this time, not waited for.
      await rowEvent(env, stack, row, rowWriteEvent(env, stack, graph.traversalId, "CHECK", "COMPLETE", `UNCHECKED: busy (locked by ${reported.row?.lockHolder ?? "another check"})`));
      await propagate(env, { stackId: stack.id, graph, sender: node, payload: null });
      return;
    }
    if (reported.reason !== "version") return; // superseded or gone
    row = await env.store.loadRow(stack.id, first.id);
  }
  // Changed under every observation: report it unchecked rather than spin.
  if (row !== null) await rowEvent(env, stack, row, rowWriteEvent(env, stack, graph.traversalId, "CHECK", "COMPLETE", "UNCHECKED: the row kept changing"));
  await propagate(env, { stackId: stack.id, graph, sender: node, payload: null });
}

/** Complete a CHECK traversal: mark the stack CHECK_COMPLETE, keeping its templates and rows. */
export async function completeCheck(env: CheckEnv, stack: StackRecord, graph: TraversalGraph): Promise<void> {
  const rows = (await env.store.loadRows(stack.id)).filter((row) => graph.nodes[nodeKey("U", row.id)] !== undefined);
  const count = (status: CheckStatus): number => rows.filter((row) => row.checkStatus === status && (row.checkedAt ?? 0) >= stack.updatedAt).length;
  const reason = `Stack CHECK completed: ${count("IN_SYNC")} in sync, ${count("DRIFTED")} drifted, ${count("MISSING")} missing, ${count("UNCHECKED")} unchecked`;
  const keep = [stack.templateId, ...(stack.prevTemplateId === null ? [] : [stack.prevTemplateId])];
  const done = await env.store.completeTraversal(stack.id, graph.traversalId, [], keep, {
    status: "COMPLETE",
    statusReason: reason,
    updatedAt: env.runtime.now(),
  });
  if (done) await stackEvent(env, stack, graph.traversalId, "CHECK", "COMPLETE", reason);
}
