/**
 * Completion of a traversal (DESIGN.md section 4 step 6): once every root has reported, sweep
 * rows that are not part of the target and had no cleanup node (W-I), purge, and mark the
 * stack COMPLETE - or remove it after a DELETE.
 */
import type { NodeKey, ResourceRow, StackRecord, TraversalGraph } from "../model/types.js";
import { STACK_NODE, isUpdateKey, parseNodeKey } from "../model/types.js";
import { isActiveRow } from "./best-existing.js";
import { completeCheck } from "./check-stack.js";
import { deleteLock, deleteLockedRow } from "./delete-row.js";
import type { CheckEnv } from "./env.js";
import { rowWriteEvent, stackEvent } from "./events.js";
import { holderState, lockRow } from "./locking.js";
import { casWrite } from "./row-writes.js";

/**
 * The rows that stand for the target after the traversal: each chosen row, or the
 * replacement made for it in this traversal.
 */
export function currentRowIds(graph: TraversalGraph, rows: ReadonlyMap<string, ResourceRow>): Set<string> {
  const current = new Set<string>();
  for (const key of Object.keys(graph.nodes) as NodeKey[]) {
    if (!isUpdateKey(key)) continue;
    let row = rows.get(parseNodeKey(key).rowId);
    for (let hops = 0; row !== undefined && row.replacedBy !== null && hops < 16; hops++) {
      const next = rows.get(row.replacedBy);
      if (next === undefined || next.createdTraversal !== graph.traversalId) break;
      row = next;
    }
    if (row !== undefined) current.add(row.id);
  }
  return current;
}

/**
 * Order rows for deletion: a row before every row it requires (dependents first).
 *
 *   a requires b, b requires c   =>   a, b, c
 */
export function deletionOrder(rows: readonly ResourceRow[]): ResourceRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const dependents = new Map<string, number>(rows.map((r) => [r.id, 0]));
  for (const row of rows) for (const dep of new Set(row.requires)) if (byId.has(dep) && dep !== row.id) dependents.set(dep, (dependents.get(dep) ?? 0) + 1);
  // `out` is also the queue (read at `next`): linear in the rows and their requires.
  const out = rows.filter((r) => dependents.get(r.id) === 0);
  for (let next = 0; next < out.length; next++) {
    for (const dep of new Set((out[next] as ResourceRow).requires)) {
      if (!byId.has(dep) || dep === (out[next] as ResourceRow).id) continue;
      const left = (dependents.get(dep) ?? 0) - 1;
      dependents.set(dep, left);
      if (left === 0) out.push(byId.get(dep) as ResourceRow);
    }
  }
  // Rows in a requires-cycle (cannot happen for valid data) go last rather than never.
  if (out.length < rows.length) {
    const placed = new Set(out);
    for (const row of rows) if (!placed.has(row)) out.push(row);
  }
  return out;
}

/** Handle a `complete` message of the current traversal. */
export async function checkComplete(env: CheckEnv, stack: StackRecord, graph: TraversalGraph): Promise<void> {
  const traversalId = graph.traversalId;
  const sync = await env.store.readSync(stack.id, traversalId, STACK_NODE);
  if (sync === null || !graph.roots.every((root) => sync.has(root))) return;
  if (stack.action === "CHECK") return completeCheck(env, stack, graph);
  const rows = await env.store.loadRows(stack.id);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const current = currentRowIds(graph, byId);
  const sweep = rows.filter((r) => isActiveRow(r) && !current.has(r.id));
  for (const row of deletionOrder(sweep)) {
    if (!(await sweepRow(env, stack, traversalId, row))) return;
  }
  const swept = new Set(sweep);
  const drop = rows.filter((r) => !isActiveRow(r) || swept.has(r)).map((r) => r.id);
  const reason = `Stack ${stack.action} completed successfully`;
  if (stack.action === "DELETE") {
    await stackEvent(env, stack, traversalId, "DELETE", "COMPLETE", reason);
    await env.store.deleteStack(stack.id, traversalId, env.runtime.now());
    return;
  }
  const done = await env.store.completeTraversal(stack.id, traversalId, drop, [graph.templateId], {
    status: "COMPLETE",
    statusReason: reason,
    prevTemplateId: graph.templateId,
    updatedAt: env.runtime.now(),
  });
  if (done) await stackEvent(env, stack, traversalId, stack.action, "COMPLETE", reason);
}

/** Delete one swept row; false when the completion must stop (parked, superseded, failed). */
async function sweepRow(env: CheckEnv, stack: StackRecord, traversalId: string, row: ResourceRow): Promise<boolean> {
  for (let round = 0; round < 8; round++) {
    const fresh = round === 0 ? row : await env.store.loadRow(stack.id, row.id);
    if (fresh === null || !isActiveRow(fresh)) return true;
    if ((await holderState(env, stack.id, fresh)) === "alive") return false; // the holder retriggers us
    if (fresh.action === "INIT" && fresh.lockHolder === null) {
      const event = rowWriteEvent(env, stack, traversalId, "DELETE", "COMPLETE", "never created");
      const w = await casWrite(env, stack.id, traversalId, fresh, { action: "DELETE", status: "COMPLETE", statusReason: "never created" }, event);
      if (w.ok) return true;
      if (w.reason === "superseded") return false;
      continue;
    }
    const deletion = deleteLock(env, stack, traversalId, fresh, "completion sweep");
    const lock = await lockRow(env, stack.id, traversalId, fresh, deletion.patch, deletion.event);
    if (lock.kind === "changed") continue;
    if (lock.kind !== "locked") return false;
    return deleteLockedRow(env, stack, traversalId, lock.row);
  }
  return false;
}
