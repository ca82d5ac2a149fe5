/**
 * A generic dependency graph over string names.
 *
 * An edge `a → b` means "a depends on b": a runs after b. Adjacency is stored both ways as
 * arrays of node indices, so every query is O(nodes + edges) or better, and every algorithm
 * is iterative: a 100,000-node chain never grows the call stack.
 *
 * ```
 *   web ──► app ──► db        web depends on app, app depends on db
 *            │
 *            └────► queue     leaves: db, queue     roots: web
 *
 *   topologicalOrder():        db, queue, app, web   (dependencies first)
 *   reverseTopologicalOrder(): web, app, queue, db   (dependents first)
 * ```
 */
import { DependencyCycleError } from "../errors.js";

/** One edge: `[dependent, dependency]`, i.e. the first runs after the second. */
export type DependencyEdge = readonly [dependent: string, dependency: string];

/** Edge keys pack two indices into one safe integer; this bounds the node count. */
const INDEX_LIMIT = 2 ** 26;

/**
 * An immutable dependency graph of named nodes.
 *
 * ```ts
 * const g = new DependencyGraph(["web", "db"], [["web", "db"]]);
 * g.topologicalOrder(); // ["db", "web"]
 * ```
 */
export class DependencyGraph {
  readonly #names: string[] = [];
  readonly #index = new Map<string, number>();
  /** `#dependencies[i]`: indices node i depends on, in edge insertion order. */
  readonly #dependencies: number[][] = [];
  /** `#dependents[i]`: indices of nodes that depend on node i, in edge insertion order. */
  readonly #dependents: number[][] = [];
  #edgeCount = 0;

