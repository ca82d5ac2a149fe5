/**
 * Building the traversal graph of update and cleanup nodes (DESIGN.md section 3 step 4).
 *
 * Worked example: R0 after C was replaced by C' (old C still present), D and E pointing at C'.
 * Edges read "a runs after b":
 *
 *   update part            U(D) -> U(C')   U(E) -> U(C')   U(C') -> U(A), U(B)
 *   cleanup part           C(A) -> C(C')   C(B) -> C(C')   (C' requires A, B)
 *                          C(C') -> C(D)   C(C') -> C(E)   (D, E require C')
 *                          C(A) -> C(C)    C(B) -> C(C)    (old C required A, B)
 *                          C(C) -> C(C')                    (C' replaces C)
 *                          C(x) -> U(x) for every x with an update node
 *
 *   so: old C is deleted after C' was checked, which is after D and E were updated.
 *
 * The replaces edge is left out when it would close a cycle (see below), so the graph is
 * always acyclic.
 */
import { ProtocolError } from "../errors.js";
import type { GraphNode, NodeKey, ResourceRow, TraversalGraph } from "../model/types.js";
import { isCleanupKey, nodeKey } from "../model/types.js";
import type { CompiledTemplate } from "../template/types.js";

/** Inputs of {@link buildTraversalGraph}. */
export interface TraversalGraphInput {
  /** Traversal id. */
  readonly traversalId: string;
  /** Target template id. */
  readonly templateId: string;
  /** Target template. */
  readonly template: CompiledTemplate;
  /** The row chosen for every resource name of the target (existing or new INIT rows). */
  readonly chosen: ReadonlyMap<string, string>;
  /** Every pre-existing active row: each gets a cleanup node. */
  readonly existing: readonly ResourceRow[];
}

/**
 * The graph while it is built: nodes by number (each key made once), edges as two parallel
 * lists of node numbers. A 100,000-resource update has 200,000 nodes: a string-keyed map
 * probed several times per node (and a key string made per probe) cost ~0.5 s; numbers
 * cost one probe per name or row id.
 */
class GraphBuilder {
  readonly keys: NodeKey[] = [];
  /** `after[e]` runs after `before[e]`. */
  readonly after: number[] = [];
  readonly before: number[] = [];
  /** Update node by row id, cleanup node by row id. */
  readonly updates = new Map<string, number>();
  readonly cleanups = new Map<string, number>();

  /** The update node of `rowId` (made when new). */
  update(rowId: string): number {
    return this.node(this.updates, "U", rowId);
  }

  /** The cleanup node of `rowId` (made when new). */
  cleanup(rowId: string): number {
    return this.node(this.cleanups, "C", rowId);
  }

  private node(byRow: Map<string, number>, direction: "U" | "C", rowId: string): number {
    let node = byRow.get(rowId);
    if (node === undefined) {
      node = this.keys.push(nodeKey(direction, rowId)) - 1;
      byRow.set(rowId, node);
    }
    return node;
  }

  /** `later` runs after `earlier`. */
  edge(later: number, earlier: number): void {
    this.after.push(later);
    this.before.push(earlier);
  }
}

/**
 * Build the graph. Linear in rows + template edges. Throws if `chosen` misses a name of the
 * template (a bug of the caller).
 */
export function buildTraversalGraph(input: TraversalGraphInput): TraversalGraph {
  const b = new GraphBuilder();
  addUpdateNodes(b, input);
  addCleanupNodes(b, input.existing);
  addReplacesEdges(b, input.existing);
  return assemble(b, input);
}

/** Update part: a node per resource (its chosen row), after the nodes of what it depends on. */
function addUpdateNodes(b: GraphBuilder, input: TraversalGraphInput): void {
  const byName = new Map<string, number>();
  const nodeOf = (name: string): number => {
    let node = byName.get(name);
    if (node === undefined) {
      const id = input.chosen.get(name);
      if (id === undefined) throw new ProtocolError(`no row chosen for resource "${name}"`);
      node = b.update(id);
      byName.set(name, node);
    }
    return node;
  };
  const resources = input.template.resources;
  for (const name of Object.keys(resources)) {
    const resource = resources[name] as CompiledTemplate["resources"][string];
    const self = nodeOf(name);
    for (const dep of resource.dependsOn) b.edge(self, nodeOf(dep));
  }
}

