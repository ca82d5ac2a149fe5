/**
 * What the engine API returns about stacks and resources: read-only views built from the
 * stored records, with outputs resolved from attribute values and secrets redacted.
 */
import type { CheckStatus, ResourceRow, RowAction, StackAction, StackRecord, Status } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import { referenceIdOf } from "../plugin/reference-id.js";
import { chooseRows } from "../protocol/best-existing.js";
import { REDACTED } from "../secrets/redactor.js";
import { openView } from "../secrets/sealing-store.js";
import { containsSealed, isSealedMarker } from "../secrets/seal.js";
import { parentStackPath, splitResourcePath } from "../template/compose/paths.js";
import { resolveValue } from "../template/index.js";
import { ownValue, setOwn } from "../template/plain-data.js";
import type { CompiledTemplate } from "../template/types.js";

/** A stack as the API reports it. */
export interface StackInfo {
  /** Stack id. */
  readonly id: string;
  /** Stack name. */
  readonly name: string;
  /** Action of the current or last traversal. */
  readonly action: StackAction;
  /** Its status. */
  readonly status: Status;
  /** `${action}_${status}`, Heat style (e.g. `UPDATE_COMPLETE`). */
  readonly state: `${StackAction}_${Status}`;
  /** Why. */
  readonly statusReason: string;
  /** Outputs resolved from the current resources' ids and attributes (null when unknown). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /**
   * Parameter values the target template was compiled with - given, from the environment or
   * defaults - and the pseudo-parameters (`OS::stack_name`, `OS::stack_id`,
   * `OS::project_id`); hidden ones redacted. Empty for templates stored before composition.
   */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Current traversal id. */
  readonly traversalId: string;
  /** Target template id. */
  readonly templateId: string;
  /** Epoch ms of creation. */
  readonly createdAt: number;
  /** Epoch ms of the last status change. */
  readonly updatedAt: number;
  /** True when the stack was deleted (`waitForStack` after a delete). */
  readonly deleted: boolean;
}

/** A resource row as the API reports it. */
export interface ResourceInfo {
  /** Row id. */
  readonly id: string;
  /** Logical name: its path for a resource of a nested stack (`app/db`, `group/3`). */
  readonly name: string;
  /** The parts of its name (`["app", "db"]`; one part for a top-level resource). */
  readonly path: readonly string[];
  /** The nested stack it belongs to (`app` for `app/db`), or null for a top-level resource. */
  readonly nestedStack: string | null;
  /**
   * Type name as the template names it (Heat's `resource_type`): a registry alias
   * (`My::Thing`), a nested stack's file name or `OS::Heat::ResourceGroup`.
   */
  readonly type: string;
  /** The registered type that implements it (`Converge::NestedStack` for a nested stack). */
  readonly implementation: string;
  /** Physical id. */
  readonly physicalId: string | null;
  /** Last action. */
  readonly action: RowAction;
  /** Its status. */
  readonly status: Status;
  /** `${action}_${status}`. */
  readonly state: `${RowAction}_${Status}`;
  /** Why. */
  readonly statusReason: string;
  /** Properties of the last successful create/update, secrets redacted. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Cached attributes. */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Row ids it depended on at its last convergence. */
  readonly requires: readonly string[];
  /** Row it replaces. */
  readonly replaces: string | null;
  /** Row replacing it. */
  readonly replacedBy: string | null;
  /** Template it was last converged with. */
  readonly templateId: string;
  /** What the last check saw (`IN_SYNC`, `DRIFTED`, `MISSING`, `UNCHECKED`), or null: never checked. */
  readonly checkStatus: CheckStatus | null;
  /** Properties that differed at the last check. */
  readonly driftedProperties: readonly string[];
  /** Epoch ms of the last check, or null. */
  readonly checkedAt: number | null;
}

export { REDACTED };

/**
 * The type each row's template names it by (`row id → display type`), for the rows whose
 * compiled resource carries a `displayType` (registry aliases, nested stacks): read from the
 * template the row last converged with, each template loaded once.
 */
