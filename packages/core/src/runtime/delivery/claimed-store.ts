/**
 * The store a check reads first through: the values of its delivery's claim
 * (`Delivery.claim`, runtime/contract.ts) answer the check's first read of each - the stack
 * record, the row, the node's sync point, whether the node reported - and everything else
 * goes to the delivery's store. A claimed value answers one read, with the same arguments
 * (stack, row, traversal, node), and only until the check's first write: once the check
 * wrote anything, every read goes to the store. Everything above this store (the check's
 * watch for lost state, the sealing store that opens sealed values and learns secrets) sees
 * claimed values exactly as it sees the store's answers.
 *
 * A function per operation of the contract, as typed delegation (no proxy keyed on names;
 * closures, so a caller may invoke them with any receiver); the optional fused operations
 * exist exactly when the store has them.
 */
import type { NodeKey } from "../../model/types.js";
import type { DeliveryClaim, NodeReport, RowWrite, RowWriteEvent, RuntimeStore } from "../contract.js";

/** `store` whose first reads are answered from `claim` (see the module comment). */
export function claimedStore(store: RuntimeStore, claim: DeliveryClaim): RuntimeStore {
  let stack: { readonly value: DeliveryClaim["stack"] } | undefined = { value: claim.stack };
  let row = claim.row;
  let sync = claim.sync;
  let reported = claim.reported;
  /** The check writes: no claimed value answers a read any more. */
  const wrote = <T>(result: Promise<T>): Promise<T> => {
    stack = undefined;
    row = undefined;
    sync = undefined;
    reported = undefined;
    return result;
  };
  const { writeRowWithEvent, reportNode, nodeReported } = store;
  return {
    loadStack(stackId) {
      const claimed = stack;
      stack = undefined;
      if (claimed === undefined || (claimed.value !== null && claimed.value.id !== stackId)) return store.loadStack(stackId);
      return Promise.resolve(claimed.value);
    },
    loadRow(stackId, rowId) {
      const claimed = row;
      if (claimed === undefined || claimed.rowId !== rowId) return store.loadRow(stackId, rowId);
      row = undefined;
      return Promise.resolve(claimed.value);
    },
    readSync(stackId, traversalId, node) {
      const claimed = sync;
      if (claimed === undefined || claimed.traversalId !== traversalId || claimed.node !== node) return store.readSync(stackId, traversalId, node);
      sync = undefined;
      return Promise.resolve(claimed.value === null ? null : new Map(claimed.value));
    },
    ...(nodeReported === undefined
      ? {}
      : {
          nodeReported(stackId: string, traversalId: string, node: NodeKey) {
            const claimed = reported;
            reported = undefined;
            if (claimed !== undefined && claimed.traversalId === traversalId && claimed.node === node) return Promise.resolve(claimed.value);
            return nodeReported.call(store, stackId, traversalId, node);
          },
        }),
    findStackId: (name) => store.findStackId(name),
    listStackNames: () => store.listStackNames(),
    loadGraph: (stackId, traversalId) => store.loadGraph(stackId, traversalId),
    loadTombstone: (stackId) => store.loadTombstone(stackId),
    loadTemplate: (stackId, templateId) => store.loadTemplate(stackId, templateId),
    loadRows: (stackId) => store.loadRows(stackId),
    syncHas: (stackId, traversalId, node, sender) => store.syncHas(stackId, traversalId, node, sender),
    readEvents: (stackId, afterSeq, options) => store.readEvents(stackId, afterSeq, options),
    createStack: (record, template) => wrote(store.createStack(record, template)),
    beginTraversal: (input) => wrote(store.beginTraversal(input)),
    installGraph: (input) => wrote(store.installGraph(input)),
    allocateRowIds: (stackId, count) => wrote(store.allocateRowIds(stackId, count)),
    updateStack: (stackId, ifTraversal, patch, ifStatus) => wrote(store.updateStack(stackId, ifTraversal, patch, ifStatus)),
    deleteStack: (stackId, ifTraversal, deletedAt) => wrote(store.deleteStack(stackId, ifTraversal, deletedAt)),
    writeRow: (write) => wrote(store.writeRow(write)),
    createReplacement: (stackId, oldRowId, traversalId, ifVersion, newRow) => wrote(store.createReplacement(stackId, oldRowId, traversalId, ifVersion, newRow)),
    completeTraversal: (stackId, traversalId, drop, keep, patch) => wrote(store.completeTraversal(stackId, traversalId, drop, keep, patch)),
    syncMerge: (merge) => wrote(store.syncMerge(merge)),
    appendEvents: (stackId, events) => wrote(store.appendEvents(stackId, events)),
    ...(writeRowWithEvent === undefined ? {} : { writeRowWithEvent: (write: RowWrite, event: RowWriteEvent) => wrote(writeRowWithEvent.call(store, write, event)) }),
    ...(reportNode === undefined ? {} : { reportNode: (report: NodeReport) => wrote(reportNode.call(store, report)) }),
  };
}
