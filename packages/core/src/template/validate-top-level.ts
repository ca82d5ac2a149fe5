/**
 * Validation of a template's top level: allowed keys and the shape of each section.
 */
import { TemplateValidationError } from "../errors.js";
import { NESTED_SEPARATOR } from "./compose/paths.js";
import { isPlainObject, joinPath, kindOf } from "./plain-data.js";
import type { PlainObject } from "./plain-data.js";

/** Top-level keys a template may have. */
export const TEMPLATE_KEYS: readonly string[] = [
  "heat_template_version",
  "description",
  "parameters",
  "parameter_groups",
  "resources",
  "outputs",
  "conditions",
];
const TEMPLATE_KEY_SET: ReadonlySet<string> = new Set(TEMPLATE_KEYS);

/** The sections of a template whose top level is valid (absent or null sections are empty). */
export interface TemplateSections {
  /** `description`, when given. */
  readonly description: string | undefined;
  /** `parameters` mapping. */
  readonly parameters: PlainObject;
  /** `parameter_groups` list. */
  readonly parameterGroups: readonly unknown[];
  /** `resources` mapping. */
  readonly resources: PlainObject;
  /** `outputs` mapping. */
  readonly outputs: PlainObject;
  /** `conditions` mapping. */
  readonly conditions: PlainObject;
}

/**
 * Check the top level: a mapping, only {@link TEMPLATE_KEYS} (in key order), then each
 * section's kind in the order of {@link TEMPLATE_KEYS}, then the names of parameters,
 * resources, outputs and conditions (not empty, no control characters; no `/` in a
 * resource name: it separates the parts of a nested resource's name).
 * @throws TemplateValidationError at `""`, at an unknown key, at the malformed section or
 *   at the bad name.
 */
export function checkTopLevel(template: unknown): TemplateSections {
  if (!isPlainObject(template)) throw new TemplateValidationError("", `a template must be a mapping, got ${kindOf(template)}`);
  for (const key of Object.keys(template)) {
    if (!TEMPLATE_KEY_SET.has(key)) {
      throw new TemplateValidationError(key, `unknown top-level key "${key}" (allowed: ${TEMPLATE_KEYS.join(", ")})`);
    }
  }
  const version = template.heat_template_version;
  if (version !== undefined && version !== null && typeof version !== "string" && typeof version !== "number") {
    throw new TemplateValidationError("heat_template_version", `must be a string or a date, got ${kindOf(version)}`);
  }
  const description = template.description;
  if (description !== undefined && description !== null && typeof description !== "string") {
    throw new TemplateValidationError("description", `must be a string, got ${kindOf(description)}`);
  }
  const parameters = mapping(template, "parameters");
  const groups = template.parameter_groups ?? [];
  if (!Array.isArray(groups)) throw new TemplateValidationError("parameter_groups", `must be a list, got ${kindOf(groups)}`);
  const resources = mapping(template, "resources");
  const outputs = mapping(template, "outputs");
  const conditions = mapping(template, "conditions");
  checkNames(parameters, "parameters", "parameter");
  checkNames(resources, "resources", "resource");
  checkNames(outputs, "outputs", "output");
  checkNames(conditions, "conditions", "condition");
  return {
    description: typeof description === "string" ? description : undefined,
    parameters,
    parameterGroups: groups,
    resources,
    outputs,
    conditions,
  };
}

// C0 and C1 control characters (newline, tab, NUL, DEL, ...).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Check the names of a section (parameters, resources, outputs, conditions): not empty and
 * without control characters, since they appear in paths, events, logs and the CLI's tables.
 * @throws TemplateValidationError at `SECTION.NAME`.
 */
function checkNames(section: PlainObject, key: string, kind: string): void {
  for (const name of Object.keys(section)) {
    if (name === "") throw new TemplateValidationError(joinPath(key, name), `a ${kind} name must not be empty`);
    if (CONTROL.test(name)) {
      throw new TemplateValidationError(joinPath(key, JSON.stringify(name)), `${kind} name ${JSON.stringify(name)} contains a control character`);
    }
    if (kind === "resource" && name.includes(NESTED_SEPARATOR)) {
      throw new TemplateValidationError(
        joinPath(key, name),
        `resource name ${JSON.stringify(name)} contains "${NESTED_SEPARATOR}", which separates the names of nested resources (app${NESTED_SEPARATOR}db)`,
      );
    }
  }
}

function mapping(template: PlainObject, key: string): PlainObject {
  const section = template[key] ?? {};
  if (!isPlainObject(section)) throw new TemplateValidationError(key, `must be a mapping, got ${kindOf(section)}`);
  return section;
}

/**
 * Check `parameter_groups`: a list of `{ label?, description?, parameters: [names] }`
 * naming declared parameters, each in at most one group.
 * @throws TemplateValidationError at `parameter_groups.I…`.
 */
export function checkParameterGroups(groups: readonly unknown[], declared: ReadonlySet<string>): void {
  const seen = new Set<string>();
  groups.forEach((group, i) => {
    const path = joinPath("parameter_groups", i);
    if (!isPlainObject(group)) throw new TemplateValidationError(path, `a parameter group must be a mapping, got ${kindOf(group)}`);
    for (const key of Object.keys(group)) {
      if (key !== "label" && key !== "description" && key !== "parameters") {
        throw new TemplateValidationError(joinPath(path, key), `unknown key "${key}" in a parameter group (allowed: label, description, parameters)`);
      }
      if (key !== "parameters" && typeof group[key] !== "string") {
        throw new TemplateValidationError(joinPath(path, key), `${key} must be a string`);
      }
    }
    const names = group.parameters ?? [];
    if (!Array.isArray(names)) throw new TemplateValidationError(joinPath(path, "parameters"), "must be a list of parameter names");
    names.forEach((name: unknown, j) => {
      const at = joinPath(joinPath(path, "parameters"), j);
      if (typeof name !== "string" || !declared.has(name)) {
        throw new TemplateValidationError(at, `${JSON.stringify(name)} is not a declared parameter`);
      }
      if (seen.has(name)) throw new TemplateValidationError(at, `parameter "${name}" is already in a group`);
      seen.add(name);
    });
  });
}
