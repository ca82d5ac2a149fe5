/**
 * What a runtime read when it claimed a delivery (`Delivery.claim` of the runtime contract,
 * `contract.ts`), which the check's first reads use (`delivery/claimed-store.ts`).
 */
import type { NodeKey, ResourceRow, StackRecord, SyncKey, SyncPayload } from "../model/types.js";

/**
 * What a runtime read when it claimed a delivery, in the same atomic step (see
 * `Delivery.claim`). Each value is the state at the claim, for the delivered message's
 * stack, row, traversal and node; a value the claim did not read is absent.
 */
export interface DeliveryClaim {
  /** The stack record (null: no such stack). */
  readonly stack: StackRecord | null;
  /** A node check's row, by id (`value` null: no such row). */
  readonly row?: { readonly rowId: string; readonly value: ResourceRow | null };
  /**
   * The check's first sync point - a node check's own node, `STACK_NODE` for `complete` - as
   * `readSync` answers (`value` null: the traversal is gone).
   */
  readonly sync?: { readonly traversalId: string; readonly node: SyncKey; readonly value: ReadonlyMap<SyncKey, SyncPayload> | null };
  /** Whether a node check's node already reported, as the store's `nodeReported` answers (used with a store that has it). */
  readonly reported?: { readonly traversalId: string; readonly node: NodeKey; readonly value: boolean };
}
