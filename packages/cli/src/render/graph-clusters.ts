/**
 * Nested stacks in the graph renderers: the nodes of a composed template are named by their
 * path (`app/db`, `group/3/port`), and each nested stack (`app`, `group`, `group/3`) is drawn
 * as a subgraph around its resources - DOT `subgraph cluster_…`, Mermaid `subgraph … end`, an
 * indented block in the text form. The nested stack's own node (`app`: what its dependents
 * wait for and read outputs from) is drawn inside its subgraph.
 *
 * ```
 *   ┌ app: app.yaml ───────────┐
 *   │ app ──► db     web ──► db │      clusters by path prefix, any depth
 *   └──────────────────────────┘
 * ```
 */

/** A nested stack drawn around its resources. */
export interface GraphCluster {
  /** Its path (`app`, `group/3`); the nodes named `<path>/<name>` (and `<path>` itself) are inside. */
  readonly path: string;
  /** The title of the subgraph (`app: app.yaml`). */
  readonly label: string;
}

/** One level of nesting: the nodes directly in it and its nested clusters. */
export interface ClusterTree<N> {
  /** The cluster, or null for the top level. */
  readonly cluster: GraphCluster | null;
  /** Nodes directly inside, in input order. */
  readonly nodes: N[];
  /** Nested clusters, in input order. */
  readonly children: ClusterTree<N>[];
}

/** The part of a path after its cluster's path (`app/db` in `app` → `db`). */
export function localName(name: string, cluster: GraphCluster | null): string {
  if (cluster === null) return name;
  return name === cluster.path ? name.slice(name.lastIndexOf("/") + 1) : name.slice(cluster.path.length + 1);
}

/**
 * Arrange nodes into the clusters: a node belongs to the deepest cluster whose path is the
 * node's name or a prefix of it followed by `/`. Clusters nest by the same rule.
 */
export function clusterTree<N extends { readonly name: string }>(nodes: readonly N[], clusters: readonly GraphCluster[]): ClusterTree<N> {
  const root: ClusterTree<N> = { cluster: null, nodes: [], children: [] };
  const byPath = new Map<string, ClusterTree<N>>();
  // Shorter paths first, so a parent exists before its children.
  const sorted = [...clusters].sort((a, b) => a.path.split("/").length - b.path.split("/").length);
  for (const cluster of sorted) {
    const tree: ClusterTree<N> = { cluster, nodes: [], children: [] };
    byPath.set(cluster.path, tree);
    (enclosing(byPath, cluster.path, false) ?? root).children.push(tree);
  }
  for (const node of nodes) (enclosing(byPath, node.name, true) ?? root).nodes.push(node);
  return root;
}

/** The deepest cluster containing `name` (itself included when `self`). */
function enclosing<T>(byPath: ReadonlyMap<string, T>, name: string, self: boolean): T | undefined {
  let path = self ? name : parentPath(name);
  while (path !== null) {
    const found = byPath.get(path);
    if (found !== undefined) return found;
    path = parentPath(path);
  }
  return undefined;
}

function parentPath(path: string): string | null {
  const at = path.lastIndexOf("/");
  return at < 0 ? null : path.slice(0, at);
}
