/**
 * Run-time resolution of the intrinsic functions left in a compiled property or output
 * value: `get_resource`, `get_attr`, and the functions over data that use them (through the
 * same function table as compile-time folding).
 */
import { TemplateValidationError } from "../errors.js";
import { invokeFunction } from "./functions/definition.js";
import { FUNCTION_TABLE } from "./functions/table.js";
import { intrinsicArgument, intrinsicName, isPathItem, stepInto } from "./intrinsics.js";
import { isPlainObject, joinPath, setOwn, show } from "./plain-data.js";
import type { PlainObject } from "./plain-data.js";

/**
 * "Not known yet": a {@link ResolveContext} may return it for a reference id or attribute
 * that will only exist after a create or update (update previews). A function over data
 * (`list_join`, `str_replace`, `map_merge`, `equals`, ...) whose argument holds it yields it;
 * elsewhere it stays in place (see {@link containsUnknown}).
 * Registered with `Symbol.for`, so two copies of this package agree on it.
 */
export const UNKNOWN: unique symbol = Symbol.for("@converge/core/template/unknown");

/** The type of {@link UNKNOWN}. */
export type Unknown = typeof UNKNOWN;

/** Where resolution reads the data of other resources (from the sync point, at run time). */
export interface ResolveContext {
  /** Reference id of a resource (normally its physical id), or {@link UNKNOWN}. */
  getResource(name: string): unknown;
  /** Value of one attribute of a resource, or {@link UNKNOWN}. */
  getAttr(name: string, attribute: string): unknown;
}

/**
 * Resolve every intrinsic function in a compiled value and return the resulting data (a
 * fresh copy). `get_attr` walks its remaining path into the attribute value (a missing step
 * gives null); the functions over data evaluate as they do when compileTemplate folds them
 * (`list_join` and `str_replace` stringify non-string items like Heat).
 *
 * @param path dotted path of `value`, used in error messages (e.g. `resources.web.properties.url`).
 * @throws TemplateValidationError at the intrinsic when its argument is malformed (for
 *   instance a `list_join` argument that resolved to something other than a list), or on
 *   `get_param` or `if`, which only {@link compileTemplate} can decide.
 */
export function resolveValue(value: unknown, ctx: ResolveContext, path = ""): unknown {
  // Leaves are copied as they are (no path is built for them: this runs for every check).
  if (Array.isArray(value)) return value.map((item, i) => (isLeaf(item) ? item : resolveValue(item, ctx, joinPath(path, i))));
  if (!isPlainObject(value)) return value;
  const fn = intrinsicName(value);
  if (fn === undefined) {
    const out: PlainObject = {};
    for (const key of Object.keys(value)) {
      const item = value[key];
      setOwn(out, key, isLeaf(item) ? item : resolveValue(item, ctx, joinPath(path, key)));
    }
    return out;
  }
  const arg = intrinsicArgument(value, fn);
  switch (fn) {
    case "get_resource":
      if (typeof arg !== "string") throw new TemplateValidationError(path, `get_resource takes a resource name, got ${show(arg)}`);
      return ctx.getResource(arg);
    case "get_attr": {
      const parts: unknown[] = Array.isArray(arg) ? arg : [];
      const [name, attribute, ...rawKeys] = parts;
      // Keys may be functions (a nested get_attr): resolved first.
      const keys = rawKeys.map((key, i) => (isPlainObject(key) ? resolveValue(key, ctx, joinPath(joinPath(path, "get_attr"), i + 2)) : key));
      if (keys.includes(UNKNOWN)) return UNKNOWN;
      if (typeof name !== "string" || typeof attribute !== "string" || !keys.every(isPathItem)) {
        throw new TemplateValidationError(path, `get_attr takes [resource, attribute, key or index, ...], got ${show(arg)}`);
      }
      let current = ctx.getAttr(name, attribute);
      for (const key of keys) {
        if (current === UNKNOWN) return UNKNOWN;
        const step = stepInto(current, key);
        current = step.found ? step.value : null;
      }
      return current === undefined ? null : current;
    }
    case "get_param":
    case "get_file":
    case "if":
      throw new TemplateValidationError(path, `${fn} is decided by compileTemplate and cannot be resolved at run time`);
    default: {
      const definition = FUNCTION_TABLE.get(fn);
      if (definition === undefined) throw new TemplateValidationError(path, `${fn} has no run-time definition`);
      const resolved = resolveValue(arg, ctx, joinPath(path, fn));
      return containsUnknown(resolved) ? UNKNOWN : invokeFunction(definition, resolved, path);
    }
  }
}

/** Whether `value` resolves to itself (not an object: no function, nothing inside to resolve). */
function isLeaf(value: unknown): boolean {
  return typeof value !== "object" || value === null;
}

/** True when {@link UNKNOWN} occurs anywhere in `value` (iterative deep walk). */
export function containsUnknown(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (isPlainObject(v)) {
      for (const key in v) if (Object.prototype.hasOwnProperty.call(v, key)) stack.push(v[key]);
    }
  }
  return false;
}
