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

/** Append a resource event for a row (an event on its own, not with a write). */
export async function rowEvent(
  env: CheckEnv,
  stack: StackRecord,
  traversalId: string,
  row: Pick<ResourceRow, "id" | "name" | "physicalId">,
  action: RowAction | "CHECK",
  status: Status,
  reason: string,
): Promise<void> {
  await env.store.appendEvents(stack.id, [completeRowEvent(rowWriteEvent(env, stack, traversalId, action, status, reason), row)]);
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
