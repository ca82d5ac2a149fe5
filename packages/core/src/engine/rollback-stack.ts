/** `rollbackStack`: roll a failed or in-progress create/update back to the last completed template. */
import { StackStateError } from "../errors.js";
import { startRollback } from "../protocol/rollback.js";
import type { EngineDeps } from "./engine-deps.js";
import type { StackInfo } from "./stack-view.js";

/** `Engine.rollbackStack`. @throws StackNotFoundError, StackStateError for a complete stack, a delete or a check */
export async function rollbackStack(deps: EngineDeps, name: string): Promise<StackInfo> {
  return deps.retryStart(name, async (stack) => {
    if (stack.status === "COMPLETE" || stack.action === "DELETE" || stack.action === "CHECK") {
      throw new StackStateError(`stack "${name}" is ${stack.action}_${stack.status}; only a FAILED or IN_PROGRESS create/update can be rolled back`);
    }
    return startRollback(deps.env, stack, "Rollback requested");
  });
}
