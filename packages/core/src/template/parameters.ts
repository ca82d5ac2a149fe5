/**
 * Parameters: validate the declarations of a template's `parameters` section, then bind
 * the values given for a stack (coerced to the declared type, defaults applied, constraints
 * checked).
 */
import { InvalidOptionsError, ParameterError, TemplateValidationError } from "../errors.js";
import { checkNesting } from "./nesting.js";
import { checkConstraintDeclarations, checkConstraints } from "./parameter-constraints.js";
import type { CheckedConstraint } from "./parameter-constraints.js";
import { PARAMETER_TYPES, coerceParameterValue } from "./parameter-coercion.js";
import { isPlainObject, joinPath, kindOf, ownValue } from "./plain-data.js";
import type { PlainObject } from "./plain-data.js";
import type { ParameterType } from "./types.js";

/** The parameter values of one compilation. */
export interface BoundParameters {
  /** Coerced value of every declared parameter, in declaration order. */
  readonly values: ReadonlyMap<string, unknown>;
  /** Names of the parameters declared `hidden: true`. */
  readonly hidden: ReadonlySet<string>;
  /** Names of the parameters declared `immutable: true` (an update may not change their values). */
  readonly immutable: ReadonlySet<string>;
}

/** What a coercion error of a hidden parameter says instead of its details (which may quote the value). */
const HIDDEN_VALUE = "not of that type (a hidden parameter's value is not shown)";

/** Keys a parameter declaration may have (`tags` is accepted and ignored). */
const DECLARATION_KEYS = new Set(["type", "default", "description", "label", "hidden", "constraints", "immutable", "tags"]);

interface Declaration {
  readonly name: string;
  readonly type: ParameterType;
  readonly hidden: boolean;
  readonly immutable: boolean;
  readonly constraints: readonly CheckedConstraint[];
  readonly defaultValue: { readonly value: unknown } | undefined;
}

/** How a nested template's parameters are bound (see {@link bindParameters}). */
export interface BindOptions {
  /** Given values that are run-time expressions: bound as they are, type and constraints unchecked. */
  readonly runtime?: ReadonlySet<string>;
  /** Defaults that replace the template's own (`parameter_defaults` of the environment). */
  readonly defaults?: Readonly<Record<string, unknown>>;
  /** The error path of a given value (a nested template's parameters are its parent's properties). @default `parameters.NAME` */
  readonly valuePath?: (name: string) => string;
  /** What a value given for an undeclared parameter is called in its error. @default "a value was given for" */
  readonly undeclared?: (name: string) => string;
}

/**
 * Validate parameter declarations and bind values, in this order: every declaration (in key
 * order, defaults included; `default: null` counts as no default), then values given for
 * undeclared parameters, then each declared parameter's value.
 *
 * @param section the template's `parameters` mapping (already checked to be a mapping).
 * @param given the values supplied for the stack.
 * @throws TemplateValidationError at `parameters.NAME…` for a bad declaration.
 * @throws ParameterError at `parameters.NAME` for a missing, undeclared or invalid value
 *   (at `parameters.NAME.default` for an invalid default).
 */
export function bindParameters(section: PlainObject, given: unknown, options: BindOptions = {}): BoundParameters {
  if (given !== undefined && given !== null && !isPlainObject(given)) {
    throw new InvalidOptionsError("parameters", `must be a mapping of parameter name to value, got ${kindOf(given)}`);
  }
  const supplied: PlainObject = given ?? {};
  const declarations = Object.keys(section).map((name) => declare(name, section[name]));
  const declared = new Set(declarations.map((d) => d.name));
  const valuePath = options.valuePath ?? ((name: string) => joinPath("parameters", name));
  for (const name of Object.keys(supplied)) {
    if (!declared.has(name) && supplied[name] !== undefined) {
      const what = options.undeclared?.(name) ?? `a value was given for "${name}", which the template does not declare`;
      throw new ParameterError(valuePath(name), what);
    }
  }
  const values = new Map<string, unknown>();
  const hidden = new Set<string>();
  const immutable = new Set<string>();
  for (const d of declarations) {
    if (d.hidden) hidden.add(d.name);
    if (d.immutable) immutable.add(d.name);
    const path = valuePath(d.name);
    let raw = ownValue(supplied, d.name);
    if (raw !== undefined && options.runtime?.has(d.name) === true) {
      values.set(d.name, raw);
      continue;
    }
    const envDefault = options.defaults === undefined ? undefined : ownValue(options.defaults, d.name);
    if (raw === undefined && envDefault !== undefined && envDefault !== null) raw = envDefault;
    if (raw === undefined) {
      if (d.defaultValue === undefined) {
        throw new ParameterError(path, `parameter "${d.name}" is required: it has no default and no value was given`);
      }
      values.set(d.name, d.defaultValue.value);
      continue;
    }
    checkNesting(raw, path);
    const coerced = coerceParameterValue(d.type, raw);
    if (!coerced.ok) throw new ParameterError(path, `invalid ${d.type} value: ${d.hidden ? HIDDEN_VALUE : coerced.message}`);
    checkConstraints(d.type, coerced.value, d.constraints, path, d.hidden);
    values.set(d.name, coerced.value);
  }
  return { values, hidden, immutable };
}

function declare(name: string, decl: unknown): Declaration {
  const path = joinPath("parameters", name);
  if (!isPlainObject(decl)) throw new TemplateValidationError(path, `a parameter declaration must be a mapping, got ${kindOf(decl)}`);
  for (const key of Object.keys(decl)) {
    if (!DECLARATION_KEYS.has(key)) {
      throw new TemplateValidationError(joinPath(path, key), `unknown key "${key}" in a parameter declaration (allowed: ${[...DECLARATION_KEYS].join(", ")})`);
    }
  }
  const type = decl.type;
  if (typeof type !== "string" || !(PARAMETER_TYPES as readonly string[]).includes(type)) {
    const got = type === undefined ? "it is missing" : `got ${JSON.stringify(type)}`;
    throw new TemplateValidationError(joinPath(path, "type"), `a parameter type must be one of ${PARAMETER_TYPES.join(", ")}; ${got}`);
  }
  const ptype = type as ParameterType;
  for (const key of ["description", "label"] as const) {
    if (decl[key] !== undefined && typeof decl[key] !== "string") {
      throw new TemplateValidationError(joinPath(path, key), `${key} must be a string`);
    }
  }
  for (const key of ["hidden", "immutable"] as const) {
    if (decl[key] !== undefined && typeof decl[key] !== "boolean") {
      throw new TemplateValidationError(joinPath(path, key), `${key} must be true or false`);
    }
  }
  const hidden = decl.hidden === true;
  const constraints = checkConstraintDeclarations(ptype, decl.constraints, joinPath(path, "constraints"));
  let defaultValue: Declaration["defaultValue"];
  if (decl.default !== undefined && decl.default !== null) {
    const at = joinPath(path, "default");
    const coerced = coerceParameterValue(ptype, decl.default);
    if (!coerced.ok) throw new ParameterError(at, `invalid ${ptype} default: ${hidden ? HIDDEN_VALUE : coerced.message}`);
    checkConstraints(ptype, coerced.value, constraints, at, hidden);
    defaultValue = { value: coerced.value };
  }
  return { name, type: ptype, hidden, immutable: decl.immutable === true, constraints, defaultValue };
}
