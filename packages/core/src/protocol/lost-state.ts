/**
 * Lost state on the worker side. A check that finds its stack missing - at its start, or
 * through a write refused as "gone" while it ran - is legitimately dropped only when the
 * stack's tombstone says its delete completed (a stale message of a deleted stack). Without
 * one, the store lost the stack's state (restarted without persistence, flushed): the check
 * fails with `StackStateLostError`, which the runtime logs once per stack and never retries,
 * instead of ending as if it had done its work.
 */
import { StackStateLostError } from "../errors.js";
import type { NodeKey, SyncKey } from "../model/types.js";
import type { NodeReport, NodeReportResult, RowWrite, RowWriteEvent, RuntimeStore } from "../runtime/contract.js";

/** Whether a store answer says something is gone: a null read, a "gone" sync, a write refused as gone. */
function looksGone(value: unknown): boolean {
  if (value === null || value === "gone") return true;
  if (typeof value !== "object") return false;
  const answer = value as { readonly reason?: unknown; readonly kind?: unknown };
  return answer.reason === "gone" || answer.kind === "gone";
}

/** A check's store that notes whether any answer said "gone" (nothing else changes). */
export interface GoneWatch {
  /** The store to run the check with. */
  readonly store: RuntimeStore;
  /** True once an answer of the store said something was gone. */
  sawGone(): boolean;
}

/** Wrap a check's store to notice "gone" answers (a cheap test per call; no extra round trip). */
export function watchGone(store: RuntimeStore): GoneWatch {
  const watched = new GoneWatchingStore(store);
  return { store: watched, sawGone: () => watched.gone };
}

/**
 * The store of {@link watchGone}: every operation of the contract, its answer tested (a
 * method per operation, no per-call closures; events are not tested).
 */
class GoneWatchingStore implements RuntimeStore {
  readonly #store: RuntimeStore;
  /** Whether an answer said something was gone. */
  gone = false;
  readonly writeRowWithEvent?: RuntimeStore["writeRowWithEvent"];
  readonly reportNode?: RuntimeStore["reportNode"];
  readonly nodeReported?: RuntimeStore["nodeReported"];

  constructor(store: RuntimeStore) {
    this.#store = store;
    // The optional operations exist exactly when the runtime has them (shared functions).
    if (store.writeRowWithEvent !== undefined) this.writeRowWithEvent = GoneWatchingStore.prototype.watchedWriteRowWithEvent;
    if (store.reportNode !== undefined) this.reportNode = GoneWatchingStore.prototype.watchedReportNode;
    if (store.nodeReported !== undefined) this.nodeReported = GoneWatchingStore.prototype.watchedNodeReported;
  }

