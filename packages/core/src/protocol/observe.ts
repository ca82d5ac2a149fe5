/**
 * Observing reality (issue 13): read a row's resource through its type's `read` and compare
 * what exists with what was recorded (or with what is desired). Used by the CHECK traversal
 * (`check-stack.ts`) and by converging updates (`check-update.ts`). Reads have no side
 * effect, so they are not fenced by the row's lock; they still abort with the traversal.
 */
import type { ResourceRow, StackRecord } from "../model/types.js";
import { isDeepStrictEqual } from "../platform/node.js";
import type { AnyResourceType } from "../plugin/types.js";
import { ownValue } from "../template/plain-data.js";
import type { CheckEnv } from "./env.js";
import { handlerContext, invokePlugin } from "./invoke-plugin.js";

/** What an observation of one row found. */
export type Observation =
  /** The type has no `read`: nothing can be said (never "fine"). */
  | { readonly kind: "unchecked" }
  /** The resource no longer exists. */
  | { readonly kind: "missing" }
  /** It exists with the expected properties. */
  | { readonly kind: "in_sync"; readonly observed: Readonly<Record<string, unknown>> }
  /** It exists, and `properties` differ from the expected ones. */
  | { readonly kind: "drifted"; readonly observed: Readonly<Record<string, unknown>>; readonly properties: readonly string[] };

/**
 * The top-level properties whose values differ between `expected` and `observed` (an absent
 * property equals `undefined`), sorted.
 *
 *   { a: "1", b: "2" } vs { a: "1", b: "3", c: "4" }  =>  ["b", "c"]
 */
export function differingProperties(expected: Readonly<Record<string, unknown>>, observed: Readonly<Record<string, unknown>>): string[] {
  const keys = new Set([...Object.keys(expected), ...Object.keys(observed)]);
  return [...keys].filter((key) => !isDeepStrictEqual(ownValue(expected, key), ownValue(observed, key))).sort();
}

/**
 * Compare observed properties with the expected ones: through the type's `diff` when it has
 * one ("none" = in sync, whatever the raw values say), else a deep-equal per top-level
 * property. A `diff` that sees a difference the raw values do not show reports every
 * expected property as drifted (it did not say which).
 */
export function compareObserved(
  type: AnyResourceType,
  expected: Readonly<Record<string, unknown>>,
  observed: Readonly<Record<string, unknown>>,
): Observation {
  const differing = differingProperties(expected, observed);
  if (type.diff !== undefined) {
    if (type.diff(expected, observed) === "none") return { kind: "in_sync", observed };
    const properties = differing.length > 0 ? differing : Object.keys(expected).sort();
    return { kind: "drifted", observed, properties };
  }
  return differing.length === 0 ? { kind: "in_sync", observed } : { kind: "drifted", observed, properties: differing };
}

/**
 * Observe `row`'s resource: call the type's `read` (through `invokePlugin`: retries, abort,
 * error normalisation; not fenced by the row's lock, since a read changes nothing) and
 * compare what exists with `desired` (default: the row's recorded properties). A `read` that
 * returns no properties can only tell whether the resource exists. Throws what the read
 * threw (a `ResourceError`, or `AbortedError` / `FencedError`).
 */
export async function observeRow(
  env: CheckEnv,
  stack: StackRecord,
  traversalId: string,
  row: ResourceRow,
  type: AnyResourceType,
  desired?: Readonly<Record<string, unknown>>,
): Promise<Observation> {
  const read = type.read?.bind(type);
  if (read === undefined) return { kind: "unchecked" };
  const expected = desired ?? row.properties;
  const result = await invokePlugin(env, { stack, traversalId, row, type, handler: "read" }, (base) => read(handlerContext(base, { physicalId: row.physicalId, properties: row.properties })), {
    locked: false,
  });
  if (!result.exists) return { kind: "missing" };
  if (result.properties === undefined) return { kind: "in_sync", observed: expected };
  return compareObserved(type, expected, result.properties);
}
