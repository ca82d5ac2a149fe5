/**
 * Recognizing intrinsic functions in template values.
 *
 * An intrinsic is a mapping with exactly one key, and that key is one of
 * {@link INTRINSIC_FUNCTIONS}. Any other mapping (including a one-key mapping with another
 * key) is plain data, except that the names of Heat functions Converge does not implement
 * ({@link UNSUPPORTED_FUNCTIONS}) are rejected.
 *
 * ```yaml
 * image: { get_param: image }                       # substituted by compileTemplate
 * subnet: { get_resource: net }                     # resolved at run time
 * ip: { get_attr: [server, networks, private, 0] }  # resolved at run time
 * url: { list_join: ["", ["http://", { get_attr: [lb, ip] }]] }
 * cmd: { str_replace: { template: "run $X", params: { $X: { get_param: x } } } }
 * size: { if: [is_prod, 100, 10] }                  # decided by compileTemplate
 * ```
 *
 * The functions over data (`list_join`, `str_split`, `map_merge`, `equals`, ...) are defined
 * once in `functions/table.ts`; they fold at compile time when their argument is literal and
 * are evaluated at run time otherwise.
 */
import { isPlainObject } from "./plain-data.js";
import type { PlainObject } from "./plain-data.js";

/** Names of the intrinsic functions the template language knows. */
export const INTRINSIC_FUNCTIONS = [
  "get_resource",
  "get_attr",
  "get_param",
  "get_file",
  "if",
  "list_join",
  "str_replace",
  "str_replace_strict",
  "str_replace_vstrict",
  "str_split",
  "digest",
  "list_concat",
  "list_concat_unique",
  "filter",
  "contains",
  "map_merge",
  "map_replace",
  "repeat",
  "equals",
  "not",
  "and",
  "or",
  "Fn::Select",
  "Fn::Base64",
  "Fn::MemberListToMap",
] as const;

/** One of {@link INTRINSIC_FUNCTIONS}. */
export type IntrinsicName = (typeof INTRINSIC_FUNCTIONS)[number];

const NAMES: ReadonlySet<string> = new Set(INTRINSIC_FUNCTIONS);

/**
 * Functions of Heat's HOT and CFN template languages that Converge does not implement. A
 * one-key mapping with one of these keys is rejected at validation rather than passed on as
 * plain data, so a Heat template using one fails loudly instead of converging to wrong values.
 */
export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  "resource_facade",
  "yaql",
  "make_url",
  "Ref",
  "Fn::GetAtt",
  "Fn::GetAZs",
  "Fn::Join",
  "Fn::Split",
  "Fn::Replace",
  "Fn::ResourceFacade",
]);

/** The key of a one-key mapping that names a function Converge does not support, or undefined. */
export function unsupportedFunctionName(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : undefined;
  return only !== undefined && UNSUPPORTED_FUNCTIONS.has(only) ? only : undefined;
}

/** A key of a path walked by `get_attr` / `get_param`: a mapping key or a list index. */
export type PathItem = string | number;

/** `{ get_resource: name }`. */
export interface GetResource {
  /** Name of the resource whose reference id is read. */
  readonly get_resource: string;
}

/** `{ get_attr: [resource, attribute, ...path] }`. */
export interface GetAttr {
  /** Resource name, attribute name, then keys/indices walked into the attribute value. */
  readonly get_attr: readonly [string, string, ...PathItem[]];
}

/** `{ list_join: [delimiter, list, ...lists] }`. */
export interface ListJoin {
  /** The delimiter, then one or more lists (or intrinsics yielding lists). */
  readonly list_join: readonly [string, ...unknown[]];
}

/** `{ str_replace: { template, params } }`. */
export interface StrReplace {
  /** The template string (or an intrinsic yielding one) and the replacements by placeholder. */
  readonly str_replace: { readonly template: unknown; readonly params: Readonly<Record<string, unknown>> };
}

/**
 * The intrinsic function `value` calls, or undefined when `value` is not an intrinsic
 * (not a mapping, several keys, or a key that names no function).
 */
export function intrinsicName(value: unknown): IntrinsicName | undefined {
  if (!isPlainObject(value)) return undefined;
  let found: string | undefined;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (found !== undefined) return undefined;
    found = key;
  }
  return found !== undefined && NAMES.has(found) ? (found as IntrinsicName) : undefined;
}

/** The argument of an intrinsic recognized by {@link intrinsicName}. */
export function intrinsicArgument(value: unknown, name: IntrinsicName): unknown {
  return (value as PlainObject)[name];
}

/** True when `value` is a valid path item: a string or a non-negative integer. */
export function isPathItem(value: unknown): value is PathItem {
  return typeof value === "string" || (typeof value === "number" && Number.isInteger(value) && value >= 0);
}

/**
 * Walk one step of a `get_attr` / `get_param` path. Lists take integer indices (or their
 * decimal strings); mappings take keys. Returns `{ found: false }` for a missing step.
 */
export function stepInto(value: unknown, key: PathItem): { found: true; value: unknown } | { found: false } {
  if (Array.isArray(value)) {
    const index = typeof key === "number" ? key : /^(0|[1-9]\d*)$/.test(key) ? Number(key) : -1;
    return index >= 0 && index < value.length ? { found: true, value: value[index] } : { found: false };
  }
  if (isPlainObject(value)) {
    const k = String(key);
    return Object.prototype.hasOwnProperty.call(value, k) ? { found: true, value: value[k] } : { found: false };
  }
  return { found: false };
}

/** True when an intrinsic function occurs anywhere in `value` (iterative deep walk). */
export function containsIntrinsic(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (isPlainObject(v)) {
      if (intrinsicName(v) !== undefined) return true;
      for (const key in v) if (Object.prototype.hasOwnProperty.call(v, key)) stack.push(v[key]);
    }
  }
  return false;
}
