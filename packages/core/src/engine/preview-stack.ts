/**
 * `previewUpdate`: what an update to a template would do to each resource, computed from the
 * stack's rows and templates (and, with `converge`, from reality read through each type's
 * `read`) without writing anything.
 */
import { loadTargetMatch } from "../protocol/start-traversal.js";
import { openRecord } from "../secrets/sealing-store.js";
import { openParameters } from "../secrets/template-secrets.js";
import type { EngineDeps } from "./engine-deps.js";
import type { TemplateInput } from "./engine-types.js";
import { checkImmutableParameters } from "./immutable-parameters.js";
import type { StackOperationOptions } from "./options.js";
import type { PreviewResult } from "./preview.js";
import { previewUpdate } from "./preview.js";
import { observeForPreview } from "./preview-observe.js";

/** `Engine.previewUpdate`. @throws StackNotFoundError, TemplateValidationError, ImmutableParameterError */
export async function previewStack(deps: EngineDeps, name: string, template: TemplateInput, opts: StackOperationOptions | undefined): Promise<PreviewResult> {
  const { store, types } = deps;
  const stack = await deps.load(name);
  const compiled = deps.compiler.compile(
    template,
    { parameters: opts?.parameters ?? openParameters(stack.options.parameters), ...deps.compiler.composition(stack, opts) },
    { name, id: stack.id, update: true },
  );
  const rows = (await store.loadRows(stack.id)).map((r) => ({ ...r, properties: openRecord(r.properties), attributes: openRecord(r.attributes) }));
  const match = await loadTargetMatch(store, stack.id, rows, compiled, "preview");
  const current = await store.loadTemplate(stack.id, stack.templateId);
  checkImmutableParameters(current, compiled);
  const observed = opts?.converge === true ? await observeForPreview(stack, rows, types, deps.resolved.logger) : undefined;
  return previewUpdate(stack, compiled, rows, types, current, match, observed);
}
