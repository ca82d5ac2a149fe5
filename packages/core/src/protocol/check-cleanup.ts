/**
 * The cleanup node check (DESIGN.md section 4 step 4): delete the row unless it stands for
 * its name in the target; an INIT row is removed without calling the plugin.
 */
import type { ResourceRow, StackRecord, TraversalGraph } from "../model/types.js";
import { nodeKey } from "../model/types.js";
import type { RowWrite } from "../runtime/contract.js";
import { isActiveRow } from "./best-existing.js";
import { ABANDON_REASON, deleteLock, deleteLockedRow } from "./delete-row.js";
import { loadTemplate } from "./engine-cache.js";
import type { CheckEnv } from "./env.js";
import { rowWriteEvent } from "./events.js";
import { holderState, lockRow } from "./locking.js";
import type { StepResult } from "./node-run.js";
import { runRounds } from "./node-run.js";
import { nodeReported, reportCleanup, retrigger } from "./report.js";

/** True when the row is kept by this traversal: chosen for its name and not replaced. */
export function keptByTraversal(graph: TraversalGraph, row: ResourceRow): boolean {
  return graph.nodes[nodeKey("U", row.id)] !== undefined && row.replacedBy === null;
}

/** Check the cleanup node of `row` in the stack's current traversal. */
export async function checkCleanupNode(env: CheckEnv, stack: StackRecord, graph: TraversalGraph, first: ResourceRow): Promise<void> {
  const node = nodeKey("C", first.id);
  const spec = graph.nodes[node];
  if (spec === undefined) return;
  const sync = await env.store.readSync(stack.id, graph.traversalId, node);
  if (sync === null) return retrigger(env, stack.id, first.id);
  if (!spec.requires.every((pred) => sync.has(pred)) || (await nodeReported(env, stack.id, graph, node, spec))) return;
  await runRounds(env, stack, graph, first, node, async (row) => {
    if (row !== null) return cleanupStep(env, stack, graph, row);
    await reportCleanup(env, stack.id, graph, first.id);
    return "done";
  });
}

async function cleanupStep(env: CheckEnv, stack: StackRecord, graph: TraversalGraph, row: ResourceRow): Promise<StepResult> {
  if (!isActiveRow(row) || keptByTraversal(graph, row)) {
    await reportCleanup(env, stack.id, graph, row.id);
    return "done";
  }
  const traversalId = graph.traversalId;
  const held = holderState(env, stack.id, row);
  if ((typeof held === "string" ? held : await held) === "alive") return "done"; // parked
  if (row.action === "INIT") {
    const write: RowWrite = {
      stackId: stack.id,
      rowId: row.id,
      ifTraversal: traversalId,
      ifVersion: row.version,
      ifHolder: row.lockHolder,
      setHolder: null,
      patch: { action: "DELETE", status: "COMPLETE", statusReason: "never created", updatedAt: env.runtime.now() },
    };
    const event = rowWriteEvent(env, stack, traversalId, "DELETE", "COMPLETE", "never created");
    const removed = await reportCleanup(env, stack.id, graph, row.id, write, event);
    if (removed.kind !== "refused") return "done";
    return removed.reason === "superseded" || removed.reason === "gone" ? "done" : "again";
  }
  const deletion = deleteLock(env, stack, traversalId, row, "state changed");
  // A resource the target forgets (abandonResource) leaves the stack like a retained one.
  const forget = (await loadTemplate(env, stack.id, graph.templateId))?.forget?.includes(row.id) === true;
  const patch = forget ? { ...deletion.patch, deletionPolicy: "retain" as const, statusReason: ABANDON_REASON } : deletion.patch;
  const lock = await lockRow(env, stack.id, traversalId, row, patch, deletion.event);
  if (lock.kind === "changed") return "again";
  if (lock.kind !== "locked") return "done";
  await deleteLockedRow(env, stack, traversalId, lock.row, graph);
  return "done";
}