  /**
   * @param nodes node names; duplicates are ignored, order is kept (it breaks ties).
   * @param edges `[a, b]` pairs meaning "a depends on b". A name that is not in `nodes` is
   *   added as a node when first seen. Duplicate edges are ignored; a self edge `[a, a]` is
   *   kept (it is a cycle of length one).
   */
  constructor(nodes: Iterable<string> = [], edges: Iterable<DependencyEdge> = []) {
    for (const name of nodes) this.#add(name);
    const seen = new Set<number>();
    for (const [from, to] of edges) {
      const a = this.#add(from);
      const b = this.#add(to);
      const key = a * INDEX_LIMIT + b;
      if (seen.has(key)) continue;
      seen.add(key);
      (this.#dependencies[a] as number[]).push(b);
      (this.#dependents[b] as number[]).push(a);
      this.#edgeCount++;
    }
  }

  /**
   * Build a graph from a map of node → the nodes it depends on (e.g. each compiled
   * resource's `dependsOn`). Nodes come in the map's order.
   */
  static fromDependencies(dependencies: Iterable<readonly [string, Iterable<string>]>): DependencyGraph {
    const nodes: string[] = [];
    const edges: DependencyEdge[] = [];
    for (const [node, deps] of dependencies) {
      nodes.push(node);
      for (const dep of deps) edges.push([node, dep]);
    }
    return new DependencyGraph(nodes, edges);
  }

  /** Number of nodes. */
  get size(): number {
    return this.#names.length;
  }

  /** Number of distinct edges. */
  get edgeCount(): number {
    return this.#edgeCount;
  }

  /** Whether `name` is a node of the graph. */
  has(name: string): boolean {
    return this.#index.has(name);
  }

  /** Every node, in insertion order. */
  nodes(): string[] {
    return [...this.#names];
  }

  /** Every edge as `[dependent, dependency]`, grouped by dependent in insertion order. */
  edges(): DependencyEdge[] {
    const out: DependencyEdge[] = [];
    this.#dependencies.forEach((deps, a) => {
      for (const b of deps) out.push([this.#name(a), this.#name(b)]);
    });
    return out;
  }

  /** Nodes that depend on nothing (they can run first), in insertion order. */
  leaves(): string[] {
    return this.#select((i) => (this.#dependencies[i] as number[]).length === 0);
  }

  /** Nodes nothing depends on (they run last), in insertion order. */
  roots(): string[] {
    return this.#select((i) => (this.#dependents[i] as number[]).length === 0);
  }

  /**
   * The nodes `name` depends on directly, in edge insertion order.
   * @throws RangeError when `name` is not a node (a programming error).
   */
  dependenciesOf(name: string): string[] {
    return (this.#dependencies[this.#require(name)] as number[]).map((i) => this.#name(i));
  }

  /**
   * The nodes that depend on `name` directly, in edge insertion order.
   * @throws RangeError when `name` is not a node (a programming error).
   */
  dependentsOf(name: string): string[] {
    return (this.#dependents[this.#require(name)] as number[]).map((i) => this.#name(i));
  }

  /**
   * Every node, dependencies before their dependents. Deterministic: whenever several nodes
   * are ready, the one inserted first comes first (Kahn's algorithm with a min-heap on the
   * insertion index), so a graph without edges yields insertion order.
   *
   * ```
   *   nodes c, a, b; edge c → a       ready {a, b}  → a  (a inserted before b)
   *   (c depends on a)                 ready {c, b}  → c  (c inserted first of all)
   *   order: a, c, b                   ready {b}     → b
   * ```
   * @throws DependencyCycleError naming a cycle when there is one.
   */
  topologicalOrder(): string[] {
    const n = this.#names.length;
    const pending = new Int32Array(n);
    const heap = new IndexHeap(n);
    for (let i = 0; i < n; i++) {
      pending[i] = (this.#dependencies[i] as number[]).length;
      if (pending[i] === 0) heap.push(i);
    }
    const order: string[] = [];
    while (heap.size > 0) {
      const i = heap.pop();
      order.push(this.#name(i));
      for (const d of this.#dependents[i] as number[]) {
        const left = (pending[d] as number) - 1;
        pending[d] = left;
        if (left === 0) heap.push(d);
      }
    }
    if (order.length < n) throw new DependencyCycleError(this.findCycle() ?? []);
    return order;
  }

  /**
   * Every node, dependents before their dependencies: exactly `topologicalOrder()` reversed
   * (the order in which a stack is torn down).
   * @throws DependencyCycleError naming a cycle when there is one.
   */
  reverseTopologicalOrder(): string[] {
    return this.topologicalOrder().reverse();
  }

  /**
   * A dependency cycle, or null when the graph is acyclic. The cycle lists names along the
   * "depends on" edges with the first name repeated at the end. Deterministic: a depth-first
   * search from each node in insertion order, following edges in insertion order.
   *
   * ```
   *   a ──► b ──► c        findCycle() → ["a", "b", "c", "a"]
   *   ▲           │
   *   └───────────┘
   * ```
   */
  findCycle(): string[] | null {
    const n = this.#names.length;
    const WHITE = 0;
    const GREY = 1;
    const BLACK = 2;
    const colour = new Uint8Array(n);
    const nextEdge = new Int32Array(n);
    const stackPos = new Int32Array(n);
    const stack = new Int32Array(n);
    for (let start = 0; start < n; start++) {
      if (colour[start] !== WHITE) continue;
      let sp = 0;
      colour[start] = GREY;
      stackPos[start] = sp;
      stack[sp++] = start;
      while (sp > 0) {
        const u = stack[sp - 1] as number;
        const deps = this.#dependencies[u] as number[];
        const e = nextEdge[u] as number;
        if (e < deps.length) {
          nextEdge[u] = e + 1;
          const v = deps[e] as number;
          if (colour[v] === WHITE) {
            colour[v] = GREY;
            stackPos[v] = sp;
            stack[sp++] = v;
          } else if (colour[v] === GREY) {
            const cycle: string[] = [];
            for (let k = stackPos[v] as number; k < sp; k++) cycle.push(this.#name(stack[k] as number));
            cycle.push(this.#name(v));
            return cycle;
          }
        } else {
          colour[u] = BLACK;
          sp--;
        }
      }
    }
    return null;
  }

  #add(name: string): number {
    const known = this.#index.get(name);
    if (known !== undefined) return known;
    const i = this.#names.length;
    if (i >= INDEX_LIMIT) throw new RangeError(`a dependency graph holds at most ${INDEX_LIMIT} nodes`);
    this.#names.push(name);
    this.#index.set(name, i);
    this.#dependencies.push([]);
    this.#dependents.push([]);
    return i;
  }

  #require(name: string): number {
    const i = this.#index.get(name);
    if (i === undefined) throw new RangeError(`"${name}" is not a node of this dependency graph`);
    return i;
  }

  #name(i: number): string {
    return this.#names[i] as string;
  }

  #select(keep: (i: number) => boolean): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.#names.length; i++) if (keep(i)) out.push(this.#name(i));
    return out;
  }
}

/** A binary min-heap of node indices (the ready set of the topological sort). */
class IndexHeap {
  readonly #items: Int32Array;
  #size = 0;

  constructor(capacity: number) {
    this.#items = new Int32Array(Math.max(capacity, 1));
  }

  get size(): number {
    return this.#size;
  }

  push(value: number): void {
    const items = this.#items;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as number;
      if (p <= value) break;
      items[i] = p;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.#items;
    const top = items[0] as number;
    const last = items[--this.#size] as number;
    const n = this.#size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (items[r] as number) < (items[l] as number) ? r : l;
      if ((items[c] as number) >= last) break;
      items[i] = items[c] as number;
      i = c;
    }
    if (n > 0) items[i] = last;
    return top;
  }
}
