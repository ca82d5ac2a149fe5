/**
 * Small helpers for the plain JSON-like data a template is made of.
 */

/** A plain object (object literal, JSON/YAML mapping or null-prototype object). */
export type PlainObject = Record<string, unknown>;

/** True for a plain object: not null, not an array, prototype `Object.prototype` or null. */
export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Set an own enumerable property, safe for the key `__proto__` (which a plain assignment
 * would turn into a prototype change).
 */
export function setOwn(target: PlainObject, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** `target[key]` when `key` is an own property of `target`, else undefined (never inherited members). */
export function ownValue(target: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(target, key) ? (target as PlainObject)[key] : undefined;
}

/** Join a dotted template path: `joinPath("resources.web", "properties")`. */
export function joinPath(path: string, key: string | number): string {
  return path === "" ? String(key) : `${path}.${key}`;
}

/** A short name of a value's kind for error messages: "string", "list", "mapping", "null"… */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (isPlainObject(value)) return "mapping";
  return typeof value;
}

/** A compact rendering of a value for error messages (JSON, cut at 60 characters). */
export function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Deep structural equality of JSON-like values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]))
    );
  }
  return false;
}
