/**
 * Plain records the conformance cases store and read back: stacks, templates, rows and
 * graphs, with values chosen to catch lossy serialization (empty arrays and objects, nested
 * data, unicode, quotes and slashes, nulls, large numbers).
 */
import { randomUUID } from "node:crypto";
import type { NodeKey, ResourceRow, StackRecord, TraversalGraph } from "../../model/types.js";
import type { NewRow, Runtime, RuntimeStore } from "../../runtime/contract.js";
import type { CompiledTemplate } from "../../template/types.js";
import { nodeKey } from "../../model/types.js";

/** Values that a store must give back exactly as written. */
export const TRICKY_VALUES: Readonly<Record<string, unknown>> = Object.freeze({
  empty: "",
  emptyList: [],
  emptyObject: {},
  nested: { list: [1, [2, []], { deep: {} }], flag: false, none: null },
  unicode: "grüße — 日本 ✓ \u0001",
  quoting: 'a "quoted" \\ back/slash',
  big: 9007199254740991,
  negative: -0.125,
});

/** A compiled template with two resources, an output and attribute references. */
export function fixtureTemplate(description = "conformance template"): CompiledTemplate {
  return {
    description,
    resources: {
      web: { type: "test:conformance:Thing", properties: { size: 2, tags: [], meta: { ...TRICKY_VALUES } }, dependsOn: ["db"], deletionPolicy: "delete" },
      db: { type: "test:conformance:Thing", properties: {}, dependsOn: [], deletionPolicy: "retain" },
    },
    outputs: { url: { value: { get_attr: ["web", "url"] }, description: "where" } },
    attributeRefs: { web: ["url"] },
  };
}

/** A stack record with a fresh id and name, status IN_PROGRESS, in traversal `traversal`. */
export function fixtureStack(overrides: Partial<StackRecord> = {}): StackRecord {
  const id = `cf-${randomUUID()}`;
  return {
    id,
    name: `stack-${id.slice(3, 11)}`,
    currentTraversal: `t-${randomUUID()}`,
    templateId: `tpl-${randomUUID()}`,
    prevTemplateId: null,
    action: "CREATE",
    status: "IN_PROGRESS",
    statusReason: "Stack CREATE started",
    options: { disableRollback: false, timeoutMs: null, parameters: { size: 3, names: [], deep: { x: [] } } },
    deadline: null,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_001,
    ...overrides,
  };
}

/** A new INIT row (insert it with `installGraph`). */
export function fixtureRow(id: string, stack: StackRecord, overrides: Partial<NewRow> = {}): NewRow {
  return { id, ...rowBody(`res-${id}`, stack), ...overrides };
}

function rowBody(name: string, stack: StackRecord): Omit<NewRow, "id"> {
  return {
    name,
    type: "test:conformance:Thing",
    templateId: stack.templateId,
    physicalId: null,
    properties: {},
    attributes: {},
    action: "INIT",
    status: "COMPLETE",
    statusReason: "",
    requires: [],
    replaces: null,
    replacedBy: null,
    createdTraversal: stack.currentTraversal,
    deletionPolicy: "delete",
    updatedAt: 1_700_000_000_002,
  };
}

/**
 * A graph from edges `[a, b]` = "a runs after b", plus isolated nodes. Roots and leaves are
 * computed; leaves list cleanup nodes first.
 *
 *   edges [["U:2", "U:1"]]  =>  U:1 -> U:2 ; leaves [U:1], roots [U:2]
 */
