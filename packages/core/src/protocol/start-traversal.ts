/**
 * Starting a traversal (DESIGN.md section 3): CAS the stack to a new traversal id, choose the
 * rows, build and store the graph once, then enqueue the leaves (a large traversal's streamed:
 * see `stream-install.ts`).
 */
import type { ResourceRow, StackAction, StackOptions, StackRecord } from "../model/types.js";
import { randomUUID } from "../platform/node.js";
import type { NewRow, Runtime, RuntimeStore } from "../runtime/contract.js";
import type { CompiledTemplate } from "../template/types.js";
import type { TargetMatch } from "./best-existing.js";
import { chooseRows, contestedNames, isActiveRow, isSettledRow } from "./best-existing.js";
import { stackEvent } from "./events.js";
import { installAndEnqueue } from "./stream-install.js";
import { buildTraversalGraph } from "./traversal-graph.js";

/** What a traversal start needs from its caller's environment. */
export interface TraversalEnv {
  /** The store to write to. */
  readonly store: RuntimeStore;
  /** The runtime (clock, queue). */
  readonly runtime: Runtime;
  /** Watchdog interval, ms. */
  readonly watchdogIntervalMs: number;
}

/** Parameters of {@link startTraversal}. */
export interface StartTraversal {
  /** The stack as read; the start is a CAS on its `currentTraversal`. */
  readonly stack: StackRecord;
  /** Action of the new traversal. */
  readonly action: StackAction;
  /** Target template id. */
  readonly templateId: string;
  /** Target template. */
  readonly template: CompiledTemplate;
  /** Whether `template` is new and must be stored under `templateId`. */
  readonly storeTemplate: boolean;
  /** Options of the traversal. */
  readonly options: StackOptions;
  /** Status reason recorded on the stack. */
  readonly reason: string;
  /** Read reality first and repair drift (a converging update). @default false */
  readonly converge?: boolean;
  /** Due time of the reconciliation run starting it (recorded on the stack by the CAS). */
  readonly reconciledDue?: number;
  /**
   * A create's first write (the stack record), run after the timers are armed and before the
   * CAS, so a start that cannot arm them writes nothing. Throws to abandon the start.
   */
  readonly createRecord?: () => Promise<void>;
}

/**
 * Start a traversal. Returns its id, or null when the stack moved on meanwhile (the caller
 * re-reads and retries, or gives up if it was a worker-initiated rollback).
 */
export async function startTraversal(env: TraversalEnv, start: StartTraversal): Promise<string | null> {
  const now = env.runtime.now();
  const traversalId = randomUUID();
  const previous = start.stack;
  const stack: StackRecord = {
    ...previous,
    currentTraversal: traversalId,
    templateId: start.templateId,
    action: start.action,
    status: "IN_PROGRESS",
    statusReason: start.reason,
    options: start.options,
    converge: start.converge === true,
    ...(start.reconciledDue === undefined ? {} : { reconciledDue: start.reconciledDue }),
    deadline: start.options.timeoutMs === null ? null : now + start.options.timeoutMs,
    updatedAt: now,
  };
  // The timers are armed before the CAS (and before a create's stack record): an engine that
  // dies right after it must not leave a traversal that nothing will ever look at again (W-D),
  // and a start that cannot arm them writes nothing. Timers of a start that loses the CAS, or
  // of a create that wrote no record, find their traversal not current and do nothing.
  // Both are armed at once (neither depends on the other).
  await Promise.all([
    stack.deadline === null ? undefined : env.runtime.schedule({ kind: "timeout", stackId: stack.id, traversalId }, stack.deadline),
    env.runtime.schedule({ kind: "watchdog", stackId: stack.id, traversalId }, now + env.watchdogIntervalMs),
  ]);
  await start.createRecord?.();
  const begun = await env.store.beginTraversal({
    stackId: stack.id,
    expectedTraversal: previous.currentTraversal,
    stack,
    ...(start.storeTemplate ? { template: start.template } : {}),
  });
  if (!begun) return null;
  await stackEvent(env, stack, traversalId, start.action, "IN_PROGRESS", start.reason);

  // Rows are read after the CAS: from here on no check of an older traversal can lock a row,
  // so every row's `requires` already covers what its in-flight operation may point at.
  const rows = (await env.store.loadRows(stack.id)).filter(isActiveRow);
  const names = Object.keys(start.template.resources);
  const match = await loadTargetMatch(env.store, stack.id, rows, start.template, start.templateId);
  const chosen = chooseRows(rows, names, previous.templateId, start.templateId, match);
  const missing = names.filter((name) => !chosen.has(name));
  const ids = missing.length > 0 ? await env.store.allocateRowIds(stack.id, missing.length) : [];
  const newRows: NewRow[] = missing.map((name, i) => initRow(ids[i] as string, name, start, traversalId, now));
  const chosenIds = new Map<string, string>([...chosen].map(([name, row]) => [name, row.id]));
  newRows.forEach((row) => chosenIds.set(row.name, row.id));
  const graph = buildTraversalGraph({
    traversalId,
    templateId: start.templateId,
    template: start.template,
    chosen: chosenIds,
    existing: rows,
  });
  await installAndEnqueue(env, stack.id, graph, newRows);
  return traversalId;
}

/**
 * What best-existing needs to prefer a row that already is what the target `template` (id
 * `templateId`) asks for - a revert of a replacement still in flight: the stored templates
 * that settled rows of contested names were converged with. Undefined when no name has more
 * than one row (the common case: nothing to load). A template that is gone makes its rows
 * not match.
 */
export async function loadTargetMatch(
  store: RuntimeStore,
  stackId: string,
  rows: readonly ResourceRow[],
  template: CompiledTemplate,
  templateId: string,
): Promise<TargetMatch | undefined> {
  const contested = contestedNames(rows, Object.keys(template.resources));
  if (contested.size === 0) return undefined;
  const ids = new Set(rows.filter((r) => contested.has(r.name) && isSettledRow(r) && r.templateId !== templateId).map((r) => r.templateId));
  const templates = new Map<string, CompiledTemplate>();
  for (const id of ids) {
    const template = await store.loadTemplate(stackId, id);
    if (template !== null) templates.set(id, template);
  }
  return { target: template, templates };
}

function initRow(id: string, name: string, start: StartTraversal, traversalId: string, now: number): NewRow {
  const resource = start.template.resources[name];
  return {
    id,
    name,
    type: resource?.type ?? "",
    templateId: start.templateId,
    physicalId: null,
    properties: {},
    attributes: {},
    action: "INIT",
    status: "COMPLETE",
    statusReason: "",
    requires: [],
    replaces: null,
    replacedBy: null,
    createdTraversal: traversalId,
    deletionPolicy: resource?.deletionPolicy ?? "delete",
    updatedAt: now,
  } satisfies NewRow;
}
