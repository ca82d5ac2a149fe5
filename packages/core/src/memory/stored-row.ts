/**
 * Rows as the memory store keeps them: frozen objects of one fixed shape.
 *
 * A row built by spreading (`{ ...row, ...patch }`) of a frozen row gets a hidden class of its
 * own in V8 (the spread of a frozen object takes a slow path whose result is made fast again
 * with a fresh map): at 100k rows that was 100k maps, ~57 MiB of maps and descriptor arrays
 * plus a property array per row, and every property read of a row in the protocol went
 * megamorphic. Built here as one object literal with every field in a fixed order, all rows
 * share one map (and its frozen transition).
 */
import type { ResourceRow } from "../model/types.js";
import { frozenCopy } from "./plain-copy.js";

/** Every field of a {@link ResourceRow}. */
const ROW_FIELDS: ReadonlySet<string> = new Set([
  "id",
  "name",
  "type",
  "templateId",
  "physicalId",
  "properties",
  "attributes",
  "action",
  "status",
  "statusReason",
  "requires",
  "replaces",
  "replacedBy",
  "createdTraversal",
  "deletionPolicy",
  "lockHolder",
  "version",
  "updatedAt",
  "checkStatus",
  "driftedProperties",
  "checkedAt",
]);

const NO_NAMES: readonly string[] = Object.freeze([]);

/** Whether every own key of `value` is a row field (else the row is kept as it comes, by spreading). */
function onlyRowFields(value: object): boolean {
  for (const key in value) if (!ROW_FIELDS.has(key)) return false;
  return true;
}

/** `patch[key]` copied and frozen when the patch sets it, else `row[key]`. */
function field<K extends keyof ResourceRow>(patch: Partial<ResourceRow>, row: ResourceRow, key: K): ResourceRow[K] {
  const value = patch[key];
  if (value !== undefined) return frozenCopy(value) as ResourceRow[K];
  return key in patch ? (value as ResourceRow[K]) : row[key];
}

/**
 * `row` with `patch` applied and the lock and version set, frozen: what
 * `Object.freeze({ ...row, ...frozenCopy(patch), lockHolder, version })` gives, with the shape
 * every stored row shares. `row` must be a stored (frozen) row.
 */
export function patchedRow(row: ResourceRow, patch: object, lockHolder: string | null, version: number): ResourceRow {
  if (!onlyRowFields(patch)) return Object.freeze({ ...row, ...frozenCopy(patch), lockHolder, version });
  const p = patch as Partial<ResourceRow>;
  return Object.freeze({
    id: field(p, row, "id"),
    name: field(p, row, "name"),
    type: field(p, row, "type"),
    templateId: field(p, row, "templateId"),
    physicalId: field(p, row, "physicalId"),
    properties: field(p, row, "properties"),
    attributes: field(p, row, "attributes"),
    action: field(p, row, "action"),
    status: field(p, row, "status"),
    statusReason: field(p, row, "statusReason"),
    requires: field(p, row, "requires"),
    replaces: field(p, row, "replaces"),
    replacedBy: field(p, row, "replacedBy"),
    createdTraversal: field(p, row, "createdTraversal"),
    deletionPolicy: field(p, row, "deletionPolicy"),
    lockHolder,
    version,
    updatedAt: field(p, row, "updatedAt"),
    checkStatus: field(p, row, "checkStatus"),
    driftedProperties: field(p, row, "driftedProperties"),
    checkedAt: field(p, row, "checkedAt"),
  });
}

/**
 * A stored row made from a whole row (a new row, a snapshot's): copied and frozen, with the
 * check fields of a never-checked row when absent, and the lock and version given.
 */
export function storedRow(source: object, lockHolder: string | null, version: number): ResourceRow {
  const base = source as Partial<ResourceRow>;
  const empty = { checkStatus: null, driftedProperties: NO_NAMES, checkedAt: null } as ResourceRow;
  if (!onlyRowFields(source)) return Object.freeze({ ...empty, ...frozenCopy(source), lockHolder, version });
  return patchedRow(empty, base, lockHolder, version);
}
