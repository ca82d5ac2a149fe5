/**
 * Where the CloudFormation dialect plugs into compiling: any template (the top-level one or a
 * nested one) that is a CFN template is translated into HOT first, and the errors found
 * compiling the translation are given back in CFN terms.
 */
import { TemplateValidationError } from "../../errors.js";
import { checkNesting } from "../nesting.js";
import { isCfnTemplate, translateCfnTemplate } from "./translate.js";

/**
 * Compile `input` with `compile`, translating its `template` from CFN into HOT first when it
 * is a CFN template (its nesting depth checked before the translation walks it). Errors of
 * `compile` with paths relative to this template are rewritten into CFN paths.
 */
export function withCfnDialect<I extends { readonly template: unknown }, R>(input: I, compile: (input: I) => R): R {
  if (!isCfnTemplate(input.template)) return compile(input);
  checkNesting(input.template);
  let cfn;
  try {
    cfn = translateCfnTemplate(input.template);
  } catch (error) {
    throw inCfnTerms(error);
  }
  try {
    return compile({ ...input, template: cfn.template });
  } catch (error) {
    throw inCfnTerms(cfn.paths.rewrite(error));
  }
}

/** Errors whose paths are already in the terms of the template they name. */
const ALREADY = new WeakSet<object>();

function inCfnTerms(error: unknown): unknown {
  if (typeof error === "object" && error !== null) ALREADY.add(error);
  return error;
}

/** HOT section and resource keys and their CFN names. */
const SECTIONS: ReadonlyMap<string, string> = new Map([
  ["resources", "Resources"],
  ["outputs", "Outputs"],
  ["parameters", "Parameters"],
  ["conditions", "Conditions"],
]);
const RESOURCE_KEYS: ReadonlyMap<string, string> = new Map([
  ["type", "Type"],
  ["properties", "Properties"],
  ["depends_on", "DependsOn"],
  ["deletion_policy", "DeletionPolicy"],
  ["update_policy", "UpdatePolicy"],
  ["condition", "Condition"],
]);

/**
 * An error found after the templates were compiled (a dependency cycle, linking nested
 * stacks), when the top-level template is a CFN one: its path's section and resource key in
 * CFN terms (`resources` → `Resources`, `resources.app.properties` → `Resources.app.Properties`).
 */
export function inCfnTermsAfterCompile(template: unknown, error: unknown): unknown {
  if (!isCfnTemplate(template) || !(error instanceof TemplateValidationError) || error.path === "" || ALREADY.has(error)) return error;
  const parts = error.path.split(".");
  const section = SECTIONS.get(parts[0] as string);
  if (section === undefined) return error;
  parts[0] = section;
  if (section === "Resources" && parts.length > 2) parts[2] = RESOURCE_KEYS.get(parts[2] as string) ?? (parts[2] as string);
  const path = parts.join(".");
  const head = `${error.path}: `;
  if (error.message.startsWith(head)) error.message = `${path}: ${error.message.slice(head.length)}`;
  Object.defineProperty(error, "path", { value: path, enumerable: true, configurable: true, writable: false });
  return error;
}
