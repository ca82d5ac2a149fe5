/** `deleteStack`: a traversal to the empty template, superseding any in flight. */
import { randomUUID } from "../platform/node.js";
import { startTraversal } from "../protocol/start-traversal.js";
import { EMPTY_TEMPLATE } from "../template/types.js";
import type { EngineDeps } from "./engine-deps.js";
import type { StackInfo } from "./stack-view.js";

/** `Engine.deleteStack`. @throws StackNotFoundError */
export async function deleteStack(deps: EngineDeps, name: string): Promise<StackInfo> {
  const templateId = randomUUID();
  return deps.retryStart(name, (stack) =>
    startTraversal(deps.env, { stack, action: "DELETE", templateId, template: EMPTY_TEMPLATE, storeTemplate: true, options: stack.options, reason: "Stack DELETE started" }),
  );
}
