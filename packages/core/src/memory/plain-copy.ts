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

/** Freeze a value and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
