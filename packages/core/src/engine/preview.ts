/**
 * Update preview: what an update would do to each resource, computed without side effects
 * from the stored rows and the types' pure `diff` hooks.
 */
import type { ResourceRow, StackRecord } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import type { AnyResourceType } from "../plugin/types.js";
import { referenceIdOf } from "../plugin/reference-id.js";
import type { TargetMatch } from "../protocol/best-existing.js";
import { chooseRows, isActiveRow } from "../protocol/best-existing.js";
import { changedProperties } from "../protocol/node-inputs.js";
import { DependencyGraph } from "../graph/dependency-graph.js";
import { UNKNOWN, containsUnknown, resolveValue } from "../template/index.js";
import { ownValue } from "../template/plain-data.js";
import type { CompiledTemplate } from "../template/types.js";
import { openSealedProperties } from "../secrets/template-secrets.js";
import type { Observation } from "../protocol/observe.js";

/** What an update would do to one resource. */
export type PreviewAction = "create" | "import" | "update" | "replace" | "delete" | "no_change" | "unknown";

/** One line of a preview. */
export interface PreviewEntry {
  /** Resource name. */
  readonly name: string;
  /** Type name (new type for creates and updates, old for deletes). */
  readonly type: string;
  /** The predicted action. */
  readonly action: PreviewAction;
  /** Properties whose value would change (when known). */
  readonly changed: readonly string[];
  /** Why, in words. */
  readonly reason: string;
}

/** The whole preview, in dependency order, deletes last. */
export interface PreviewResult {
  /** Stack name. */
  readonly stackName: string;
  /** One entry per resource name of the new template, then one per removed name. */
  readonly resources: readonly PreviewEntry[];
}

const changesIdentity = new Set<PreviewAction>(["create", "import", "replace", "unknown"]);

/**
 * Compute the preview of updating `stack` to `template`; `match` (see `loadTargetMatch`)
 * lets it choose rows as the update would when a name has several.
 */
export function previewUpdate(
  stack: StackRecord,
  template: CompiledTemplate,
  rows: readonly ResourceRow[],
  types: TypeRegistry,
  currentTemplate: CompiledTemplate | null,
  match?: TargetMatch,
  observed?: ReadonlyMap<string, Observation>,
): PreviewResult {
  const active = rows.filter(isActiveRow);
  const names = Object.keys(template.resources);
  const chosen = chooseRows(active, names, currentTemplate === null ? null : stack.templateId, "preview", match);
  const graph = new DependencyGraph(names, names.flatMap((n) => (template.resources[n]?.dependsOn ?? []).map((d) => [n, d] as [string, string])));
  const verdicts = new Map<string, PreviewAction>();
  const entries: PreviewEntry[] = [];
  for (const name of graph.topologicalOrder()) {
    const resource = template.resources[name];
    if (resource === undefined) continue;
    const row = chosen.get(name);
    const entry =
      resource.externalId !== undefined && (row === undefined || row.action === "INIT")
        ? { name, type: resource.type, action: "import" as const, changed: [], reason: `imports existing resource ${resource.externalId}` }
        : (previewObserved(name, resource.type, row, observed) ?? previewOne(name, resource.type, openSealedProperties(resource.properties), observedRow(row, observed), verdicts, chosen, types));
    verdicts.set(name, entry.action);
    entries.push(entry);
  }
  const kept = new Set(names);
  const removed = new Map<string, ResourceRow>();
  for (const row of active) if (!kept.has(row.name) && row.action !== "INIT") removed.set(row.name, row);
  for (const [name, row] of removed) entries.push({ name, type: row.type, action: "delete", changed: [], reason: "not in the new template" });
  return { stackName: stack.name, resources: entries };
}

/** A converging preview's entry for a resource found missing (replaced), else undefined. */
function previewObserved(name: string, type: string, row: ResourceRow | undefined, observed: ReadonlyMap<string, Observation> | undefined): PreviewEntry | undefined {
  if (row === undefined || observed?.get(row.id)?.kind !== "missing") return undefined;
  return { name, type, action: "replace", changed: [], reason: "the resource is missing" };
}

