/**
 * Events as the memory event log keeps them: frozen objects of two fixed shapes (resource
 * events, stack events), every field in the object itself. The spread `{ ...event, seq }` it
 * replaces gave each event a property array besides the object (~85 bytes more per event,
 * 100k events kept per stream) and a shape per key order; a resource event of a fused write
 * is built here at once from the write's event and the row, without the intermediate object.
 */
import type { RowWriteEvent } from "../model/events.js";
import { completeRowEvent } from "../model/events.js";
import type { NewStackEvent, ResourceRow, StackEvent } from "../model/types.js";

const ROW_WRITE_FIELDS: ReadonlySet<string> = new Set(["time", "stackName", "traversalId", "action", "status", "reason"]);
const STACK_FIELDS: ReadonlySet<string> = new Set([...ROW_WRITE_FIELDS, "kind"]);
const RESOURCE_FIELDS: ReadonlySet<string> = new Set([...STACK_FIELDS, "resourceName", "rowId", "physicalId"]);

/** How many own keys `value` has, or -1 when one of them is not in `fields`. */
function countFields(value: object, fields: ReadonlySet<string>): number {
  let n = 0;
  for (const key in value) {
    if (!fields.has(key)) return -1;
    n += 1;
  }
  return n;
}

/** A resource event with its sequence number, frozen, in the shape all of them share. */
function resourceEvent(e: RowWriteEvent, resourceName: string | undefined, rowId: string | undefined, physicalId: string | null | undefined, seq: string): StackEvent {
  return Object.freeze({
    time: e.time,
    stackName: e.stackName,
    traversalId: e.traversalId,
    action: e.action,
    status: e.status,
    reason: e.reason,
    kind: "resource" as const,
    resourceName,
    rowId,
    physicalId,
    seq,
  }) as StackEvent;
}

/** `event` with its sequence number, frozen: what `Object.freeze({ ...event, seq })` gives, in a fixed shape when it has one. */
export function storedEvent(event: NewStackEvent, seq: string): StackEvent {
  if (event.kind === "resource" && countFields(event, RESOURCE_FIELDS) === RESOURCE_FIELDS.size) {
    return resourceEvent(event as RowWriteEvent, event.resourceName, event.rowId, event.physicalId, seq);
  }
  if (event.kind === "stack" && countFields(event, STACK_FIELDS) === STACK_FIELDS.size) {
    const { time, kind, stackName, traversalId, action, status, reason } = event;
    return Object.freeze({ time, kind, stackName, traversalId, action, status, reason, seq });
  }
  return Object.freeze({ ...event, seq });
}

/** The stored resource event of a write's `event` once `row` is written (what `storedEvent(completeRowEvent(event, row), seq)` gives). */
export function storedRowEvent(event: RowWriteEvent, row: Pick<ResourceRow, "id" | "name" | "physicalId">, seq: string): StackEvent {
  if (countFields(event, ROW_WRITE_FIELDS) !== ROW_WRITE_FIELDS.size) return storedEvent(completeRowEvent(event, row), seq);
  return resourceEvent(event, row.name, row.id, row.physicalId, seq);
}
