/**
 * Propagation (DESIGN.md section 4 step 5) and retriggering (section 6).
 */
import type { CheckMessage, NodeKey, SyncPayload, TraversalGraph } from "../model/types.js";
import { STACK_NODE, nodeKey, parseNodeKey } from "../model/types.js";
import type { CheckEnv } from "./env.js";
import { loadGraph } from "./env.js";

/** A node check message. */
export function nodeMessage(stackId: string, traversalId: string, key: NodeKey): CheckMessage {
  const { direction, rowId } = parseNodeKey(key);
  return { kind: "node", stackId, traversalId, rowId, direction };
}

/**
 * Report `sender`'s completion to its successors (cleanups first) and, for a root, to the
 * stack's completion point; enqueue every successor that became ready, in one batch.
 * Returns false when the traversal is gone (superseded): the caller retriggers the row in the
 * newest traversal.
 */
export async function propagate(
  env: CheckEnv,
  stackId: string,
  graph: TraversalGraph,
  sender: NodeKey,
  payload: SyncPayload,
): Promise<boolean> {
  const node = graph.nodes[sender];
  if (node === undefined) return true;
  const ready: CheckMessage[] = [];
  const successors = reportOrder(node.requiredBy);
  for (const successor of successors) {
    const target = graph.nodes[successor];
    if (target === undefined) continue;
    const data = successor.startsWith("C:") ? null : payload;
    const result = await env.store.syncMerge(
      stackId,
      graph.traversalId,
      successor,
      sender,
      data,
      true,
      target.requires.length,
    );
    if (result === "gone") return false;
    if (result === "ready") ready.push(nodeMessage(stackId, graph.traversalId, successor));
  }
  if (node.requiredBy.length === 0) {
    const result = await env.store.syncMerge(
      stackId,
      graph.traversalId,
      STACK_NODE,
      sender,
      null,
      true,
      graph.roots.length,
    );
    if (result === "gone") return false;
    if (result === "ready") ready.push({ kind: "complete", stackId, traversalId: graph.traversalId });
  }
  if (ready.length > 0) await env.runtime.enqueue(ready);
  return true;
}

/** The order in which a node reports to its successors: cleanups first, then updates. */
function reportOrder(requiredBy: readonly NodeKey[]): NodeKey[] {
  return [...requiredBy].sort((a, b) => (a[0] === b[0] ? 0 : a[0] === "C" ? -1 : 1));
}

/**
 * True when `key` already reported in this traversal: its last successor in report order (or
 * the stack's completion point, for a root) holds its entry, and reports are merged in that
 * order. A check of such a node is a duplicate (at-least-once delivery) and must not report
 * again: every report fires the successors again, and along a dense graph those re-fires
 * multiply into an exponential number of checks. One O(1) read per check (not a read of the
 * whole sync point: the completion point of a wide stack holds an entry per root).
 */
export async function alreadyReported(env: CheckEnv, stackId: string, graph: TraversalGraph, key: NodeKey): Promise<boolean> {
  const node = graph.nodes[key];
  if (node === undefined) return false;
  const last = node.requiredBy.length === 0 ? STACK_NODE : (reportOrder(node.requiredBy).at(-1) as NodeKey);
  return env.store.syncHas(stackId, graph.traversalId, last, key);
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
