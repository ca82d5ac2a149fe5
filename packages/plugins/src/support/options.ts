/**
 * Validation of the options objects of this package's type factories: each is checked once,
 * when the type is built, and a bad field is an `InvalidOptionsError` naming it.
 */
import { InvalidOptionsError } from "@converge/core";

/** Check that `options` is an object (or undefined) with only the `known` keys. */
export function checkOptions(options: unknown, factory: string, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidOptionsError("options", `${factory}: options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new InvalidOptionsError(key, `${factory}: unknown option (known: ${known.join(", ")})`);
  }
  return options as Record<string, unknown>;
}

/** A function option, or the fallback when absent. */
export function functionOption<F>(options: Record<string, unknown>, field: string, fallback: F): F {
  const value = options[field];
  if (value === undefined) return fallback;
  if (typeof value !== "function") throw new InvalidOptionsError(field, `must be a function, got ${typeof value}`);
  return value as F;
}

/** A type-name option, or the fallback when absent. */
export function typeNameOption(options: Record<string, unknown>, fallback: string): string {
  const value = options.type;
  if (value === undefined) return fallback;
  if (typeof value !== "string" || value === "") throw new InvalidOptionsError("type", "must be a non-empty type name");
  return value;
}
