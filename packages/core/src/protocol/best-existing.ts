/**
 * The "best existing" rule (DESIGN.md section 3 step 3): which row stands for each resource
 * name of a new traversal.
 */
import type { ResourceRow } from "../model/types.js";

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
 * | templateId = new target         |  +10  |
 */
export function rowScore(row: ResourceRow, prevTarget: string | null, newTarget: string): number {
  let score = 0;
  if (row.status === "FAILED") score -= 30;
  if (row.action === "DELETE") score -= 50;
  if (row.replacedBy !== null) score -= 1;
  if (prevTarget !== null && row.templateId === prevTarget) score += 5;
  if (row.templateId === newTarget) score += 10;
  return score;
}

/**
 * Pick the best active row for every name in `names`. Ties go to the most recently updated
 * row, then to the higher row id (newer). Names without an active row are absent from the map.
 */
export function chooseRows(
  rows: readonly ResourceRow[],
  names: Iterable<string>,
  prevTarget: string | null,
  newTarget: string,
): Map<string, ResourceRow> {
  const wanted = new Set(names);
  const best = new Map<string, { row: ResourceRow; score: number }>();
  for (const row of rows) {
    if (!wanted.has(row.name) || !isActiveRow(row)) continue;
    const score = rowScore(row, prevTarget, newTarget);
    const current = best.get(row.name);
    if (current === undefined || better(row, score, current.row, current.score)) best.set(row.name, { row, score });
  }
  return new Map([...best].map(([name, { row }]) => [name, row]));
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
