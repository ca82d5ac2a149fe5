/**
 * What the contract kit requires of a type's `read` (when it has one), the engine's only way
 * to observe reality (drift checks, converge, import, resuming a crashed create):
 *
 * - by physical id, after a create or update: `exists: true`, the same physical id, only
 *   declared attributes, and every property it reports equal to what was created or updated
 *   (a type may report only some properties, or none: `ReadResult.properties` is optional,
 *   and what it leaves out is not compared);
 * - by idempotency key (`physicalId: null`), when the cases say the type can
 *   (`cases.readByIdempotencyKey`): the resource the row's create made;
 * - after a delete: `exists: false` (not asked of a `"stateless"` type, whose resources are
 *   engine-side values).
 */
import type { ResourceRow } from "../model/types.js";
import type { AnyResourceType, ReadResult } from "../plugin/types.js";
import { deepEqual } from "../protocol/node-inputs.js";
import type { ResolvedCases } from "./resource-type-contract-cases.js";
import { handlerContext, violation } from "./resource-type-contract-harness.js";
import { errorMessage } from "../error-message.js";

/** A short JSON rendering of a value for a violation message. */
export const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 120)}…` : text;
};

/** Where a read looks: by the physical id, or by the row's idempotency key. */
type Lookup = { readonly physicalId: string } | { readonly physicalId: null; readonly idempotencyKey: string };

async function callRead(type: AnyResourceType, check: string, row: ResourceRow, lookup: Lookup, properties: Readonly<Record<string, unknown>>, when: string): Promise<ReadResult | undefined> {
  const read = type.read?.bind(type);
  if (read === undefined) return undefined;
  const key = lookup.physicalId === null ? { idempotencyKey: lookup.idempotencyKey } : {};
  try {
    return await read({ ...handlerContext({ rowId: row.id, ...key }), physicalId: lookup.physicalId, properties });
  } catch (error) {
    const by = lookup.physicalId === null ? "by idempotency key" : `of ${lookup.physicalId}`;
    return violation(type, check, `${when}, read ${by} threw: ${errorMessage(error)}`);
  }
}

/** Require a found resource's id, attributes and reported properties to match what was made. */
function expectFound(
  type: AnyResourceType,
  resolved: ResolvedCases,
  check: string,
  found: ReadResult,
  physicalId: string,
  expected: Readonly<Record<string, unknown>>,
  when: string,
): void {
  if (!found.exists) violation(type, check, `${when}, read says resource ${physicalId} does not exist`);
  if (found.physicalId !== physicalId) violation(type, check, `${when}, read reports physical id ${found.physicalId}, not ${physicalId}`);
  const undeclared = type.anyAttribute === true ? [] : Object.keys(found.attributes ?? {}).filter((a) => !type.attributeNames.includes(a));
  if (undeclared.length > 0) violation(type, check, `${when}, read reports undeclared attributes ${undeclared.join(", ")}`);
  const reported = found.properties ?? {};
  const secret = new Set(resolved.secrets);
  for (const key of Object.keys(reported)) {
    if (!type.acceptsUnknownProperties && !type.propertyNames.includes(key)) {
      violation(type, check, `${when}, read reports ${key}, which is not a property of the type`);
    }
    if (deepEqual(reported[key], expected[key])) continue;
    // Never print a secret value: the check's output may be logged.
    if (secret.has(key)) violation(type, check, `${when}, read reports the secret property ${key} with another value than it was given`);
    violation(type, check, `${when}, read reports ${key} = ${show(reported[key])}, expected ${show(expected[key])}`);
  }
}

/**
 * Require `read` (when the type has one) to find `row`'s resource by its physical id, and by
 * the row's idempotency key when the cases say it can, reporting `expected`.
 */
export async function expectRead(
  type: AnyResourceType,
  resolved: ResolvedCases,
  check: string,
  row: ResourceRow,
  idempotencyKey: string,
  expected: Readonly<Record<string, unknown>>,
  when: string,
): Promise<void> {
  if (row.physicalId === null) return;
  const byId = await callRead(type, check, row, { physicalId: row.physicalId }, expected, when);
  if (byId === undefined) return;
  expectFound(type, resolved, check, byId, row.physicalId, expected, when);
  if (!resolved.readByIdempotencyKey) return;
  const byKey = await callRead(type, check, row, { physicalId: null, idempotencyKey }, expected, when);
  if (byKey === undefined) return;
  expectFound(type, resolved, check, byKey, row.physicalId, expected, `${when}, by idempotency key (physicalId null)`);
}

/**
 * Require `read` (when the type has one and it is not `"stateless"`) to report `row`'s
 * resource (`physicalId`) as gone, by physical id and, when it can, by idempotency key.
 */
export async function expectReadGone(
  type: AnyResourceType,
  resolved: ResolvedCases,
  check: string,
  row: ResourceRow,
  physicalId: string,
  idempotencyKey: string,
  properties: Readonly<Record<string, unknown>>,
  when: string,
): Promise<void> {
  if (resolved.exists === "stateless") return;
  const byId = await callRead(type, check, row, { physicalId }, properties, when);
  if (byId?.exists === true) violation(type, check, `${when}, read says resource ${physicalId} still exists`);
  if (byId === undefined || !resolved.readByIdempotencyKey) return;
  const byKey = await callRead(type, check, row, { physicalId: null, idempotencyKey }, properties, when);
  if (byKey?.exists === true) violation(type, check, `${when}, read by idempotency key (physicalId null) still finds resource ${byKey.physicalId}`);
}
