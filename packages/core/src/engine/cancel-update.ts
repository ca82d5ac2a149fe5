/**
 * `cancelUpdate`: stop the traversal in flight - a rollback starts (default), or the stack is
 * marked `<ACTION>_FAILED` "cancelled" - and publish the cancel so every engine aborts its
 * in-flight plugin calls of that traversal.
 */
import { randomUUID } from "../platform/node.js";
import { StackStateError } from "../errors.js";
import type { StackRecord } from "../model/types.js";
import { startRollback } from "../protocol/rollback.js";
import type { EngineDeps } from "./engine-deps.js";
import type { StackInfo } from "./stack-view.js";

/** Supersede the stack's traversal by a FAILED one (no rollback); null when another start won the CAS. */
async function cancelWithoutRollback(deps: EngineDeps, stack: StackRecord): Promise<string | null> {
  const { store, runtime } = deps;
  const traversalId = randomUUID();
  const reason = `Stack ${stack.action} cancelled`;
  const ok = await store.beginTraversal({
    stackId: stack.id,
    expectedTraversal: stack.currentTraversal,
    stack: { ...stack, currentTraversal: traversalId, status: "FAILED", statusReason: reason, deadline: null, updatedAt: runtime.now() },
  });
  if (!ok) return null;
  await store.appendEvents(stack.id, [{ time: runtime.now(), kind: "stack", stackName: stack.name, traversalId, action: stack.action, status: "FAILED", reason }]);
  return traversalId;
}

/** `Engine.cancelUpdate`. @throws StackNotFoundError, StackStateError when nothing cancellable is in progress */
export async function cancelUpdate(deps: EngineDeps, name: string, opts: { rollback?: boolean } | undefined): Promise<StackInfo> {
  const rollback = opts?.rollback ?? true;
  return deps.retryStart(name, async (stack) => {
    if (stack.status !== "IN_PROGRESS" || stack.action === "DELETE") {
      throw new StackStateError(`stack "${name}" is ${stack.action}_${stack.status}; only a create, update or rollback in progress can be cancelled`);
    }
    // A check changes nothing: cancelling it only stops it (CHECK_FAILED "cancelled").
    const started = rollback && stack.action !== "ROLLBACK" && stack.action !== "CHECK"
      ? await startRollback(deps.env, stack, `Stack ${stack.action} cancelled; rolling back`)
      : await cancelWithoutRollback(deps, stack);
    if (started !== null) await deps.runtime.publishCancel(stack.id, stack.currentTraversal);
    return started;
  });
}
