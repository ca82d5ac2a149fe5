/**
 * Limits and small checks of a composition.
 */
import { CompositionLimitError, TemplateRecursionError } from "../../errors.js";
import { sealMarker } from "../../secrets/seal.js";
import { setOwn } from "../plain-data.js";
import type { Composition } from "./context.js";

/**
 * Count `n` more resources against the size limit.
 * @throws CompositionLimitError at `path` past the limit.
 */
export function countResources(comp: Composition, n: number, where: string, path = "resources"): void {
  comp.count += n;
  if (comp.count > comp.limits.maxResources) {
    const at = where === "" ? "" : ` (at ${where})`;
    throw new CompositionLimitError(path, `the expanded template has more than ${comp.limits.maxResources} resources${at}; split the stack or raise limits.maxResources`);
  }
}

/** @throws TemplateRecursionError when `file` already includes itself through `chain`. */
export function checkRecursion(chain: readonly string[], file: string, path: string): void {
  if (chain.includes(file)) throw new TemplateRecursionError(path, [...chain, file]);
}

/** Sealed copy of the values of the hidden names (what a nested stack's view shows). */
export function sealHidden(values: ReadonlyMap<string, unknown>, hidden: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of values) setOwn(out, name, hidden.has(name) ? sealMarker(value) : value);
  return out;
}
