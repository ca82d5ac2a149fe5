/**
 * Reports (DESIGN.md section 4 step 5, section 6): how a node that is done tells its
 * successors, and how a row is retriggered in the newest traversal.
 *
 * - `reportTargets`: where a node reports - its successors (cleanups first) and, for a root,
 *   the stack's completion point.
 * - `propagate`: the node's final write (with its event) and every merge, as one fused
 *   runtime operation (`store.reportNode`) or composed from `writeRow` + `syncMerge`; the
 *   targets that became ready are enqueued in one batch.
 * - `nodeReported`: the duplicate test - a node that already reported does nothing again.
 * - `retrigger`: a row whose traversal is gone (or whose lock was released) reports each of
 *   its nodes in the newest traversal to itself, which fires the ready ones.
 */
import type { CheckMessage, GraphNode, NodeKey, SyncKey, SyncPayload, TraversalGraph } from "../model/types.js";
import { STACK_NODE, isCleanupKey, nodeKey, parseNodeKey } from "../model/types.js";
import type { NodeReport, NodeReportResult, ReportTarget, RowWrite, RowWriteEvent, RuntimeStore, SyncResult } from "../runtime/contract.js";
import { loadGraph } from "./engine-cache.js";
import type { CheckEnv } from "./env.js";
import { writeWithEvent } from "./row-writes.js";

/** What the store operations below use of a check's environment. */
type StoreEnv = { readonly store: RuntimeStore };

/** A node check message. */
export function nodeMessage(stackId: string, traversalId: string, key: NodeKey): CheckMessage {
  const { direction, rowId } = parseNodeKey(key);
  return { kind: "node", stackId, traversalId, rowId, direction };
}

/** The order in which a node reports to its successors: cleanups first, then updates. */
function reportOrder(requiredBy: readonly NodeKey[]): readonly NodeKey[] {
  // A graph built by `buildTraversalGraph` stores them in that order: no copy then (a graph
  // stored by an older version may not).
  let updates = false;
  let ordered = true;
  for (const key of requiredBy) {
    if (!isCleanupKey(key)) updates = true;
    else if (updates) ordered = false;
  }
  if (ordered) return requiredBy;
  return [...requiredBy].sort((a, b) => (isCleanupKey(a) === isCleanupKey(b) ? 0 : isCleanupKey(a) ? -1 : 1));
}

/**
 * Where `sender` reports, in order: its successors (cleanups first; a cleanup gets no data)
 * and, for a root, the stack's completion point.
 */
export function reportTargets(graph: TraversalGraph, sender: NodeKey, payload: SyncPayload): ReportTarget[] {
  const node = graph.nodes[sender];
  return node === undefined ? [] : targetsOf(graph, node, payload);
}

/** {@link reportTargets} of a node already looked up. */
function targetsOf(graph: TraversalGraph, node: GraphNode, payload: SyncPayload): ReportTarget[] {
  const targets: ReportTarget[] = [];
  for (const successor of reportOrder(node.requiredBy)) {
    const target = graph.nodes[successor];
    if (target === undefined) continue;
    targets.push({ node: successor, required: target.requires.length, payload: isCleanupKey(successor) ? null : payload });
  }
  if (node.requiredBy.length === 0) targets.push({ node: STACK_NODE, required: graph.roots.length, payload: null });
  return targets;
}

/** One merge into a sync point (the named form of `RuntimeStore.syncMerge`'s arguments). */
export interface SyncMerge {
  readonly stackId: string;
  readonly traversalId: string;
  /** The sync point merged into. */
  readonly target: SyncKey;
  /** Who reports (a node reporting to itself: a retrigger). */
  readonly sender: SyncKey;
  readonly payload: SyncPayload;
  /** Whether a new entry counts toward `required` (a retrigger's self-report does not). */
  readonly counted: boolean;
  /** Entries the target needs to be ready. */
  readonly required: number;
}

/** Merge `merge.sender`'s entry into `merge.target`'s sync point: ready, waiting, or gone. */
export function mergeSync(env: StoreEnv, merge: SyncMerge): Promise<SyncResult> {
  return env.store.syncMerge({ stackId: merge.stackId, traversalId: merge.traversalId, node: merge.target, sender: merge.sender, payload: merge.payload, counted: merge.counted, required: merge.required });
}

/**
 * Report a node (fused when the runtime has `reportNode`): the write with its event, then
 * the merges in order. Composed, a merge that finds the traversal gone stops the report.
 */
export function reportNode(env: StoreEnv, report: NodeReport): Promise<NodeReportResult> {
  // The fused operation's promise as it is (no async wrapper: this runs for every check).
  return env.store.reportNode !== undefined ? env.store.reportNode(report) : composedReport(env, report);
}

