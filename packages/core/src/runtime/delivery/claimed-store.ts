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
 * A method per operation of the contract, as typed delegation (no proxy keyed on names), on
 * one class: a check makes one of these, so its operations are shared prototype functions, not
 * two dozen closures per check (callers invoke them on the store, as they do any store's). The
 * optional operations (`writeRowWithEvent`, `reportNode`, `nodeReported`, `insertRows`) exist
 * exactly when the store has them.
 */
import type { CompiledTemplate } from "../../template/types.js";
import type { NewStackEvent, NodeKey, ResourceRow, StackEvent, StackRecord, SyncKey, SyncPayload, TraversalGraph } from "../../model/types.js";
import type {
  BeginTraversal,
  DeliveryClaim,
  InstallGraph,
  NewRow,
  NodeReport,
  NodeReportResult,
  ReplacementResult,
  RowWrite,
  RowWriteEvent,
  RowWriteResult,
  RuntimeStore,
  StackTombstone,
  SyncMergeInput,
  SyncResult,
} from "../contract.js";

/** A stack patch of the contract's `updateStack` and `completeTraversal`. */
type StackPatch = Partial<Omit<StackRecord, "id" | "name" | "currentTraversal">>;

/** `store` whose first reads are answered from `claim` (see the module comment). */
export function claimedStore(store: RuntimeStore, claim: DeliveryClaim): RuntimeStore {
  return new ClaimedStore(store, claim);
}

/** The store of {@link claimedStore}: claimed values until the first write, then the store. */
class ClaimedStore implements RuntimeStore {
  readonly #store: RuntimeStore;
  #stack: { readonly value: DeliveryClaim["stack"] } | undefined;
  #row: DeliveryClaim["row"];
  #sync: DeliveryClaim["sync"];
  #reported: DeliveryClaim["reported"];
  readonly writeRowWithEvent?: (write: RowWrite, event: RowWriteEvent) => Promise<RowWriteResult>;
  readonly reportNode?: (report: NodeReport) => Promise<NodeReportResult>;
  readonly nodeReported?: (stackId: string, traversalId: string, node: NodeKey) => Promise<boolean>;
  readonly insertRows?: (stackId: string, traversalId: string, rows: readonly NewRow[]) => Promise<boolean>;

  constructor(store: RuntimeStore, claim: DeliveryClaim) {
    this.#store = store;
    this.#stack = { value: claim.stack };
    this.#row = claim.row;
    this.#sync = claim.sync;
    this.#reported = claim.reported;
    // The optional operations exist exactly when the store has them (prototype functions).
    if (store.writeRowWithEvent !== undefined) this.writeRowWithEvent = ClaimedStore.prototype.optionalWriteRowWithEvent;
    if (store.reportNode !== undefined) this.reportNode = ClaimedStore.prototype.optionalReportNode;
    if (store.nodeReported !== undefined) this.nodeReported = ClaimedStore.prototype.optionalNodeReported;
    if (store.insertRows !== undefined) this.insertRows = ClaimedStore.prototype.optionalInsertRows;
  }

  loadStack(stackId: string): Promise<StackRecord | null> {
    const claimed = this.#stack;
    this.#stack = undefined;
    if (claimed === undefined || (claimed.value !== null && claimed.value.id !== stackId)) return this.#store.loadStack(stackId);
    return Promise.resolve(claimed.value);
  }
  loadRow(stackId: string, rowId: string): Promise<ResourceRow | null> {
    const claimed = this.#row;
    if (claimed === undefined || claimed.rowId !== rowId) return this.#store.loadRow(stackId, rowId);
    this.#row = undefined;
    return Promise.resolve(claimed.value);
  }
  readSync(stackId: string, traversalId: string, node: SyncKey): Promise<Map<SyncKey, SyncPayload> | null> {
    const claimed = this.#sync;
    if (claimed === undefined || claimed.traversalId !== traversalId || claimed.node !== node) return this.#store.readSync(stackId, traversalId, node);
    this.#sync = undefined;
    return Promise.resolve(claimed.value === null ? null : new Map(claimed.value));
  }
  optionalNodeReported(stackId: string, traversalId: string, node: NodeKey): Promise<boolean> {
    const claimed = this.#reported;
    this.#reported = undefined;
    if (claimed !== undefined && claimed.traversalId === traversalId && claimed.node === node) return Promise.resolve(claimed.value);
    return (this.#store.nodeReported as NonNullable<RuntimeStore["nodeReported"]>).call(this.#store, stackId, traversalId, node);
  }

  findStackId(name: string): Promise<string | null> {
    return this.#store.findStackId(name);
  }
  listStackNames(): Promise<string[]> {
    return this.#store.listStackNames();
  }
  loadGraph(stackId: string, traversalId: string): Promise<TraversalGraph | null> {
    return this.#store.loadGraph(stackId, traversalId);
  }
  loadTombstone(stackId: string): Promise<StackTombstone | null> {
    return this.#store.loadTombstone(stackId);
  }
  loadTemplate(stackId: string, templateId: string): Promise<CompiledTemplate | null> {
    return this.#store.loadTemplate(stackId, templateId);
  }
  loadRows(stackId: string): Promise<ResourceRow[]> {
    return this.#store.loadRows(stackId);
  }
  syncHas(stackId: string, traversalId: string, node: SyncKey, sender: SyncKey): Promise<boolean> {
    return this.#store.syncHas(stackId, traversalId, node, sender);
  }
  readEvents(stackId: string, afterSeq: string | null, options?: Parameters<RuntimeStore["readEvents"]>[2]): Promise<StackEvent[]> {
    return this.#store.readEvents(stackId, afterSeq, options);
  }

  createStack(stack: StackRecord, template: CompiledTemplate): Promise<boolean> {
    return this.#wrote(this.#store.createStack(stack, template));
  }
  beginTraversal(input: BeginTraversal): Promise<boolean> {
    return this.#wrote(this.#store.beginTraversal(input));
  }
  installGraph(input: InstallGraph): Promise<boolean> {
    return this.#wrote(this.#store.installGraph(input));
  }
  optionalInsertRows(stackId: string, traversalId: string, rows: readonly NewRow[]): Promise<boolean> {
    return this.#wrote((this.#store.insertRows as NonNullable<RuntimeStore["insertRows"]>).call(this.#store, stackId, traversalId, rows));
  }
  allocateRowIds(stackId: string, count: number): Promise<string[]> {
    return this.#wrote(this.#store.allocateRowIds(stackId, count));
  }
  updateStack(stackId: string, ifTraversal: string, patch: StackPatch, ifStatus?: StackRecord["status"]): Promise<boolean> {
    return this.#wrote(this.#store.updateStack(stackId, ifTraversal, patch, ifStatus));
  }
  deleteStack(stackId: string, ifTraversal: string, deletedAt: number): Promise<boolean> {
    return this.#wrote(this.#store.deleteStack(stackId, ifTraversal, deletedAt));
  }
  writeRow(write: RowWrite): Promise<RowWriteResult> {
    return this.#wrote(this.#store.writeRow(write));
  }
  createReplacement(stackId: string, oldRowId: string, traversalId: string, ifVersion: number, newRow: Omit<NewRow, "id">): Promise<ReplacementResult> {
    return this.#wrote(this.#store.createReplacement(stackId, oldRowId, traversalId, ifVersion, newRow));
  }
  completeTraversal(stackId: string, traversalId: string, drop: readonly string[], keep: readonly string[], patch: StackPatch): Promise<boolean> {
    return this.#wrote(this.#store.completeTraversal(stackId, traversalId, drop, keep, patch));
  }
  syncMerge(merge: SyncMergeInput): Promise<SyncResult> {
    return this.#wrote(this.#store.syncMerge(merge));
  }
  appendEvents(stackId: string, events: readonly NewStackEvent[]): Promise<void> {
    return this.#wrote(this.#store.appendEvents(stackId, events));
  }
  optionalWriteRowWithEvent(write: RowWrite, event: RowWriteEvent): Promise<RowWriteResult> {
    return this.#wrote((this.#store.writeRowWithEvent as NonNullable<RuntimeStore["writeRowWithEvent"]>).call(this.#store, write, event));
  }
  optionalReportNode(report: NodeReport): Promise<NodeReportResult> {
    return this.#wrote((this.#store.reportNode as NonNullable<RuntimeStore["reportNode"]>).call(this.#store, report));
  }

  /** The check writes: no claimed value answers a read any more. */
  #wrote<T>(result: Promise<T>): Promise<T> {
    this.#stack = undefined;
    this.#row = undefined;
    this.#sync = undefined;
    this.#reported = undefined;
    return result;
  }
}