  #note<T>(result: T): T {
    if (!this.gone && looksGone(result)) this.gone = true;
    return result;
  }

  async createStack(...args: Parameters<RuntimeStore["createStack"]>): Promise<boolean> {
    return this.#note(await this.#store.createStack(...args));
  }
  async findStackId(name: string): Promise<string | null> {
    return this.#note(await this.#store.findStackId(name));
  }
  async listStackNames(): Promise<string[]> {
    return this.#note(await this.#store.listStackNames());
  }
  async loadStack(stackId: string): ReturnType<RuntimeStore["loadStack"]> {
    return this.#note(await this.#store.loadStack(stackId));
  }
  async beginTraversal(...args: Parameters<RuntimeStore["beginTraversal"]>): Promise<boolean> {
    return this.#note(await this.#store.beginTraversal(...args));
  }
  async installGraph(...args: Parameters<RuntimeStore["installGraph"]>): Promise<boolean> {
    return this.#note(await this.#store.installGraph(...args));
  }
  async allocateRowIds(stackId: string, count: number): Promise<string[]> {
    return this.#note(await this.#store.allocateRowIds(stackId, count));
  }
  async loadGraph(stackId: string, traversalId: string): ReturnType<RuntimeStore["loadGraph"]> {
    return this.#note(await this.#store.loadGraph(stackId, traversalId));
  }
  async updateStack(...args: Parameters<RuntimeStore["updateStack"]>): Promise<boolean> {
    return this.#note(await this.#store.updateStack(...args));
  }
  async deleteStack(stackId: string, ifTraversal: string, deletedAt: number): Promise<boolean> {
    return this.#note(await this.#store.deleteStack(stackId, ifTraversal, deletedAt));
  }
  async loadTombstone(stackId: string): ReturnType<RuntimeStore["loadTombstone"]> {
    return this.#note(await this.#store.loadTombstone(stackId));
  }
  async loadTemplate(stackId: string, templateId: string): ReturnType<RuntimeStore["loadTemplate"]> {
    return this.#note(await this.#store.loadTemplate(stackId, templateId));
  }
  async loadRows(stackId: string): ReturnType<RuntimeStore["loadRows"]> {
    return this.#note(await this.#store.loadRows(stackId));
  }
  async loadRow(stackId: string, rowId: string): ReturnType<RuntimeStore["loadRow"]> {
    return this.#note(await this.#store.loadRow(stackId, rowId));
  }
  async writeRow(write: Parameters<RuntimeStore["writeRow"]>[0]): ReturnType<RuntimeStore["writeRow"]> {
    return this.#note(await this.#store.writeRow(write));
  }
  async createReplacement(...args: Parameters<RuntimeStore["createReplacement"]>): ReturnType<RuntimeStore["createReplacement"]> {
    return this.#note(await this.#store.createReplacement(...args));
  }
  async completeTraversal(...args: Parameters<RuntimeStore["completeTraversal"]>): Promise<boolean> {
    return this.#note(await this.#store.completeTraversal(...args));
  }
  async syncMerge(...args: Parameters<RuntimeStore["syncMerge"]>): ReturnType<RuntimeStore["syncMerge"]> {
    return this.#note(await this.#store.syncMerge(...args));
  }
  async syncHas(stackId: string, traversalId: string, node: SyncKey, sender: SyncKey): Promise<boolean> {
    return this.#note(await this.#store.syncHas(stackId, traversalId, node, sender));
  }
  async readSync(stackId: string, traversalId: string, node: SyncKey): ReturnType<RuntimeStore["readSync"]> {
    return this.#note(await this.#store.readSync(stackId, traversalId, node));
  }
  appendEvents(...args: Parameters<RuntimeStore["appendEvents"]>): Promise<void> {
    return this.#store.appendEvents(...args);
  }
  readEvents(...args: Parameters<RuntimeStore["readEvents"]>): ReturnType<RuntimeStore["readEvents"]> {
    return this.#store.readEvents(...args);
  }

  /** `writeRowWithEvent`, present when the runtime has it. */
  private async watchedWriteRowWithEvent(write: RowWrite, event: RowWriteEvent): ReturnType<RuntimeStore["writeRow"]> {
    return this.#note(await (this.#store.writeRowWithEvent as NonNullable<RuntimeStore["writeRowWithEvent"]>).call(this.#store, write, event));
  }
  /** `reportNode`, present when the runtime has it. */
  private async watchedReportNode(report: NodeReport): Promise<NodeReportResult> {
    return this.#note(await (this.#store.reportNode as NonNullable<RuntimeStore["reportNode"]>).call(this.#store, report));
  }
  /** `nodeReported`, present when the runtime has it. */
  private async watchedNodeReported(stackId: string, traversalId: string, node: NodeKey): Promise<boolean> {
    return this.#note(await (this.#store.nodeReported as NonNullable<RuntimeStore["nodeReported"]>).call(this.#store, stackId, traversalId, node));
  }
}

/**
 * After a check saw something gone: if its stack record is missing and no tombstone says it
 * was deleted, its state was lost. @throws StackStateLostError naming the stack
 */
export async function assertStackNotLost(store: RuntimeStore, stackId: string): Promise<void> {
  if ((await store.loadStack(stackId)) !== null) return;
  if ((await store.loadTombstone(stackId)) !== null) return;
  throw new StackStateLostError({ id: stackId });
}
