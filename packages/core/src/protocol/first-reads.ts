/**
 * The check's first reads, answered from its delivery's claim (`Delivery.claim`,
 * runtime/contract.ts) when the runtime gave one: the stack record and the row (the first two
 * reads of every check, in `process-check.ts`), then the node's sync point and whether it
 * already reported (the first reads of the update, cleanup and completion checks, made
 * before they write anything). Each claimed value answers one read - the first read of that
 * value, which matches it (same stack, row, traversal and node) - and every later read goes
 * to the store, so nothing this check wrote is ever answered from the claim.
 */
import type { NodeKey, ResourceRow, StackRecord, SyncKey, SyncPayload, TraversalGraph } from "../model/types.js";
import type { DeliveryClaim } from "../runtime/contract.js";
import type { CheckEnv } from "./env.js";
import { nodeReported } from "./report.js";

/** What is left of a delivery's claim: each value is taken once. */
export class ClaimedReads {
  private stack: DeliveryClaim["stack"] | undefined;
  private row: DeliveryClaim["row"];
  private sync: DeliveryClaim["sync"];
  private reported: DeliveryClaim["reported"];

  /** `note` sees every value answered from the claim (the check's watch for "gone" answers). */
  constructor(
    claim: DeliveryClaim,
    private readonly note: (answer: unknown) => void,
  ) {
    this.stack = claim.stack;
    this.row = claim.row;
    this.sync = claim.sync;
    this.reported = claim.reported;
  }

  /** The claimed stack record, once; undefined when not claimed or taken. */
  takeStack(): StackRecord | null | undefined {
    const stack = this.stack;
    this.stack = undefined;
    if (stack !== undefined) this.note(stack);
    return stack;
  }

  /** The claimed row `rowId`, once; undefined when not claimed (this row) or taken. */
  takeRow(rowId: string): ResourceRow | null | undefined {
    const row = this.row;
    if (row === undefined || row.rowId !== rowId) return undefined;
    this.row = undefined;
    this.note(row.value);
    return row.value;
  }

  /** The claimed sync point `node` of `traversalId`, once; undefined when not claimed or taken. */
  takeSync(traversalId: string, node: SyncKey): Map<SyncKey, SyncPayload> | null | undefined {
    const sync = this.sync;
    if (sync === undefined || sync.traversalId !== traversalId || sync.node !== node) return undefined;
    this.sync = undefined;
    this.note(sync.value);
    return sync.value === null ? null : new Map(sync.value);
  }

  /** Whether `node` reported in `traversalId` as claimed, once; undefined when not claimed or taken. */
  takeReported(traversalId: string, node: NodeKey): boolean | undefined {
    const reported = this.reported;
    if (reported === undefined || reported.traversalId !== traversalId || reported.node !== node) return undefined;
    this.reported = undefined;
    return reported.value;
  }
}

/** The check's stack record: claimed, or read. */
export async function firstStack(env: CheckEnv, stackId: string): Promise<StackRecord | null> {
  const claimed = env.claim?.takeStack();
  return claimed !== undefined ? claimed : env.store.loadStack(stackId);
}

/** The check's row: claimed, or read. */
export async function firstRow(env: CheckEnv, stackId: string, rowId: string): Promise<ResourceRow | null> {
  const claimed = env.claim?.takeRow(rowId);
  return claimed !== undefined ? claimed : env.store.loadRow(stackId, rowId);
}

/** The check's first sync point: claimed, or read (`readSync`). */
export async function firstSync(env: CheckEnv, stackId: string, traversalId: string, node: SyncKey): Promise<Map<SyncKey, SyncPayload> | null> {
  const claimed = env.claim?.takeSync(traversalId, node);
  return claimed !== undefined ? claimed : env.store.readSync(stackId, traversalId, node);
}

/** Whether the check's node already reported (`nodeReported` of report.ts): claimed, or read. */
export async function firstReported(env: CheckEnv, stackId: string, graph: TraversalGraph, node: NodeKey): Promise<boolean> {
  if (graph.nodes[node] === undefined) return false;
  const claimed = env.claim?.takeReported(graph.traversalId, node);
  return claimed !== undefined ? claimed : nodeReported(env, stackId, graph, node);
}
