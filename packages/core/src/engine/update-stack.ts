/**
 * `updateStack`: converge a stack to a new template. Options not given keep the stack's
 * stored ones; the template is checked against the current one (immutable parameters,
 * external ids) inside the retried start, after the stack is re-read.
 */
import { randomUUID } from "../platform/node.js";
import { InvalidOptionsError } from "../errors.js";
import { startTraversal } from "../protocol/start-traversal.js";
import { openParameters } from "../secrets/template-secrets.js";
import { checkExternalIds } from "./adopt.js";
import type { EngineDeps } from "./engine-deps.js";
import type { TemplateInput } from "./engine-types.js";
import { checkImmutableParameters } from "./immutable-parameters.js";
import type { StackOperationOptions } from "./options.js";
import { resolveStackOptions } from "./options.js";
import type { StackInfo } from "./stack-view.js";
import { storedOptions, storedReconcile, withReconcile } from "./stored-options.js";

/** `Engine.updateStack`. @throws StackNotFoundError, TemplateValidationError, InvalidOptionsError, ImmutableParameterError */
export async function updateStack(deps: EngineDeps, name: string, template: TemplateInput, opts: StackOperationOptions | undefined): Promise<StackInfo> {
  const { store } = deps;
  const previous = await deps.load(name);
  const merged: StackOperationOptions = {
    parameters: opts?.parameters ?? openParameters(previous.options.parameters),
    disableRollback: opts?.disableRollback ?? previous.options.disableRollback,
    timeoutMs: opts?.timeoutMs === undefined ? previous.options.timeoutMs : opts.timeoutMs,
    reconcile: opts?.reconcile === undefined ? storedReconcile(previous.options) : opts.reconcile,
    ...deps.compiler.composition(previous, opts),
  };
  const compiled = deps.compiler.compile(template, merged, { name, id: previous.id, update: true });
  const stackOptions = storedOptions(resolveStackOptions(merged), compiled);
  const templateId = randomUUID();
  const converge = opts?.converge ?? false;
  if (typeof converge !== "boolean") throw new InvalidOptionsError("converge", "must be a boolean");
  return withReconcile(deps.env, stackOptions, deps.retryStart(name, async (stack) => {
    checkImmutableParameters(await store.loadTemplate(stack.id, stack.templateId), compiled);
    await checkExternalIds(store, stack, compiled);
    return startTraversal(deps.env, {
      stack,
      action: "UPDATE",
      templateId,
      template: compiled,
      storeTemplate: true,
      options: stackOptions,
      reason: converge ? "Stack UPDATE started (converge)" : "Stack UPDATE started",
      converge,
    });
  }));
}