export async function displayTypes(
  rows: readonly ResourceRow[],
  loadTemplate: (templateId: string) => Promise<CompiledTemplate | null>,
): Promise<Map<string, string>> {
  const templates = new Map<string, Promise<CompiledTemplate | null>>();
  const out = new Map<string, string>();
  for (const row of rows) {
    let template = templates.get(row.templateId);
    if (template === undefined) templates.set(row.templateId, (template = loadTemplate(row.templateId).catch(() => null)));
    const resource = ownValue((await template)?.resources ?? {}, row.name) as CompiledTemplate["resources"][string] | undefined;
    if (resource?.displayType !== undefined && resource.type === row.type) out.set(row.id, resource.displayType);
  }
  return out;
}

/**
 * Build the view of a row. Its properties and attributes were redacted when they were
 * written (the sealed originals are left out); the type's secret properties are redacted
 * again when the type is known (rows written before redaction at write time).
 */
export function toResourceInfo(row: ResourceRow, types: TypeRegistry, displayType?: string): ResourceInfo {
  const secret = new Set(types.get(row.type)?.secretProperties ?? []);
  const properties = openView(row.properties);
  for (const k of Object.keys(properties)) if (secret.has(k)) properties[k] = REDACTED;
  return {
    id: row.id,
    name: row.name,
    path: splitResourcePath(row.name),
    nestedStack: parentStackPath(row.name),
    type: displayType ?? row.type,
    implementation: row.type,
    physicalId: row.physicalId,
    action: row.action,
    status: row.status,
    state: `${row.action}_${row.status}`,
    statusReason: row.statusReason,
    properties,
    attributes: openView(row.attributes),
    requires: row.requires,
    replaces: row.replaces,
    replacedBy: row.replacedBy,
    templateId: row.templateId,
    checkStatus: row.checkStatus,
    driftedProperties: row.driftedProperties,
    checkedAt: row.checkedAt,
  };
}

/**
 * The row standing for each name right now: the best-existing choice, or its replacement
 * once that completed.
 */
export function liveRowsByName(stack: StackRecord, template: CompiledTemplate, rows: readonly ResourceRow[]): Map<string, ResourceRow> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const chosen = chooseRows(rows, Object.keys(template.resources), stack.prevTemplateId, stack.templateId);
  for (const [name, row] of chosen) {
    const next = row.replacedBy === null ? undefined : byId.get(row.replacedBy);
    if (next !== undefined && next.status === "COMPLETE" && next.action !== "INIT" && next.action !== "DELETE") chosen.set(name, next);
  }
  return chosen;
}

/**
 * Resolve a template's outputs from the live rows; an unresolvable output is null. With
 * `types`, `get_resource` gives each type's reference id (see `referenceId`), else the
 * physical id. Outputs are computed from the rows' redacted attributes, and an output that
 * uses a hidden parameter is {@link REDACTED} whole.
 */
export function resolveOutputs(
  stack: StackRecord,
  template: CompiledTemplate,
  rows: readonly ResourceRow[],
  types?: TypeRegistry,
): Record<string, unknown> {
  const live = liveRowsByName(stack, template, rows);
  const outputs: Record<string, unknown> = {};
  const reference = (row: ResourceRow | undefined): string | null =>
    row === undefined ? null : referenceIdOf(types?.get(row.type), row.physicalId, openView(row.attributes));
  for (const [name, output] of Object.entries(template.outputs)) {
    if (containsSealed(output.value)) {
      outputs[name] = REDACTED;
      continue;
    }
    try {
      setOwn(outputs, name, resolveValue(output.value, {
        getResource: (n) => reference(live.get(n)),
        getAttr: (n, a) => {
          const row = live.get(n);
          return row === undefined ? null : (ownValue(openView(row.attributes), a) ?? null);
        },
      }));
    } catch {
      setOwn(outputs, name, null);
    }
  }
  return outputs;
}

/** Build the view of a stack. */
export function toStackInfo(stack: StackRecord, outputs: Record<string, unknown>, deleted = false, template?: CompiledTemplate | null): StackInfo {
  const parameters: Record<string, unknown> = {};
  const given = template?.parameters ?? {};
  for (const key of Object.keys(given)) setOwn(parameters, key, isSealedMarker(given[key]) ? REDACTED : given[key]);
  return {
    parameters,
    id: stack.id,
    name: stack.name,
    action: stack.action,
    status: stack.status,
    state: `${stack.action}_${stack.status}`,
    statusReason: stack.statusReason,
    outputs,
    traversalId: stack.currentTraversal,
    templateId: stack.templateId,
    createdAt: stack.createdAt,
    updatedAt: stack.updatedAt,
    deleted,
  };
}
