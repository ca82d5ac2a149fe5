/**
 * The automatic rollback (W-C): a ROLLBACK traversal to the stack's last *completed*
 * template, started by a failed traversal (`fail.ts`) or by `engine.rollbackStack`.
 */
import type { StackRecord } from "../model/types.js";
import { randomUUID } from "../platform/node.js";
import { EMPTY_TEMPLATE } from "../template/types.js";
import type { TraversalEnv } from "./start-traversal.js";
import { startTraversal } from "./start-traversal.js";

/**
 * Start a ROLLBACK traversal from `stack` (as read) to its last completed template, or to the
 * empty template when the stack never completed. Returns the traversal id, or null when the
 * stack moved on meanwhile.
 */
export async function startRollback(env: TraversalEnv, stack: StackRecord, reason: string): Promise<string | null> {
  const prev = stack.prevTemplateId === null ? null : await env.store.loadTemplate(stack.id, stack.prevTemplateId);
  const templateId = prev === null || stack.prevTemplateId === null ? randomUUID() : stack.prevTemplateId;
  return startTraversal(env, {
    stack,
    action: "ROLLBACK",
    templateId,
    template: prev ?? EMPTY_TEMPLATE,
    storeTemplate: prev === null,
    options: stack.options,
    reason,
  });
}
