/**
 * Heat's facade check: a resource whose per-resource registry entry maps its type to a
 * provider template, while the global registry maps the same type to another template (the
 * facade), must offer what the facade promises - every parameter the facade requires (no
 * default) and every output it declares.
 */
import { TemplateValidationError } from "../../errors.js";
import { isPlainObject, joinPath } from "../plain-data.js";
import type { Composition } from "./context.js";
import { mapTypeName } from "./environment.js";

/** A name no resource can have (`/` separates nested paths): selects no per-resource entry. */
const NO_RESOURCE = "/";

function section(template: unknown, hot: string, cfn: string): Record<string, unknown> {
  if (!isPlainObject(template)) return {};
  const value = template[hot] ?? template[cfn];
  return isPlainObject(value) ? value : {};
}

/**
 * Check the provider `providerFile` of `declaredType` against its facade, if it has one.
 * @throws TemplateValidationError at `PATH.type` naming the missing parameter or output.
 */
export function checkFacade(comp: Composition, declaredType: string, providerFile: string, provider: unknown, from: string | undefined, path: string): void {
  const typePath = joinPath(path, "type");
  const facadeName = mapTypeName(comp.env, declaredType, NO_RESOURCE, typePath, from);
  if (facadeName === declaredType || facadeName === providerFile || !comp.files.has(facadeName, from)) return;
  const facade = comp.files.template(facadeName, from, typePath).template;
  const params = section(provider, "parameters", "Parameters");
  for (const [name, decl] of Object.entries(section(facade, "parameters", "Parameters"))) {
    const required = !isPlainObject(decl) || (decl.default === undefined && decl.Default === undefined);
    if (required && !Object.prototype.hasOwnProperty.call(params, name)) {
      throw new TemplateValidationError(typePath, `required property ${name} for facade ${declaredType} (${facadeName}) is missing in provider ${providerFile}`);
    }
  }
  const outputs = section(provider, "outputs", "Outputs");
  for (const name of Object.keys(section(facade, "outputs", "Outputs"))) {
    if (!Object.prototype.hasOwnProperty.call(outputs, name)) {
      throw new TemplateValidationError(typePath, `attribute ${name} for facade ${declaredType} (${facadeName}) is missing in provider ${providerFile}`);
    }
  }
}