async function composedReport(env: StoreEnv, report: NodeReport): Promise<NodeReportResult> {
  if (report.write !== undefined) {
    const written = await writeWithEvent(env, report.write, report.event);
    if (!written.ok) return { kind: "refused", reason: written.reason, row: written.row };
  }
  const ready: SyncKey[] = [];
  for (const target of report.targets) {
    const { stackId, traversalId, sender } = report;
    const result = await mergeSync(env, { stackId, traversalId, target: target.node, sender, payload: target.payload, counted: true, required: target.required });
    if (result === "gone") return { kind: "gone" };
    if (result === "ready") ready.push(target.node);
  }
  return { kind: "reported", ready };
}

/**
 * True when `key` already reported in this traversal. A check of such a node is a duplicate
 * (at-least-once delivery) and must not report again: every report fires the successors
 * again, and along a dense graph those re-fires multiply into an exponential number of
 * checks. Without the runtime's `nodeReported`: its last target holds its entry (reports are
 * merged in target order). One O(1) read per check (not a read of the whole sync point: the
 * completion point of a wide stack holds an entry per root), which a runtime with
 * `nodeReported` may serve from the check's first reads.
 */
export function nodeReported(env: StoreEnv, stackId: string, graph: TraversalGraph, key: NodeKey, spec: GraphNode | undefined = graph.nodes[key]): boolean | Promise<boolean> {
  if (spec === undefined) return false;
  if (env.store.nodeReported !== undefined) return env.store.nodeReported(stackId, graph.traversalId, key);
  const last = targetsOf(graph, spec, null).at(-1);
  return last !== undefined && env.store.syncHas(stackId, graph.traversalId, last.node, key);
}

/** A node's report: who reports, with what, after which write. */
export interface Propagation {
  readonly stackId: string;
  readonly graph: TraversalGraph;
  readonly sender: NodeKey;
  readonly payload: SyncPayload;
  /** The node's final row write, made with the report (refused: nothing is reported). */
  readonly write?: RowWrite | undefined;
  /** The event of `write`. */
  readonly event?: RowWriteEvent | undefined;
}

/** The check message that runs sync point `key` of `traversalId` once it is ready. */
function readyMessage(stackId: string, traversalId: string, key: SyncKey): CheckMessage {
  return key === STACK_NODE ? { kind: "complete", stackId, traversalId } : nodeMessage(stackId, traversalId, key);
}

/**
 * Report `sender`'s completion to its successors (cleanups first) and, for a root, to the
 * stack's completion point - after `write` (with its `event`), in one fused operation when
 * the runtime has it - and enqueue every target that became ready, in one batch. A
 * "gone" result means the traversal was superseded: the caller retriggers the row in the
 * newest traversal. A "refused" write reports nothing.
 */
export async function propagate(env: CheckEnv, report: Propagation): Promise<NodeReportResult> {
  const { stackId, graph, sender, write, event } = report;
  const node = graph.nodes[sender];
  if (node === undefined) {
    // Not a node of this graph (cannot happen for a check of it): only the write is made.
    if (write === undefined) return { kind: "reported", ready: [] };
    const written = await writeWithEvent(env, write, event);
    return written.ok ? { kind: "reported", ready: [] } : { kind: "refused", reason: written.reason, row: written.row };
  }
  // One literal of one shape (an absent write or event is `undefined`, as the contract's
  // optional fields are read), not spreads of conditional objects: this runs for every check.
  const result = await reportNode(env, { stackId, traversalId: graph.traversalId, sender, targets: targetsOf(graph, node, report.payload), write, event });
  if (result.kind === "reported" && result.ready.length > 0 && result.enqueued !== true) {
    await env.runtime.enqueue(result.ready.map((key) => readyMessage(stackId, graph.traversalId, key)));
  }
  return result;
}

/**
 * Report cleanup node `C(rowId)` done (no data) after `write`, and retrigger the row in the
 * newest traversal when this one is gone. Returns the report's outcome.
 */
export async function reportCleanup(env: CheckEnv, stackId: string, graph: TraversalGraph, rowId: string, write?: RowWrite, event?: RowWriteEvent): Promise<NodeReportResult> {
  const result = await propagate(env, { stackId, graph, sender: nodeKey("C", rowId), payload: null, write, event });
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
  const traversalId = graph.traversalId;
  const own: [SyncKey, number][] = [];
  for (const key of [nodeKey("C", rowId), nodeKey("U", rowId)]) {
    const node = graph.nodes[key];
    if (node !== undefined) own.push([key, node.requires.length]);
  }
  if (own.length === 0) own.push([STACK_NODE, graph.roots.length]);
  const ready: CheckMessage[] = [];
  for (const [key, required] of own) {
    const result = await mergeSync(env, { stackId, traversalId, target: key, sender: key, payload: null, counted: false, required });
    if (result === "ready") ready.push(readyMessage(stackId, traversalId, key));
  }
  if (ready.length > 0) await env.runtime.enqueue(ready);
}