/**
 * Cleanup part: a node per existing row, before the cleanups of the rows it requires (a
 * delete waits for its dependents' deletes) and after its own update node, if any.
 */
function addCleanupNodes(b: GraphBuilder, existing: readonly ResourceRow[]): void {
  for (const row of existing) b.cleanup(row.id);
  for (const row of existing) {
    const cleanup = b.cleanups.get(row.id) as number;
    for (const required of row.requires.length < 2 ? row.requires : new Set(row.requires)) {
      const target = required === row.id ? undefined : b.cleanups.get(required);
      if (target !== undefined) b.edge(target, cleanup);
    }
    const update = b.updates.get(row.id);
    if (update !== undefined) b.edge(cleanup, update);
  }
}

/**
 * "Old row after its replacement" only orders create-before-delete; what a delete must wait
 * for is already in the `requires` edges. After a dependency inversion it can close a cycle
 * (old X requires Y, Y requires the replacement X', X' replaces X), so it is added only when
 * it does not.
 */
function addReplacesEdges(b: GraphBuilder, existing: readonly ResourceRow[]): void {
  let requires: number[][] | undefined;
  for (const row of existing) {
    const old = row.replaces === null ? undefined : b.cleanups.get(row.replaces);
    if (old === undefined) continue;
    const cleanup = b.cleanups.get(row.id) as number;
    requires ??= adjacency(b);
    if (reaches(requires, cleanup, old)) continue;
    b.edge(old, cleanup);
    (requires[old] as number[]).push(cleanup);
  }
}

/** What each node requires, in edge order. */
function adjacency(b: GraphBuilder): number[][] {
  const requires: number[][] = b.keys.map(() => []);
  for (let e = 0; e < b.after.length; e++) (requires[b.after[e] as number] as number[]).push(b.before[e] as number);
  return requires;
}

/** Whether `to` is reachable from `from` along `requires`. */
function reaches(requires: readonly (readonly number[])[], from: number, to: number): boolean {
  const seen = new Set<number>([from]);
  const stack = [from];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node === to) return true;
    for (const next of requires[node] ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(next);
    }
  }
  return false;
}

/**
 * The stored graph: nodes in the order they were made, their edges in edge order without
 * repeats - a node's successors with the cleanup nodes first (the order it reports to them
 * in, `report.ts`: stored so, no check has to sort them). Deep-frozen as it is made: a graph
 * never changes once built, and a store that keeps values frozen (the memory runtime's)
 * shares a frozen graph instead of copying its 200,000 nodes.
 */
function assemble(b: GraphBuilder, input: TraversalGraphInput): TraversalGraph {
  const { keys, after, before } = b;
  const requires: NodeKey[][] = keys.map(() => []);
  const requiredBy: NodeKey[][] = keys.map(() => []);
  for (let e = 0; e < after.length; e++) (requires[after[e] as number] as NodeKey[]).push(keys[before[e] as number] as NodeKey);
  for (const cleanups of [true, false]) {
    for (let e = 0; e < after.length; e++) {
      const later = keys[after[e] as number] as NodeKey;
      if (isCleanupKey(later) === cleanups) (requiredBy[before[e] as number] as NodeKey[]).push(later);
    }
  }
  const record: Record<NodeKey, GraphNode> = {};
  const roots: NodeKey[] = [];
  const cleanupLeaves: NodeKey[] = [];
  const updateLeaves: NodeKey[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as NodeKey;
    const node: GraphNode = Object.freeze({ requires: Object.freeze(dedupe(requires[i] as NodeKey[])), requiredBy: Object.freeze(dedupe(requiredBy[i] as NodeKey[])) });
    record[key] = node;
    if (node.requiredBy.length === 0) roots.push(key);
    if (node.requires.length === 0) (isCleanupKey(key) ? cleanupLeaves : updateLeaves).push(key);
  }
  return Object.freeze({
    traversalId: input.traversalId,
    templateId: input.templateId,
    nodes: Object.freeze(record),
    roots: Object.freeze(roots),
    leaves: Object.freeze([...cleanupLeaves, ...updateLeaves]),
  });
}

function dedupe(keys: NodeKey[]): NodeKey[] {
  return keys.length < 2 ? keys : [...new Set(keys)];
}
