/**
 * The runtime contract's `RuntimeStore` over Redis: each operation one command or one Lua
 * script on the stack's hash slot (see `keys.ts` for the layout, `lua/` for the scripts).
 */
import type { RuntimeStore } from "@converge/core";
import type { SuccessorAdds } from "./check-queue.js";
import type { EventStreams } from "./event-stream.js";
import type { StoreContext } from "./store-context.js";
import { createReplacement, loadRow, loadRows, writeRow } from "./store-rows.js";
import {
  allocateRowIds,
  beginTraversal,
  completeTraversal,
  createStack,
  deleteStack,
  findStackId,
  insertRows,
  installGraph,
  listStackNames,
  loadGraph,
  loadStack,
  loadTemplate,
  loadTombstone,
  updateStack,
} from "./store-stacks.js";
import { nodeReported, reportNode } from "./store-report.js";
import { readSync, syncHas, syncMerge } from "./store-sync.js";

/**
 * The Redis store of a runtime. With `successors` (the runtime's queue), `reportNode` also
 * enqueues the checks of the targets it made ready.
 */
export function createRedisStore(ctx: StoreContext, events: EventStreams, successors?: SuccessorAdds): RuntimeStore {
  return {
    createStack: (stack, template) => createStack(ctx, stack, template),
    findStackId: (name) => findStackId(ctx, name),
    listStackNames: () => listStackNames(ctx),
    loadStack: (stackId) => loadStack(ctx, stackId),
    beginTraversal: (input) => beginTraversal(ctx, input),
    installGraph: (input) => installGraph(ctx, input),
    insertRows: (stackId, traversalId, rows) => insertRows(ctx, stackId, traversalId, rows),
    allocateRowIds: (stackId, count) => allocateRowIds(ctx, stackId, count),
    loadGraph: (stackId, traversalId) => loadGraph(ctx, stackId, traversalId),
    updateStack: (stackId, ifTraversal, patch, ifStatus) => updateStack(ctx, stackId, ifTraversal, patch, ifStatus),
    deleteStack: (stackId, ifTraversal, deletedAt) => deleteStack(ctx, stackId, ifTraversal, deletedAt),
    loadTombstone: (stackId) => loadTombstone(ctx, stackId),
    loadTemplate: (stackId, templateId) => loadTemplate(ctx, stackId, templateId),
    loadRows: (stackId) => loadRows(ctx, stackId),
    loadRow: (stackId, rowId) => loadRow(ctx, stackId, rowId),
    writeRow: (write) => writeRow(ctx, write),
    writeRowWithEvent: (write, event) => writeRow(ctx, write, event),
    reportNode: (report) => reportNode(ctx, report, successors),
    nodeReported: (stackId, traversalId, node) => nodeReported(ctx, stackId, traversalId, node),
    createReplacement: (stackId, oldRowId, traversalId, ifVersion, row) => createReplacement(ctx, stackId, oldRowId, traversalId, ifVersion, row),
    completeTraversal: (stackId, traversalId, drop, keep, patch) => completeTraversal(ctx, stackId, traversalId, drop, keep, patch),
    syncMerge: (merge) => syncMerge(ctx, merge),
    syncHas: (stackId, traversalId, node, sender) => syncHas(ctx, stackId, traversalId, node, sender),
    readSync: (stackId, traversalId, node) => readSync(ctx, stackId, traversalId, node),
    appendEvents: (stackId, list) => events.append(stackId, list),
    readEvents: (stackId, afterSeq, options) => events.read(stackId, afterSeq, options),
    readEventMarks: (stackId, afterSeq, options) => events.marks(stackId, afterSeq, options),
  };
}
