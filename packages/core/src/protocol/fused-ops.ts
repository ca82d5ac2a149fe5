/**
 * The runtime contract's optional fused operations, used when the runtime has them and
 * composed from the basic ones when it has not: a row write with its event
 * (`writeRowWithEvent`), a node's report with its completion write (`reportNode`), and the
 * duplicate test of a check (`nodeReported`). Both paths give the same results; the fused
 * one costs a runtime one round trip instead of several.
 */
import type { NewStackEvent, NodeKey, ResourceRow, RowAction, StackRecord, Status, SyncPayload, TraversalGraph } from "../model/types.js";
import { STACK_NODE } from "../model/types.js";
import { completeRowEvent } from "../model/events.js";
import type { NodeReport, NodeReportResult, ReportTarget, RowWrite, RowWriteEvent, RowWriteResult, RuntimeStore } from "../runtime/contract.js";
import type { CheckEnv } from "./env.js";

/** What the operations below use of a check's environment. */
type StoreEnv = { readonly store: RuntimeStore };

/** The event of a row write (completed from the written row by {@link writeWithEvent}). */
export function rowWriteEvent(
  env: Pick<CheckEnv, "runtime">,
  stack: Pick<StackRecord, "name">,
  traversalId: string,
  action: RowAction | "CHECK",
  status: Status,
  reason: string,
): RowWriteEvent {
  return { time: env.runtime.now(), stackName: stack.name, traversalId, action, status, reason };
}

/** A row write that records `event` when accepted (one fused operation when the runtime has it). */
export async function writeWithEvent(env: StoreEnv, write: RowWrite, event: RowWriteEvent | undefined): Promise<RowWriteResult> {
  if (event === undefined) return env.store.writeRow(write);
  if (env.store.writeRowWithEvent !== undefined) return env.store.writeRowWithEvent(write, event);
  const result = await env.store.writeRow(write);
  if (result.ok) await env.store.appendEvents(write.stackId, [completeRowEvent(event, result.row)]);
  return result;
}

/** The order in which a node reports to its successors: cleanups first, then updates. */
function reportOrder(requiredBy: readonly NodeKey[]): NodeKey[] {
  return [...requiredBy].sort((a, b) => (a[0] === b[0] ? 0 : a[0] === "C" ? -1 : 1));
}

/**
 * Where `sender` reports, in order: its successors (cleanups first; a cleanup gets no data)
 * and, for a root, the stack's completion point.
 */
export function reportTargets(graph: TraversalGraph, sender: NodeKey, payload: SyncPayload): ReportTarget[] {
  const node = graph.nodes[sender];
  if (node === undefined) return [];
  const targets: ReportTarget[] = [];
  for (const successor of reportOrder(node.requiredBy)) {
    const target = graph.nodes[successor];
    if (target === undefined) continue;
    targets.push({ node: successor, required: target.requires.length, payload: successor.startsWith("C:") ? null : payload });
  }
  if (node.requiredBy.length === 0) targets.push({ node: STACK_NODE, required: graph.roots.length, payload: null });
  return targets;
}

/**
 * Report a node (fused when the runtime has `reportNode`): the write with its event, then
 * the merges in order. Composed, a merge that finds the traversal gone stops the report.
 */
export async function reportNode(env: StoreEnv, report: NodeReport): Promise<NodeReportResult> {
  if (env.store.reportNode !== undefined) return env.store.reportNode(report);
  if (report.write !== undefined) {
    const written = await writeWithEvent(env, report.write, report.event);
    if (!written.ok) return { kind: "refused", reason: written.reason, row: written.row };
  }
  const ready: NodeKey[] = [];
  for (const target of report.targets) {
    const result = await env.store.syncMerge(report.stackId, report.traversalId, target.node, report.sender, target.payload, true, target.required);
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
export async function nodeReported(env: StoreEnv, stackId: string, graph: TraversalGraph, key: NodeKey): Promise<boolean> {
  if (graph.nodes[key] === undefined) return false;
  if (env.store.nodeReported !== undefined) return env.store.nodeReported(stackId, graph.traversalId, key);
  const last = reportTargets(graph, key, null).at(-1);
  return last !== undefined && env.store.syncHas(stackId, graph.traversalId, last.node, key);
}
