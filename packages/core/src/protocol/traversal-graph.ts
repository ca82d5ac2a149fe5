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

interface MutableNode {
  requires: NodeKey[];
  requiredBy: NodeKey[];
}

/**
 * Build the graph. Linear in rows + template edges. Throws if `chosen` misses a name of the
 * template (a bug of the caller).
 */
export function buildTraversalGraph(input: TraversalGraphInput): TraversalGraph {
  const nodes = new Map<NodeKey, MutableNode>();
  const order: NodeKey[] = [];
  const add = (key: NodeKey): MutableNode => {
    let node = nodes.get(key);
    if (node === undefined) {
      node = { requires: [], requiredBy: [] };
      nodes.set(key, node);
      order.push(key);
    }
    return node;
  };
  // `after` runs after `before`.
  const edge = (after: NodeKey, before: NodeKey): void => {
    add(after).requires.push(before);
    add(before).requiredBy.push(after);
  };

  const rowOf = (name: string): string => {
    const id = input.chosen.get(name);
    if (id === undefined) throw new ProtocolError(`no row chosen for resource "${name}"`);
    return id;
  };
  const resources = input.template.resources;
  for (const name of Object.keys(resources)) {
    const resource = resources[name] as CompiledTemplate["resources"][string];
    const self = nodeKey("U", rowOf(name));
    add(self);
    for (const dep of resource.dependsOn) edge(self, nodeKey("U", rowOf(dep)));
  }

  const existing = new Set(input.existing.map((row) => row.id));
  for (const row of input.existing) add(nodeKey("C", row.id));
  for (const row of input.existing) {
    const cleanup = nodeKey("C", row.id);
    for (const required of row.requires.length < 2 ? row.requires : new Set(row.requires)) {
      if (existing.has(required) && required !== row.id) edge(nodeKey("C", required), cleanup);
    }
    const update = nodeKey("U", row.id);
    if (nodes.has(update)) edge(cleanup, update);
  }
  // "Old row after its replacement" only orders create-before-delete; what a delete must wait
  // for is already in the `requires` edges. After a dependency inversion it can close a cycle
  // (old X requires Y, Y requires the replacement X', X' replaces X), so it is added only
  // when it does not.
  const reaches = (from: NodeKey, to: NodeKey): boolean => {
    const seen = new Set<NodeKey>([from]);
    const stack = [from];
    for (let key = stack.pop(); key !== undefined; key = stack.pop()) {
      if (key === to) return true;
      for (const next of nodes.get(key)?.requires ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(next);
      }
    }
    return false;
  };
  for (const row of input.existing) {
    if (row.replaces === null || !existing.has(row.replaces)) continue;
    const [old, cleanup] = [nodeKey("C", row.replaces), nodeKey("C", row.id)];
    if (!reaches(cleanup, old)) edge(old, cleanup);
  }

  const record: Record<NodeKey, GraphNode> = {};
  const roots: NodeKey[] = [];
  const cleanupLeaves: NodeKey[] = [];
  const updateLeaves: NodeKey[] = [];
  for (const key of order) {
    const node = nodes.get(key) as MutableNode;
    node.requires = dedupe(node.requires);
    node.requiredBy = dedupe(node.requiredBy);
    record[key] = node;
    if (node.requiredBy.length === 0) roots.push(key);
    if (node.requires.length === 0) (isCleanupKey(key) ? cleanupLeaves : updateLeaves).push(key);
  }
  return {
    traversalId: input.traversalId,
    templateId: input.templateId,
    nodes: record,
    roots,
    leaves: [...cleanupLeaves, ...updateLeaves],
  };
}

function dedupe(keys: NodeKey[]): NodeKey[] {
  return keys.length < 2 ? keys : [...new Set(keys)];
}
