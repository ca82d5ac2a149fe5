/**
 * The resource events of row writes: what a protocol write records when it is accepted, and
 * the stack event a runtime appends for it. Shared by the protocol and every runtime (the
 * memory store and the Redis scripts complete the event the same way).
 */
import type { NewStackEvent, ResourceRow, RowAction, Status } from "./types.js";

/**
 * The resource event of a row write, recorded only when the write is accepted. The runtime
 * completes it from the row as written: `kind: "resource"`, `resourceName`, `rowId` and
 * `physicalId`.
 */
export interface RowWriteEvent {
  /** Epoch ms. */
  readonly time: number;
  /** Stack name. */
  readonly stackName: string;
  /** Traversal during which it happened. */
  readonly traversalId: string;
  /** Action (`CHECK` for a check's result). */
  readonly action: RowAction | "CHECK";
  /** Status. */
  readonly status: Status;
  /** Explanation. */
  readonly reason: string;
}

/**
 * The resource event `event` stands for, once `row` is written (one object of one shape,
 * built field by field: this runs for every accepted write).
 */
export function completeRowEvent(event: RowWriteEvent, row: Pick<ResourceRow, "id" | "name" | "physicalId">): NewStackEvent {
  return {
    time: event.time,
    stackName: event.stackName,
    traversalId: event.traversalId,
    action: event.action,
    status: event.status,
    reason: event.reason,
    kind: "resource",
    resourceName: row.name,
    rowId: row.id,
    physicalId: row.physicalId,
  };
}
