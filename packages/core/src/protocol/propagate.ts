/**
 * Propagation (DESIGN.md section 4 step 5) and retriggering (section 6).
 */
import type { CheckMessage, NodeKey, SyncPayload, TraversalGraph } from "../model/types.js";
import { STACK_NODE, nodeKey, parseNodeKey } from "../model/types.js";
import type { NodeReportResult, RowWrite, RowWriteEvent } from "../runtime/contract.js";
import type { CheckEnv } from "./env.js";
import { loadGraph } from "./env.js";
import { reportNode, reportTargets, writeWithEvent } from "./fused-ops.js";

/** A node check message. */
export function nodeMessage(stackId: string, traversalId: string, key: NodeKey): CheckMessage {
  const { direction, rowId } = parseNodeKey(key);
  return { kind: "node", stackId, traversalId, rowId, direction };
}

/**
 * Report `sender`'s completion to its successors (cleanups first) and, for a root, to the
 * stack's completion point - after `write` (with its `event`), in one fused operation when
 * the runtime has it - and enqueue every target that became ready, in one batch. A
 * "gone" result means the traversal was superseded: the caller retriggers the row in the
 * newest traversal. A "refused" write reports nothing.
 */
export async function propagate(
  env: CheckEnv,
  stackId: string,
  graph: TraversalGraph,
  sender: NodeKey,
  payload: SyncPayload,
  write?: RowWrite,
  event?: RowWriteEvent,
): Promise<NodeReportResult> {
  if (graph.nodes[sender] === undefined) {
    // Not a node of this graph (cannot happen for a check of it): only the write is made.
    if (write === undefined) return { kind: "reported", ready: [] };
    const written = await writeWithEvent(env, write, event);
    return written.ok ? { kind: "reported", ready: [] } : { kind: "refused", reason: written.reason, row: written.row };
  }
  const result = await reportNode(env, {
    stackId,
    traversalId: graph.traversalId,
    sender,
    targets: reportTargets(graph, sender, payload),
    ...(write === undefined ? {} : { write }),
    ...(event === undefined ? {} : { event }),
  });
  if (result.kind === "reported" && result.ready.length > 0) {
    const ready = result.ready.map((node): CheckMessage =>
      node === STACK_NODE ? { kind: "complete", stackId, traversalId: graph.traversalId } : nodeMessage(stackId, graph.traversalId, node),
    );
    await env.runtime.enqueue(ready);
  }
  return result;
}

/**
 * Report cleanup node `C(rowId)` done (no data) after `write`, and retrigger the row in the
 * newest traversal when this one is gone. Returns the report's outcome.
 */
export async function reportCleanup(
  env: CheckEnv,
  stackId: string,
  graph: TraversalGraph,
  rowId: string,
  write?: RowWrite,
  event?: RowWriteEvent,
): Promise<NodeReportResult> {
  const result = await propagate(env, stackId, graph, nodeKey("C", rowId), null, write, event);
  if (result.kind === "gone") await retrigger(env, stackId, rowId);
  return result;
}

/**
 * Retrigger a row in the stack's newest traversal: report each of its nodes to itself and
 * fire the ones that are ready. A row with no node there re-fires the completion point (its
 * sweep may have been waiting for the row's lock).
 */
export async function retrigger(env: CheckEnv, stackId: string, rowId: string): Promise<void> {
  const stack = await env.store.loadStack(stackId);
  if (stack === null || stack.status !== "IN_PROGRESS") return;
  const graph = await loadGraph(env, stackId, stack.currentTraversal);
  if (graph === null) return;
  const ready: CheckMessage[] = [];
  let found = false;
  for (const key of [nodeKey("C", rowId), nodeKey("U", rowId)]) {
    const node = graph.nodes[key];
    if (node === undefined) continue;
    found = true;
    const result = await env.store.syncMerge(
      stackId,
      graph.traversalId,
      key,
      key,
      null,
      false,
      node.requires.length,
    );
    if (result === "ready") ready.push(nodeMessage(stackId, graph.traversalId, key));
  }
  if (!found) {
    const result = await env.store.syncMerge(
      stackId,
      graph.traversalId,
      STACK_NODE,
      STACK_NODE,
      null,
      false,
      graph.roots.length,
    );
    if (result === "ready") ready.push({ kind: "complete", stackId, traversalId: graph.traversalId });
  }
  if (ready.length > 0) await env.runtime.enqueue(ready);
}
