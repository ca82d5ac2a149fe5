/**
 * Run-time resolution of the intrinsic functions left in a compiled property or output
 * value (`get_resource`, `get_attr`, `list_join`, `str_replace`).
 */
import { TemplateValidationError } from "../errors.js";
import { intrinsicArgument, intrinsicName, isPathItem, stepInto } from "./intrinsics.js";
import { isPlainObject, joinPath, kindOf, setOwn, show } from "./plain-data.js";
import type { PlainObject } from "./plain-data.js";
import { joinLists, replacePlaceholders } from "./string-functions.js";

/**
 * "Not known yet": a {@link ResolveContext} may return it for a reference id or attribute
 * that will only exist after a create or update (update previews). `list_join` and
 * `str_replace` over it yield it; elsewhere it stays in place (see {@link containsUnknown}).
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
 * gives null); `list_join` and `str_replace` stringify non-string items like Heat.
 *
 * @param path dotted path of `value`, used in error messages (e.g. `resources.web.properties.url`).
 * @throws TemplateValidationError at the intrinsic when its argument is malformed (for
 *   instance a `list_join` argument that resolved to something other than a list), or on a
 *   `get_param`, which only {@link compileTemplate} can substitute.
 */
export function resolveValue(value: unknown, ctx: ResolveContext, path = ""): unknown {
  if (Array.isArray(value)) return value.map((item, i) => resolveValue(item, ctx, joinPath(path, i)));
  if (!isPlainObject(value)) return value;
  const fn = intrinsicName(value);
  if (fn === undefined) {
    const out: PlainObject = {};
    for (const key of Object.keys(value)) setOwn(out, key, resolveValue(value[key], ctx, joinPath(path, key)));
    return out;
  }
  const arg = intrinsicArgument(value, fn);
  switch (fn) {
    case "get_resource":
      if (typeof arg !== "string") throw new TemplateValidationError(path, `get_resource takes a resource name, got ${show(arg)}`);
      return ctx.getResource(arg);
    case "get_attr": {
      const parts: unknown[] = Array.isArray(arg) ? arg : [];
      const [name, attribute, ...keys] = parts;
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
    case "list_join": {
      if (!Array.isArray(arg) || arg.length < 2) throw new TemplateValidationError(path, `list_join takes [delimiter, list, ...lists], got ${show(arg)}`);
      const resolved = arg.map((item, i) => resolveValue(item, ctx, joinPath(joinPath(path, "list_join"), i)));
      if (resolved.some(containsUnknown)) return UNKNOWN;
      const [delimiter, ...lists] = resolved;
      if (typeof delimiter !== "string") throw new TemplateValidationError(path, `list_join: the delimiter must be a string, got ${kindOf(delimiter)}`);
      lists.forEach((list, i) => {
        if (!Array.isArray(list)) throw new TemplateValidationError(path, `list_join: argument ${i + 1} must be a list, got ${kindOf(list)}`);
      });
      return joinLists(delimiter, lists as unknown[][]);
    }
    case "str_replace": {
      if (!isPlainObject(arg)) throw new TemplateValidationError(path, `str_replace takes { template, params }, got ${show(arg)}`);
      const at = joinPath(path, "str_replace");
      const template = resolveValue(arg.template, ctx, joinPath(at, "template"));
      const params = resolveValue(arg.params, ctx, joinPath(at, "params"));
      if (containsUnknown(template) || containsUnknown(params)) return UNKNOWN;
      if (typeof template !== "string") throw new TemplateValidationError(path, `str_replace: template must be a string, got ${kindOf(template)}`);
      if (!isPlainObject(params)) throw new TemplateValidationError(path, `str_replace: params must be a mapping, got ${kindOf(params)}`);
      return replacePlaceholders(template, params);
    }
    case "get_param":
      throw new TemplateValidationError(path, "get_param is substituted by compileTemplate and cannot be resolved at run time");
  }
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
