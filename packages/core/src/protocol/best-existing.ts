/**
 * The "best existing" rule (DESIGN.md section 3 step 3): which row stands for each resource
 * name of a new traversal.
 */
import { DependencyGraph } from "../graph/dependency-graph.js";
import type { ResourceRow } from "../model/types.js";
import type { CompiledTemplate } from "../template/types.js";
import { deepEqual } from "./node-inputs.js";

/** True when the row still exists in some form (anything but DELETE_COMPLETE). */
export function isActiveRow(row: ResourceRow): boolean {
  return !(row.action === "DELETE" && row.status === "COMPLETE");
}

/**
 * Score of a row as the incarnation of its name for a traversal that moves the stack from
 * `prevTarget` to `newTarget`. Higher is better.
 *
 * | condition                       | score |
 * |---------------------------------|-------|
 * | FAILED                          |  -30  |
 * | being deleted (DELETE_*)        |  -50  |
 * | replaced by another row         |   -1  |
 * | templateId = previous target    |   +5  |
 * | templateId = new target, or     |  +10  |
 * |   `matches` (see {@link TargetMatch}) |   |
 *
 * `matches` lets an update that reverts a replacement still in flight keep the original row
 * (-1 + 10) over the replacement made for the superseded target (+5).
 */
export function rowScore(row: ResourceRow, prevTarget: string | null, newTarget: string, matches = false): number {
  let score = 0;
  if (row.status === "FAILED") score -= 30;
  if (row.action === "DELETE") score -= 50;
  if (row.replacedBy !== null) score -= 1;
  if (prevTarget !== null && row.templateId === prevTarget) score += 5;
  if (row.templateId === newTarget || matches) score += 10;
  return score;
}

/**
 * What decides whether a row is already what the new target asks for, so that it is chosen
 * over a newer row of its name (revert without churn): the target, and the stored templates
 * the competing rows were last converged with (a row whose template is absent never matches).
 */
export interface TargetMatch {
  /** The new target template. */
  readonly target: CompiledTemplate;
  /** Stored templates by id. */
  readonly templates: ReadonlyMap<string, CompiledTemplate>;
}

/**
 * True when the row is settled: created or updated, COMPLETE (so not failed, interrupted,
 * never created or being deleted).
 */
export function isSettledRow(row: ResourceRow): boolean {
  return (row.action === "CREATE" || row.action === "UPDATE") && row.status === "COMPLETE" && row.physicalId !== null;
}

/**
 * Names of `names` that more than one active row competes for: the only ones whose choice a
 * {@link TargetMatch} can change.
 */
export function contestedNames(rows: readonly ResourceRow[], names: Iterable<string>): Set<string> {
  const wanted = new Set(names);
  const seen = new Set<string>();
  const contested = new Set<string>();
  for (const row of rows) {
    if (!wanted.has(row.name) || !isActiveRow(row)) continue;
    if (seen.has(row.name)) contested.add(row.name);
    seen.add(row.name);
  }
  return contested;
}

/**
 * Pick the best active row for every name in `names`. Ties go to the most recently updated
 * row, then to the higher row id (newer). Names without an active row are absent from the map.
 *
 * With `match`, names are chosen dependencies first and a row of a contested name scores as
 * `matches` when it is settled, its stored template gives its name and every resource that
 * name depends on (transitively) the same type and properties as the target does, and the
 * rows its properties were resolved from (`requires`) are the rows chosen for its
 * dependencies: its properties then resolve to what it already has, so keeping it changes
 * nothing. This only ranks rows; the update node still converges whichever row is chosen.
 */
export function chooseRows(
  rows: readonly ResourceRow[],
  names: Iterable<string>,
  prevTarget: string | null,
  newTarget: string,
  match?: TargetMatch,
): Map<string, ResourceRow> {
  const wanted = [...names];
  const wantedSet = new Set(wanted);
  // The active rows of each wanted name: one row (most names), or a list when several compete.
  const byName = new Map<string, ResourceRow | ResourceRow[]>();
  for (const row of rows) {
    if (!wantedSet.has(row.name) || !isActiveRow(row)) continue;
    const seen = byName.get(row.name);
    if (seen === undefined) byName.set(row.name, row);
    else if (Array.isArray(seen)) seen.push(row);
    else byName.set(row.name, [seen, row]);
  }
  const chosen = new Map<string, ResourceRow>();
  const matcher = match === undefined ? undefined : new Matcher(match, chosen);
  for (const name of matcher?.order(wanted) ?? wanted) {
    const found = byName.get(name);
    if (found === undefined) continue;
    if (!Array.isArray(found)) {
      chosen.set(name, found);
      continue;
    }
    let best: { row: ResourceRow; score: number } | undefined;
    for (const row of found) {
      const matches = matcher !== undefined && row.templateId !== newTarget && matcher.matches(row);
      const score = rowScore(row, prevTarget, newTarget, matches);
      if (best === undefined || better(row, score, best.row, best.score)) best = { row, score };
    }
    if (best !== undefined) chosen.set(name, best.row);
  }
  return chosen;
}

/** The `matches` test of {@link chooseRows}, with the definition comparisons cached per template. */
class Matcher {
  readonly #same = new Map<string, Map<string, boolean>>();
  #order: string[] | undefined;

  constructor(
    private readonly match: TargetMatch,
    private readonly chosen: ReadonlyMap<string, ResourceRow>,
  ) {}

  /** `names`, dependencies first (the target's order, then any name it does not have). */
  order(names: readonly string[]): string[] {
    const wanted = new Set(names);
    const ordered = this.targetOrder().filter((name) => wanted.has(name));
    const placed = new Set(ordered);
    return [...ordered, ...names.filter((name) => !placed.has(name))];
  }

  matches(row: ResourceRow): boolean {
    const resource = this.match.target.resources[row.name];
    if (resource === undefined || !isSettledRow(row) || row.type !== resource.type) return false;
    if (this.sameDefinitions(row.templateId).get(row.name) !== true) return false;
    const requires = new Set(row.requires);
    return resource.dependsOn.every((dep) => {
      const depRow = this.chosen.get(dep);
      return depRow !== undefined && requires.has(depRow.id);
    });
  }

  /**
   * For every target name: whether template `templateId` defines it and everything it
   * depends on exactly as the target does (computed once per template, dependencies first).
   */
  private sameDefinitions(templateId: string): ReadonlyMap<string, boolean> {
    const cached = this.#same.get(templateId);
    if (cached !== undefined) return cached;
    const same = new Map<string, boolean>();
    const source = this.match.templates.get(templateId);
    if (source !== undefined) {
      for (const name of this.targetOrder()) {
        const [a, b] = [source.resources[name], this.match.target.resources[name]];
        const equal = a !== undefined && b !== undefined && a.type === b.type && deepEqual(a.properties, b.properties);
        same.set(name, equal && (b?.dependsOn ?? []).every((dep) => same.get(dep) === true));
      }
    }
    this.#same.set(templateId, same);
    return same;
  }

  /** Every name of the target, dependencies first. */
  private targetOrder(): string[] {
    if (this.#order === undefined) {
      const resources = Object.entries(this.match.target.resources);
      this.#order = DependencyGraph.fromDependencies(resources.map(([name, r]) => [name, r.dependsOn] as const)).topologicalOrder();
    }
    return this.#order;
  }
}

function better(a: ResourceRow, aScore: number, b: ResourceRow, bScore: number): boolean {
  if (aScore !== bScore) return aScore > bScore;
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt;
  return compareRowIds(a.id, b.id) > 0;
}

/** Order row ids numerically when they are numbers, else lexically. */
export function compareRowIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}
