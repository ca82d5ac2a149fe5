/**
 * Copies and freezing of the plain JSON-like values the memory store keeps.
 */
import { setOwn } from "../template/plain-data.js";

/** Copy of a JSON-like value (plain objects, arrays, primitives), as a serializing store returns. */
export function clone<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(clone) as T;
  const out: Record<string, unknown> = {};
  for (const key in value) setOwn(out, key, clone((value as Record<string, unknown>)[key]));
  return out as T;
}

/**
 * A deep copy of a JSON-like value, frozen as it is built (one pass: what `deepFreeze(clone(v))`
 * gives). A key `__proto__` stays an own property. A frozen value is taken as the store's own
 * (deep-frozen) and shared, not copied.
 */
export function frozenCopy<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Object.isFrozen(value)) return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = frozenCopy((value as Record<string, unknown>)[key]);
    if (key === "__proto__") setOwn(out, key, v);
    else out[key] = v;
  }
  return Object.freeze(out) as T;
}

/** Freeze a value and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
