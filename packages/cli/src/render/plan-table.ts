/**
 * A plan or preview as a table, one row per resource:
 *
 * ```
 * ACTION   NAME  TYPE                    CHANGED  REASON
 * update   a     OS::Heat::TestResource  value    updated in place
 * replace  b     OS::Heat::TestResource  size     the type requires replacement
 * ```
 */
import type { PreviewAction, PreviewEntry } from "@converge/core";
import type { Palette } from "./format.js";
import { table } from "./format.js";

/** An action coloured by what it does: green adds, yellow changes, red destroys. */
export function colorAction(p: Palette, action: PreviewAction): string {
  switch (action) {
    case "create":
    case "import":
      return p.green(action);
    case "update":
    case "unknown":
      return p.yellow(action);
    case "replace":
    case "delete":
      return p.red(action);
    default:
      return p.dim(action);
  }
}

/** The table's lines (header first). */
export function planTable(entries: readonly PreviewEntry[], p: Palette): string[] {
  return table<PreviewEntry>(
    entries,
    [
      { header: "ACTION", cell: (e) => colorAction(p, e.action) },
      { header: "NAME", cell: (e) => e.name },
      { header: "TYPE", cell: (e) => e.type },
      { header: "CHANGED", cell: (e) => (e.changed.length === 0 ? "-" : e.changed.join(",")) },
      { header: "REASON", cell: (e) => e.reason },
    ],
    p,
  );
}
