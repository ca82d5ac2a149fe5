/**
 * Installing a traversal's graph and enqueueing its leaves, streamed for a large traversal
 * (issue 11): when the store can insert rows after the graph (`RuntimeStore.insertRows`), a
 * traversal with many new leaf rows installs its graph with the rows no leaf check can reach
 * first plus a small first chunk of leaf rows, enqueues those leaves, then inserts the other
 * leaf rows chunk by chunk, enqueueing each chunk's leaves as it lands - so first checks run
 * while the rest is still being written. The first chunk is small (one enqueue batch of the
 * Redis runtime, and rows its installGraph script inserts itself) so that the first checks
 * start a few milliseconds after the graph is stored, not after a thousand rows and jobs.
 *
 * Why this keeps every guarantee: a check only runs once its message is enqueued, and a leaf's
 * message is enqueued after its row landed; a node that is not a leaf runs only after one of
 * its requirements reported, and its row went in before the graph. Each chunk is a
 * compare-and-set on the traversal: once a newer traversal's CAS is done, no chunk of this one
 * is written (nor its leaves enqueued), so the newer one, which reads rows after its own CAS,
 * sees every row this one wrote and no check of this one ever acts on a row it does not see.
 */
import type { CheckMessage, NodeKey, TraversalGraph } from "../model/types.js";
import { nodeKey } from "../model/types.js";
import type { NewRow, Runtime, RuntimeStore } from "../runtime/contract.js";
import { nodeMessage } from "./report.js";

/** New leaf rows installed with the graph when the rest is streamed: the first checks' rows. */
export const STREAM_FIRST_ROWS = 200;

/** New leaf rows per streamed chunk after the first (one `insertRows` then one `enqueue` of their leaves). */
export const STREAM_CHUNK_ROWS = 1000;

/** What installing needs. */
export interface InstallEnv {
  readonly store: RuntimeStore;
  readonly runtime: Runtime;
}

/**
 * Store the graph with the new rows and enqueue the leaves (and the `complete` message of a
 * traversal without nodes). Returns false when the traversal was superseded meanwhile.
 */
export async function installAndEnqueue(env: InstallEnv, stackId: string, graph: TraversalGraph, newRows: readonly NewRow[]): Promise<boolean> {
  const traversalId = graph.traversalId;
  const message = (key: NodeKey): CheckMessage => nodeMessage(stackId, traversalId, key);
  const insertRows = env.store.insertRows?.bind(env.store);
  const { first, late, lateKeys } = insertRows === undefined ? { first: newRows, late: [], lateKeys: new Set<string>() } : splitLeafRows(graph, newRows);
  if (!(await env.store.installGraph({ stackId, graph, newRows: first }))) return false;
  const leaves: CheckMessage[] = (lateKeys.size === 0 ? graph.leaves : graph.leaves.filter((key) => !lateKeys.has(key))).map(message);
  if (graph.roots.length === 0) leaves.push({ kind: "complete", stackId, traversalId });
  await env.runtime.enqueue(leaves);
  for (let i = 0; insertRows !== undefined && i < late.length; i += STREAM_CHUNK_ROWS) {
    const chunk = late.slice(i, i + STREAM_CHUNK_ROWS);
    if (!(await insertRows(stackId, traversalId, chunk))) return false;
    await env.runtime.enqueue(chunk.map((row) => message(updateKey(row))));
  }
  return true;
}

/** The update node of a new row (a new row has no cleanup node). */
const updateKey = (row: NewRow): NodeKey => nodeKey("U", row.id);

/**
 * The new rows installed with the graph (`first`: every row that is not a leaf's, and the
 * first STREAM_FIRST_ROWS leaf rows) and the leaf rows streamed after it (`late`, in order,
 * with their update nodes' keys).
 */
function splitLeafRows(graph: TraversalGraph, newRows: readonly NewRow[]): { first: NewRow[]; late: NewRow[]; lateKeys: Set<string> } {
  const leafKeys = new Set<string>(graph.leaves);
  const first: NewRow[] = [];
  const late: NewRow[] = [];
  const lateKeys = new Set<string>();
  let leafRows = 0;
  for (const row of newRows) {
    const key = updateKey(row);
    if (leafKeys.has(key) && leafRows++ >= STREAM_FIRST_ROWS) {
      late.push(row);
      lateKeys.add(key);
    } else {
      first.push(row);
    }
  }
  return { first, late, lateKeys };
}
