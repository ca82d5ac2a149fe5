/**
 * The events a check records: the event of a row write (appended by the runtime with the
 * write, only when it is accepted), a resource event on its own, and a stack event.
 */
import type { RowWriteEvent } from "../model/events.js";
import { completeRowEvent } from "../model/events.js";
import type { ResourceRow, RowAction, StackRecord, Status } from "../model/types.js";
import type { CheckEnv } from "./env.js";

/** The event of a row write (the runtime completes it from the written row: `model/events.ts`). */
export function rowWriteEvent(
  env: Pick<CheckEnv, "runtime">,
  stack: Pick<StackRecord, "name">,
  traversalId: string,
  action: RowAction | "CHECK",
  status: Status,
  reason: string,
): RowWriteEvent {
  return { time: env.runtime.now(), stackName: stack.name, traversalId, action, status, reason };
}

/**
 * Append the resource event of `row` on its own (not with a write): `event` as
 * {@link rowWriteEvent} makes it, completed from the row like a write's event.
 */
export async function rowEvent(
  env: Pick<CheckEnv, "store">,
  stack: Pick<StackRecord, "id">,
  row: Pick<ResourceRow, "id" | "name" | "physicalId">,
  event: RowWriteEvent,
): Promise<void> {
  await env.store.appendEvents(stack.id, [completeRowEvent(event, row)]);
}

/** Append a stack event. */
export async function stackEvent(
  env: Pick<CheckEnv, "store" | "runtime">,
  stack: Pick<StackRecord, "id" | "name">,
  traversalId: string,
  action: StackRecord["action"],
  status: Status,
  reason: string,
): Promise<void> {
  await env.store.appendEvents(stack.id, [
    { time: env.runtime.now(), kind: "stack", stackName: stack.name, traversalId, action, status, reason },
  ]);
}
