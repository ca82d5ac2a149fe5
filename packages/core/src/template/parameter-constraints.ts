/**
 * Parameter constraints (HOT): `allowed_values`, `range`, `length` and
 * `allowed_pattern` / `pattern`, each optionally with a `description` used as the message.
 */
import { ParameterError, TemplateValidationError } from "../errors.js";
import { coerceParameterValue } from "./parameter-coercion.js";
import { isPlainObject, joinPath, jsonEqual, kindOf, show } from "./plain-data.js";
import type { ParameterType } from "./types.js";
import { errorMessage } from "../error-message.js";

/** A validated constraint, ready to check values against. */
export type CheckedConstraint = { readonly description: string | undefined } & (
  | { readonly kind: "allowed_values"; readonly values: readonly unknown[] }
  | { readonly kind: "range" | "length"; readonly min: number | undefined; readonly max: number | undefined }
  | { readonly kind: "pattern"; readonly source: string; readonly regex: RegExp }
);

const KINDS = ["allowed_values", "range", "length", "allowed_pattern", "pattern"] as const;
const APPLIES: Record<(typeof KINDS)[number], readonly ParameterType[]> = {
  allowed_values: ["string", "number", "boolean", "json", "comma_delimited_list"],
  range: ["number"],
  length: ["string", "comma_delimited_list", "json"],
  allowed_pattern: ["string"],
  pattern: ["string"],
};

/**
 * Validate the `constraints` list of a parameter declared with `type`.
 * @param path path of the list, e.g. `parameters.size.constraints`.
 * @throws TemplateValidationError at the offending constraint.
 */
export function checkConstraintDeclarations(type: ParameterType, constraints: unknown, path: string): CheckedConstraint[] {
  if (constraints === undefined || constraints === null) return [];
  if (!Array.isArray(constraints)) throw new TemplateValidationError(path, `constraints must be a list, got ${kindOf(constraints)}`);
  return constraints.map((c, i) => checkOne(type, c, joinPath(path, i)));
}

function checkOne(type: ParameterType, c: unknown, path: string): CheckedConstraint {
  if (!isPlainObject(c)) throw new TemplateValidationError(path, `a constraint must be a mapping, got ${kindOf(c)}`);
  const kinds: (typeof KINDS)[number][] = [];
  for (const key of Object.keys(c)) {
    if ((KINDS as readonly string[]).includes(key)) kinds.push(key as (typeof KINDS)[number]);
    else if (key !== "description") {
      throw new TemplateValidationError(joinPath(path, key), `unsupported constraint "${key}" (supported: ${KINDS.join(", ")})`);
    }
  }
  const description = c.description;
  if (description !== undefined && typeof description !== "string") {
    throw new TemplateValidationError(joinPath(path, "description"), "a constraint description must be a string");
  }
  const kind = kinds[0];
  if (kind === undefined || kinds.length > 1) {
    throw new TemplateValidationError(path, `a constraint needs exactly one of ${KINDS.join(", ")}`);
  }
  const at = joinPath(path, kind);
  if (!APPLIES[kind].includes(type)) {
    throw new TemplateValidationError(at, `"${kind}" does not apply to a ${type} parameter`);
  }
  const arg = c[kind];
  if (kind === "allowed_values") {
    if (!Array.isArray(arg)) throw new TemplateValidationError(at, "allowed_values must be a list");
    return { kind, values: arg, description };
  }
  if (kind === "range" || kind === "length") {
    if (!isPlainObject(arg)) throw new TemplateValidationError(at, `${kind} must be a mapping with min and/or max`);
    const bound = (name: "min" | "max"): number | undefined => {
      const v = arg[name];
      const valid = typeof v === "number" && Number.isFinite(v) && (kind === "range" || (Number.isInteger(v) && v >= 0));
      if (v !== undefined && !valid) {
        throw new TemplateValidationError(joinPath(at, name), `${kind} ${name} must be a ${kind === "range" ? "number" : "non-negative integer"}`);
      }
      return v as number | undefined;
    };
    for (const key of Object.keys(arg)) {
      if (key !== "min" && key !== "max") throw new TemplateValidationError(joinPath(at, key), `${kind} takes only min and max`);
    }
    const min = bound("min");
    const max = bound("max");
    if (min === undefined && max === undefined) throw new TemplateValidationError(at, `${kind} needs min and/or max`);
    return { kind, min, max, description };
  }
  if (typeof arg !== "string") throw new TemplateValidationError(at, `${kind} must be a string`);
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${arg})$`);
  } catch (error) {
    throw new TemplateValidationError(at, `invalid regular expression: ${errorMessage(error)}`);
  }
  return { kind: "pattern", source: arg, regex, description };
}

/**
 * Check a coerced parameter value against its constraints.
 * @param path where to report, e.g. `parameters.size` (or `parameters.size.default`).
 * @param hidden when true, the value is left out of messages.
 * @throws ParameterError with the constraint's description (or a default message).
 */
export function checkConstraints(
  type: ParameterType,
  value: unknown,
  constraints: readonly CheckedConstraint[],
  path: string,
  hidden: boolean,
): void {
  for (const c of constraints) {
    const problem = violation(type, value, c);
    if (problem === undefined) continue;
    const shown = hidden ? "" : ` (value ${show(value)})`;
    throw new ParameterError(path, c.description !== undefined ? `${c.description}${shown}` : `${problem}${shown}`);
  }
}

function violation(type: ParameterType, value: unknown, c: CheckedConstraint): string | undefined {
  switch (c.kind) {
    case "allowed_values": {
      const items = type === "comma_delimited_list" ? (value as string[]) : [value];
      const itemType: ParameterType = type === "comma_delimited_list" ? "string" : type;
      const ok = items.every((item) => c.values.some((allowed) => sameValue(itemType, item, allowed)));
      return ok ? undefined : `${type === "comma_delimited_list" ? "every item " : ""}must be one of ${show(c.values)}`;
    }
    case "range":
      return outside(value as number, c.min, c.max, "must be");
    case "length":
      return outside(lengthOf(value), c.min, c.max, "length must be");
    case "pattern":
      return c.regex.test(value as string) ? undefined : `must match the pattern ${c.source}`;
  }
}

function sameValue(type: ParameterType, item: unknown, allowed: unknown): boolean {
  if (type === "json") return jsonEqual(item, allowed);
  const coerced = coerceParameterValue(type, allowed);
  return coerced.ok && coerced.value === item;
}

function lengthOf(value: unknown): number {
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  return isPlainObject(value) ? Object.keys(value).length : 0;
}

function outside(n: number, min: number | undefined, max: number | undefined, what: string): string | undefined {
  if ((min === undefined || n >= min) && (max === undefined || n <= max)) return undefined;
  if (min !== undefined && max !== undefined) return `${what} between ${min} and ${max}`;
  return min !== undefined ? `${what} at least ${min}` : `${what} at most ${max}`;
}