export function fixtureGraph(traversalId: string, templateId: string, edges: ReadonlyArray<readonly [NodeKey, NodeKey]>, isolated: readonly NodeKey[] = []): TraversalGraph {
  const requires = new Map<NodeKey, NodeKey[]>();
  const requiredBy = new Map<NodeKey, NodeKey[]>();
  const touch = (k: NodeKey): void => {
    if (!requires.has(k)) requires.set(k, []);
    if (!requiredBy.has(k)) requiredBy.set(k, []);
  };
  for (const [after, before] of edges) {
    touch(after);
    touch(before);
    requires.get(after)?.push(before);
    requiredBy.get(before)?.push(after);
  }
  isolated.forEach(touch);
  const keys = [...requires.keys()].sort();
  const nodes = Object.fromEntries(keys.map((k) => [k, { requires: requires.get(k) ?? [], requiredBy: requiredBy.get(k) ?? [] }]));
  const cleanupFirst = (a: NodeKey, b: NodeKey): number => (a[0] === b[0] ? a.localeCompare(b) : a[0] === "C" ? -1 : 1);
  return {
    traversalId,
    templateId,
    nodes,
    roots: keys.filter((k) => (requiredBy.get(k) ?? []).length === 0),
    leaves: keys.filter((k) => (requires.get(k) ?? []).length === 0).sort(cleanupFirst),
  };
}

/** A stack created and moved to a live traversal whose graph and rows are installed. */
export interface InstalledStack {
  /** The stack as stored after `beginTraversal`. */
  readonly stack: StackRecord;
  /** Its current traversal. */
  readonly traversalId: string;
  /** The inserted rows' ids. */
  readonly rowIds: readonly string[];
  /** The installed graph. */
  readonly graph: TraversalGraph;
}

/**
 * Create a stack, begin a traversal on it and install a graph `U:<row>` per row, each row
 * after the previous one (a chain), with `rows` fresh INIT rows.
 */
export async function installStack(runtime: Runtime, rows = 2, overrides: Partial<StackRecord> = {}): Promise<InstalledStack> {
  const store = runtime.store;
  const created = fixtureStack(overrides);
  if (!(await store.createStack(created, fixtureTemplate()))) throw new Error(`fixture stack name ${created.name} taken`);
  const traversalId = `t-${randomUUID()}`;
  const stack: StackRecord = { ...created, currentTraversal: traversalId, action: "UPDATE" };
  if (!(await store.beginTraversal({ stackId: created.id, expectedTraversal: created.currentTraversal, stack }))) {
    throw new Error("beginTraversal refused on a fresh stack");
  }
  const rowIds = rows > 0 ? await store.allocateRowIds(stack.id, rows) : [];
  const edges: Array<readonly [NodeKey, NodeKey]> = [];
  for (let i = 1; i < rowIds.length; i++) edges.push([nodeKey("U", String(rowIds[i])), nodeKey("U", String(rowIds[i - 1]))]);
  const graph = fixtureGraph(traversalId, stack.templateId, edges, rowIds.length === 1 ? [nodeKey("U", String(rowIds[0]))] : []);
  const newRows = rowIds.map((id) => fixtureRow(id, stack));
  if (!(await store.installGraph({ stackId: stack.id, graph, newRows }))) throw new Error("installGraph refused on a current traversal");
  return { stack, traversalId, rowIds, graph };
}

/** Start a new traversal on an installed stack (superseding the current one). */
export async function supersede(runtime: Runtime, stack: StackRecord): Promise<StackRecord> {
  const next: StackRecord = { ...stack, currentTraversal: `t-${randomUUID()}`, updatedAt: stack.updatedAt + 1 };
  if (!(await runtime.store.beginTraversal({ stackId: stack.id, expectedTraversal: stack.currentTraversal, stack: next }))) {
    throw new Error("beginTraversal refused while superseding");
  }
  return next;
}

/** The row argument of `createReplacement` for a replacement of `oldRowId` made in the stack's traversal. */
export function fixtureReplacement(stack: StackRecord, oldRowId: string, overrides: Partial<NewRow> = {}): Omit<NewRow, "id"> {
  return { ...rowBody(`res-${oldRowId}`, stack), requires: [oldRowId], ...overrides };
}

/** Load a row that must exist. */
export async function mustLoadRow(store: RuntimeStore, stackId: string, rowId: string | undefined): Promise<ResourceRow> {
  const row = rowId === undefined ? null : await store.loadRow(stackId, rowId);
  if (row === null) throw new Error(`row ${String(rowId)} of stack ${stackId} is missing`);
  return row;
}
