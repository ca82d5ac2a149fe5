/** `checkStack`: start a CHECK traversal (Heat's `stack check`) of a settled stack. */
import { StackStateError } from "../errors.js";
import { startCheck } from "../protocol/check-stack.js";
import type { EngineDeps } from "./engine-deps.js";
import type { StackInfo } from "./stack-view.js";

/** `Engine.checkStack`. @throws StackNotFoundError, StackStateError while a traversal is in progress */
export async function checkStack(deps: EngineDeps, name: string): Promise<StackInfo> {
  return deps.retryStart(name, async (stack) => {
    if (stack.status === "IN_PROGRESS") {
      throw new StackStateError(`stack "${name}" is ${stack.action}_IN_PROGRESS; wait for it to end before checking it`);
    }
    return startCheck(deps.env, stack);
  });
}
