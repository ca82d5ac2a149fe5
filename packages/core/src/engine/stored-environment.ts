/**
 * The environment as a stack stores it: the given list merged into one environment whose
 * parameter values (`parameters`, `parameter_defaults`) are sealed - any of them may be a
 * hidden parameter's value, of the template or of a nested one - and opened again to compile
 * an update that gives no environment.
 */
import { isSealedText, seal, unseal } from "../secrets/seal.js";
import { environmentObject, resolveEnvironment } from "../template/compose/environment.js";
import type { Environment, EnvironmentInput } from "../template/compose/environment.js";
import { isPlainObject, setOwn } from "../template/plain-data.js";

const VALUE_SECTIONS = ["parameters", "parameter_defaults"] as const;

function mapValues(section: unknown, fn: (value: unknown) => unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(section)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(section)) setOwn(out, key, fn(section[key]));
  return out;
}

/** The stored form of `environment` (already validated by compiling with it): one list item, values sealed. */
export function storedEnvironment(environment: EnvironmentInput): unknown[] {
  const merged: Record<string, unknown> = { ...environmentObject(resolveEnvironment(environment)) };
  for (const key of VALUE_SECTIONS) {
    const sealed = mapValues(merged[key], (value) => (isSealedText(value) ? value : seal(value)));
    if (sealed !== undefined) merged[key] = sealed;
  }
  return [merged];
}

/** A stored environment opened again (values unsealed). */
export function openEnvironment(stored: readonly unknown[]): Environment[] {
  return stored.map((item) => {
    if (!isPlainObject(item)) return item as Environment;
    const opened: Record<string, unknown> = { ...item };
    for (const key of VALUE_SECTIONS) {
      const values = mapValues(opened[key], (value) => (isSealedText(value) ? unseal(value) : value));
      if (values !== undefined) opened[key] = values;
    }
    return opened as Environment;
  });
}
