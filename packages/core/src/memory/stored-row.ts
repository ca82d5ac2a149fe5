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
import { RESOURCE_ROW_FIELDS } from "../model/types.js";
import { frozenCopy } from "./plain-copy.js";

/** Every field of a {@link ResourceRow}. */
const ROW_FIELDS: ReadonlySet<string> = new Set(RESOURCE_ROW_FIELDS);

const NO_NAMES: readonly string[] = Object.freeze([]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A row never written: the check fields of a never-checked row, every other field unset. */
const BLANK_ROW = { checkStatus: null, driftedProperties: NO_NAMES, checkedAt: null } as unknown as ResourceRow;

/** A shallow copy of a row, every field in the fixed order (read with monomorphic loads). */
function copyRow(r: ResourceRow): Mutable<ResourceRow> {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    templateId: r.templateId,
    physicalId: r.physicalId,
    properties: r.properties,
    attributes: r.attributes,
    action: r.action,
    status: r.status,
    statusReason: r.statusReason,
    requires: r.requires,
    replaces: r.replaces,
    replacedBy: r.replacedBy,
    createdTraversal: r.createdTraversal,
    deletionPolicy: r.deletionPolicy,
    lockHolder: r.lockHolder,
    version: r.version,
    updatedAt: r.updatedAt,
    checkStatus: r.checkStatus,
    driftedProperties: r.driftedProperties,
    checkedAt: r.checkedAt,
  };
}

/**
 * `row` with `patch` applied and the lock and version set, frozen: what
 * `Object.freeze({ ...row, ...frozenCopy(patch), lockHolder, version })` gives, with the shape
 * every stored row shares (a patch with a key that is no row field keeps the spread).
 * `row` must be a stored (frozen) row.
 */
export function patchedRow(row: ResourceRow, patch: object, lockHolder: string | null, version: number): ResourceRow {
  const next = copyRow(row) as unknown as Record<string, unknown>;
  for (const key in patch) {
    if (!ROW_FIELDS.has(key)) return Object.freeze({ ...row, ...frozenCopy(patch), lockHolder, version });
    next[key] = frozenCopy((patch as Record<string, unknown>)[key]);
  }
  next.lockHolder = lockHolder;
  next.version = version;
  return Object.freeze(next) as unknown as ResourceRow;
}

/**
 * A stored row made from a whole row (a new row, a snapshot's): copied and frozen, with the
 * check fields of a never-checked row when absent, and the lock and version given.
 */
export function storedRow(source: object, lockHolder: string | null, version: number): ResourceRow {
  return patchedRow(BLANK_ROW, source, lockHolder, version);
}
