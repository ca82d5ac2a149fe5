/**
 * Continuous reconciliation (issue 13): a per-stack timer (`reconcile` message) that runs a
 * CHECK traversal (`report`) or a converging update to the current template (`repair`) every
 * interval. Stacks are spread over the interval: a stack's runs fall at a fixed offset (a
 * hash of its id) within each interval, so thousands of stacks do not fire at one instant.
 * The due time is part of the timer's identity, so engines scheduling the same run make one
 * timer (Redis: one job id). Each run schedules the next; the chain stops when the policy is
 * removed or changed (a timer not on the current policy's grid) or the stack is deleted.
 */
import type { CheckMessage, ReconcilePolicy, StackRecord } from "../model/types.js";
import { startCheck } from "./check-stack.js";
import { loadTemplate } from "./engine-cache.js";
import type { CheckEnv } from "./env.js";
import type { TraversalEnv } from "./start-traversal.js";
import { startTraversal } from "./start-traversal.js";

/** The offset of a stack's runs within each interval: FNV-1a of its id, modulo `everyMs`. */
export function reconcileOffset(stackId: string, everyMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < stackId.length; i++) {
    hash ^= stackId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % everyMs;
}

/** The first run of the stack's grid strictly after `now`. */
export function nextReconcileDue(stackId: string, everyMs: number, now: number): number {
  const offset = reconcileOffset(stackId, everyMs);
  const slot = Math.floor((now - offset) / everyMs) + 1;
  return slot * everyMs + offset;
}

/** The timer of the run due at `due`. */
export function reconcileMessage(stackId: string, due: number): CheckMessage {
  return { kind: "reconcile", stackId, traversalId: `reconcile@${due}`, due };
}

/** Schedule the next run of `stack`'s policy (nothing when it has none). */
export async function scheduleReconcile(env: Pick<TraversalEnv, "runtime">, stackId: string, policy: ReconcilePolicy | null | undefined): Promise<void> {
  if (policy === null || policy === undefined) return;
  const due = nextReconcileDue(stackId, policy.everyMs, env.runtime.now());
  await env.runtime.schedule(reconcileMessage(stackId, due), due);
}

/**
 * Handle a `reconcile` timer due at `due`: stop when the stack has no policy or the timer is
 * not on its grid (a changed policy has its own chain); skip the run while a traversal is in
 * flight or after a failed create/update/rollback (its failure stays visible until a user acts
 * on it; a failed check does not stop the chain); else start a
 * check (`report`) or a converging update to the current template (`repair`). The next run
 * is scheduled before this one starts, so a crash after it loses no run of the chain.
 */
export async function checkReconcile(env: CheckEnv, stack: StackRecord, due: number): Promise<void> {
  const policy = stack.options.reconcile;
  if (policy === null || policy === undefined) return;
  if ((due - reconcileOffset(stack.id, policy.everyMs)) % policy.everyMs !== 0) return;
  await scheduleReconcile(env, stack.id, policy);
  // Delivered again (a worker died mid-run, a duplicate): this run already started its traversal.
  if (stack.reconciledDue !== undefined && stack.reconciledDue >= due) return;
  if (stack.status === "IN_PROGRESS" || (stack.status === "FAILED" && stack.action !== "CHECK") || stack.action === "DELETE") {
    env.logger.info("reconciliation skipped", { stack: stack.name, state: `${stack.action}_${stack.status}` });
    return;
  }
  if (policy.mode === "report") {
    await startCheck(env, stack, due);
    return;
  }
  const template = await loadTemplate(env, stack.id, stack.templateId);
  if (template === null) return;
  await startTraversal(env, {
    stack,
    action: "UPDATE",
    templateId: stack.templateId,
    template,
    storeTemplate: false,
    options: stack.options,
    reason: `Stack UPDATE started (reconcile due ${due}: repair drift)`,
    converge: true,
    reconciledDue: due,
  });
}
