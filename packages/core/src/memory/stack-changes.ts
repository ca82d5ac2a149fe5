/**
 * Reading the changes of the stacks a {@link ChangeTracker} noted from a memory store: for
 * each dirty key, its value now, or that it is gone.
 */
import type { SyncKey, ResourceRow, StackRecord, SyncPayload, TraversalGraph } from "../model/types.js";
import type { CompiledTemplate } from "../template/types.js";
import type { ChangeTracker, StackChanges } from "./changes.js";

/** What {@link collectStackChanges} reads of one stack of a store. */
export interface StackView {
  readonly stack: StackRecord;
  readonly rowCounter: number;
  readonly templates: ReadonlyMap<string, CompiledTemplate>;
  readonly rows: ReadonlyMap<string, ResourceRow>;
  readonly graph: TraversalGraph | null;
  readonly syncs: ReadonlyMap<SyncKey, { readonly fields: Pick<ReadonlyMap<SyncKey, SyncPayload>, "has" | "get">; readonly count: number }>;
}

/** The keys of `keys` that `map` holds (with their values), and those it does not. */
function split<T>(keys: Iterable<string>, map: ReadonlyMap<string, T>): { readonly kept: [string, T][]; readonly gone: string[] } {
  const kept: [string, T][] = [];
  const gone: string[] = [];
  for (const key of keys) {
    const value = map.get(key);
    if (value === undefined) gone.push(key);
    else kept.push([key, value]);
  }
  return { kept, gone };
}

/**
 * The changes of every stack `tracker` noted, read through `lookup` (undefined: the stack is
 * gone). Values are the store's own (not copied): serialize them before the store runs again.
 */
export function collectStackChanges(tracker: ChangeTracker, lookup: (stackId: string) => StackView | undefined): StackChanges[] {
  return [...tracker.stacks].map(([id, dirty]): StackChanges => {
    const s = lookup(id);
    if (s === undefined) return { id, stack: null };
    const rows = split(dirty.rows, s.rows);
    const templates = split(dirty.templates, s.templates);
    const syncs: [SyncKey, SyncKey, SyncPayload, number][] = [];
    for (const [node, senders] of dirty.syncs) {
      const entry = s.syncs.get(node);
      if (entry === undefined) continue;
      for (const sender of senders) if (entry.fields.has(sender)) syncs.push([node, sender, entry.fields.get(sender) ?? null, entry.count]);
    }
    return {
      id,
      ...(dirty.record ? { stack: s.stack, rowCounter: s.rowCounter } : {}),
      ...(templates.kept.length > 0 ? { templates: templates.kept } : {}),
      ...(templates.gone.length > 0 ? { droppedTemplates: templates.gone } : {}),
      ...(rows.kept.length > 0 ? { rows: rows.kept.map(([, row]) => row) } : {}),
      ...(rows.gone.length > 0 ? { droppedRows: rows.gone } : {}),
      ...(dirty.graph ? { graph: s.graph } : {}),
      ...(syncs.length > 0 ? { syncs } : {}),
    };
  });
}