/** The row as a converging update sees it: with the properties observed when it drifted. */
function observedRow(row: ResourceRow | undefined, observed: ReadonlyMap<string, Observation> | undefined): ResourceRow | undefined {
  const seen = row === undefined ? undefined : observed?.get(row.id);
  return row === undefined || seen?.kind !== "drifted" ? row : { ...row, properties: seen.observed };
}

function previewOne(
  name: string,
  typeName: string,
  properties: Readonly<Record<string, unknown>>,
  row: ResourceRow | undefined,
  verdicts: ReadonlyMap<string, PreviewAction>,
  chosen: ReadonlyMap<string, ResourceRow>,
  types: TypeRegistry,
): PreviewEntry {
  const entry = (action: PreviewAction, reason: string, changed: readonly string[] = []): PreviewEntry => ({ name, type: typeName, action, changed, reason });
  if (row === undefined || row.action === "INIT") return entry("create", "new resource");
  if (row.status === "FAILED") return entry("replace", `previous ${row.action.toLowerCase()} failed`);
  if (row.type !== typeName) return entry("replace", `type changes from ${row.type}`);
  const type = types.get(typeName);
  if (type === undefined) return entry("unknown", `type ${typeName} is not registered`);
  const resolved = resolveValue(properties, {
    getResource: (dep) => {
      const found = chosen.get(dep);
      if (changesIdentity.has(verdicts.get(dep) ?? "unknown") || found === undefined) return UNKNOWN;
      return referenceIdOf(types.get(found.type), found.physicalId, found.attributes) ?? UNKNOWN;
    },
    getAttr: (dep, attr) => {
      const verdict = verdicts.get(dep) ?? "unknown";
      const found = chosen.get(dep);
      return verdict === "no_change" ? (found === undefined ? null : (ownValue(found.attributes, attr) ?? null)) : UNKNOWN;
    },
  }) as Record<string, unknown>;
  const unknownKeys = Object.keys(resolved).filter((k) => containsUnknown(resolved[k]));
  const changed = knownChanges(type, row.properties, resolved, unknownKeys);
  if (unknownKeys.length > 0) {
    // Without a `diff` hook a known change to a fixed property already decides it; with one,
    // the hook has the last word (as in the engine) and needs every value.
    const fixed = changed.filter((p) => !type.isUpdatable(p));
    if (type.diff === undefined && fixed.length > 0) return entry("replace", `properties ${fixed.join(", ")} cannot change in place`, changed);
    return entry("unknown", `depends on values known only during the update (${unknownKeys.join(", ")})`, [...changed, ...unknownKeys]);
  }
  const parsed = type.properties.safeParse(resolved);
  if (!parsed.success) return entry("unknown", "resolved properties would be rejected by the type's schema", changed);
  const next = parsed.data as Record<string, unknown>;
  const fullChanged = changedProperties(row.properties, next);
  const verdict = type.diff?.(row.properties, next) ?? (fullChanged.length === 0 ? "none" : "update");
  if (verdict === "none") return entry("no_change", "no property changes");
  if (verdict === "replace" || fullChanged.some((p) => !type.isUpdatable(p))) return entry("replace", "the type requires replacement", fullChanged);
  return entry("update", "updated in place", fullChanged);
}

const withoutKeys = (record: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([k]) => !keys.includes(k)));

/**
 * The properties known to change when some values are known only during the update. The
 * stored properties carry the schema's defaults, so the new ones get them too before they are
 * compared (else every property left to its default would count as changed): the unknown
 * values are stood in by the stored ones to let the schema parse. When it still does not
 * parse, only the properties the template sets are compared.
 */
function knownChanges(type: AnyResourceType, old: Readonly<Record<string, unknown>>, resolved: Readonly<Record<string, unknown>>, unknownKeys: readonly string[]): string[] {
  const standIn: Record<string, unknown> = withoutKeys(resolved, unknownKeys);
  for (const k of unknownKeys) if (Object.hasOwn(old, k)) standIn[k] = old[k];
  const parsed = type.properties.safeParse(standIn);
  if (parsed.success) return changedProperties(withoutKeys(old, unknownKeys), withoutKeys(parsed.data as Record<string, unknown>, unknownKeys));
  const known = withoutKeys(resolved, unknownKeys);
  return changedProperties(withoutKeys(old, [...unknownKeys, ...Object.keys(old).filter((k) => !Object.hasOwn(known, k))]), known);
}
