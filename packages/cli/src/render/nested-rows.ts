/**
 * Resources of a composed stack, named by their path (`app/db`, `web/3/server`), in the
 * order a reader wants them: each nested stack followed by its resources, indented under it.
 * Path parts compare as numbers when both are numbers (a group's member `10` after `9`).
 *
 * ```
 *   app            app.yaml
 *     db           OS::Heat::TestResource
 *   web            OS::Heat::ResourceGroup
 *     0            web-server.yaml
 *       server     OS::Heat::TestResource
 * ```
 */

/** A row placed in the tree. */
export interface NestedRow<R> {
  /** The row, or null for a nested stack that has no row of its own (its resources do). */
  readonly row: R | null;
  /** The full path. */
  readonly path: string;
  /** How many nested stacks it is inside. */
  readonly depth: number;
  /** Its name inside its nested stack (the last part of the path). */
  readonly local: string;
}

const SEPARATOR = "/";

function comparePart(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b) || a.localeCompare(b);
  return a.localeCompare(b);
}

/** Compare two paths part by part (a parent before its children). */
export function comparePaths(a: string, b: string): number {
  const pa = a.split(SEPARATOR);
  const pb = b.split(SEPARATOR);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const order = comparePart(pa[i] as string, pb[i] as string);
    if (order !== 0) return order;
  }
  return pa.length - pb.length;
}

/**
 * Order `rows` (named by `nameOf`) as a tree, adding a placeholder for each nested stack that
 * has resources but no row of its own. Rows with the same path keep their input order.
 */
export function nestedRows<R>(rows: readonly R[], nameOf: (row: R) => string): NestedRow<R>[] {
  const paths = new Set(rows.map(nameOf));
  const placeholders = new Set<string>();
  for (const path of paths) {
    for (let at = path.indexOf(SEPARATOR); at >= 0; at = path.indexOf(SEPARATOR, at + 1)) {
      const parent = path.slice(0, at);
      if (!paths.has(parent)) placeholders.add(parent);
    }
  }
  const entries: NestedRow<R>[] = [...rows.map((row) => entry(row, nameOf(row))), ...[...placeholders].map((path) => entry<R>(null, path))];
  // A stable sort keeps the input order of rows that share a path (incarnations of one resource).
  return entries.sort((a, b) => comparePaths(a.path, b.path) || (a.row === null ? -1 : b.row === null ? 1 : 0));
}

function entry<R>(row: R | null, path: string): NestedRow<R> {
  const parts = path.split(SEPARATOR);
  return { row, path, depth: parts.length - 1, local: parts[parts.length - 1] ?? path };
}
