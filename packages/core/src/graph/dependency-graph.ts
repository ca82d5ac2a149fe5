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

const EMPTY = new Int32Array(1);

/**
 * An immutable dependency graph of named nodes.
 *
 * Storage is compressed sparse rows both ways: for node i, its dependencies are
 * `depTargets[depStart[i] .. depStart[i+1])` and its dependents
 * `revTargets[revStart[i] .. revStart[i+1])`, all `Int32Array`s, so a 100,000-node graph is a
 * handful of allocations rather than 200,000 small arrays.
 *
 * ```ts
 * const g = new DependencyGraph(["web", "db"], [["web", "db"]]);
 * g.topologicalOrder(); // ["db", "web"]
 * ```
 */
export class DependencyGraph {
  readonly #names: string[] = [];
  readonly #index = new Map<string, number>();
  #depStart: Int32Array = EMPTY;
  #depTargets: Int32Array = EMPTY;
  #revStart: Int32Array = EMPTY;
  #revTargets: Int32Array = EMPTY;

  /**
   * @param nodes node names; duplicates are ignored, order is kept (it breaks ties).
   * @param edges `[a, b]` pairs meaning "a depends on b". A name that is not in `nodes` is
   *   added as a node when first seen. Duplicate edges are ignored; a self edge `[a, a]` is
   *   kept (it is a cycle of length one).
   */
  constructor(nodes: Iterable<string> = [], edges: Iterable<DependencyEdge> = []) {
    for (const name of nodes) this.#add(name);
    const buffer = new EdgeBuffer();
    for (const [from, to] of edges) buffer.push(this.#add(from), this.#add(to));
    this.#link(buffer);
  }

  /**
   * Build a graph from a map of node → the nodes it depends on (e.g. each compiled
   * resource's `dependsOn`). Nodes come in the map's order.
   */
  static fromDependencies(dependencies: Iterable<readonly [string, Iterable<string>]>): DependencyGraph {
    const entries = Array.isArray(dependencies) ? (dependencies as readonly (readonly [string, Iterable<string>])[]) : [...dependencies];
    const graph = new DependencyGraph();
    const index = new Int32Array(entries.length);
    entries.forEach(([node], i) => {
      index[i] = graph.#add(node);
    });
    const buffer = new EdgeBuffer();
    entries.forEach(([, deps], i) => {
      const from = index[i] as number;
      for (const dep of deps) buffer.push(from, graph.#add(dep));
    });
    graph.#link(buffer);
    return graph;
  }

  /** Turn the edge buffer into deduplicated compressed rows, both ways. */
  #link(buffer: EdgeBuffer): void {
    const n = this.#names.length;
    const m = buffer.length;
    const { from, to } = buffer;
    // Forward rows (edge insertion order within a node), deduplicated: mark[b] === a + 1
    // means the edge a → b was already kept.
    const forward = groupEdges(from, m, n);
    const mark = new Int32Array(n);
    const keep = new Uint8Array(m);
    const depStart = new Int32Array(n + 1);
    const depTargets = new Int32Array(m);
    let w = 0;
    for (let a = 0; a < n; a++) {
      depStart[a] = w;
      for (let k = forward.start[a] as number; k < (forward.start[a + 1] as number); k++) {
        const e = forward.ids[k] as number;
        const b = to[e] as number;
        if (mark[b] === a + 1) continue;
        mark[b] = a + 1;
        keep[e] = 1;
        depTargets[w++] = b;
      }
    }
    depStart[n] = w;
    // Reverse rows from the kept edges, in edge insertion order.
    const reverse = groupEdges(to, m, n, keep);
    const revTargets = new Int32Array(w);
    for (let k = 0; k < w; k++) revTargets[k] = from[reverse.ids[k] as number] as number;
    const revStart = reverse.start;
    this.#depStart = depStart;
    this.#depTargets = depTargets.subarray(0, w);
    this.#revStart = revStart;
    this.#revTargets = revTargets;
  }

  /** Number of nodes. */
  get size(): number {
    return this.#names.length;
  }

  /** Number of distinct edges. */
  get edgeCount(): number {
    return this.#depTargets.length;
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
    for (let a = 0; a < this.#names.length; a++) {
      for (let k = this.#depStart[a] as number; k < (this.#depStart[a + 1] as number); k++) {
        out.push([this.#name(a), this.#name(this.#depTargets[k] as number)]);
      }
    }
    return out;
  }

  /** Nodes that depend on nothing (they can run first), in insertion order. */
  leaves(): string[] {
    return this.#select((i) => this.#depStart[i] === this.#depStart[i + 1]);
  }

  /** Nodes nothing depends on (they run last), in insertion order. */
  roots(): string[] {
    return this.#select((i) => this.#revStart[i] === this.#revStart[i + 1]);
  }

  /**
   * The nodes `name` depends on directly, in edge insertion order.
   * @throws RangeError when `name` is not a node (a programming error).
   */
  dependenciesOf(name: string): string[] {
    return this.#row(this.#depStart, this.#depTargets, this.#require(name));
  }

  /**
   * The nodes that depend on `name` directly, in edge insertion order.
   * @throws RangeError when `name` is not a node (a programming error).
   */
  dependentsOf(name: string): string[] {
    return this.#row(this.#revStart, this.#revTargets, this.#require(name));
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
      pending[i] = (this.#depStart[i + 1] as number) - (this.#depStart[i] as number);
      if (pending[i] === 0) heap.push(i);
    }
    const order: string[] = [];
    while (heap.size > 0) {
      const i = heap.pop();
      order.push(this.#name(i));
      for (let k = this.#revStart[i] as number; k < (this.#revStart[i + 1] as number); k++) {
        const d = this.#revTargets[k] as number;
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
    const nextEdge = this.#depStart.slice(0, n);
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
        const e = nextEdge[u] as number;
        if (e < (this.#depStart[u + 1] as number)) {
          nextEdge[u] = e + 1;
          const v = this.#depTargets[e] as number;
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
    this.#names.push(name);
    this.#index.set(name, i);
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

  #row(start: Int32Array, targets: Int32Array, i: number): string[] {
    const out: string[] = [];
    for (let k = start[i] as number; k < (start[i + 1] as number); k++) out.push(this.#name(targets[k] as number));
    return out;
  }

  #select(keep: (i: number) => boolean): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.#names.length; i++) if (keep(i)) out.push(this.#name(i));
    return out;
  }
}

/**
 * Stable counting sort of the edge ids `0..m-1` by `key[e]` (a node index), skipping edges
 * whose `keep[e]` is 0 when `keep` is given. Row i is `ids[start[i] .. start[i+1])`.
 */
function groupEdges(key: Int32Array, m: number, n: number, keep?: Uint8Array): { start: Int32Array; ids: Int32Array } {
  const start = new Int32Array(n + 1);
  let count = 0;
  for (let e = 0; e < m; e++) {
    if (keep !== undefined && keep[e] !== 1) continue;
    const k = (key[e] as number) + 1;
    start[k] = (start[k] as number) + 1;
    count++;
  }
  for (let i = 0; i < n; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
  const fill = start.slice(0, n);
  const ids = new Int32Array(count);
  for (let e = 0; e < m; e++) {
    if (keep !== undefined && keep[e] !== 1) continue;
    const k = key[e] as number;
    const pos = fill[k] as number;
    fill[k] = pos + 1;
    ids[pos] = e;
  }
  return { start, ids };
}

/** Growable parallel buffers of edge endpoints (node indices). */
class EdgeBuffer {
  from = new Int32Array(64);
  to = new Int32Array(64);
  length = 0;

  push(a: number, b: number): void {
    if (this.length === this.from.length) {
      const from = new Int32Array(this.length * 2);
      const to = new Int32Array(this.length * 2);
      from.set(this.from);
      to.set(this.to);
      this.from = from;
      this.to = to;
    }
    this.from[this.length] = a;
    this.to[this.length] = b;
    this.length++;
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
