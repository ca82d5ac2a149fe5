import { describe, it, expect } from "vitest";
import { DependencyCycleError } from "../errors.js";
import { DependencyGraph } from "./dependency-graph.js";

/** Assert that `order` puts every dependency of `g` before its dependent. */
function expectValidOrder(g: DependencyGraph, order: readonly string[]): void {
  const pos = new Map(order.map((n, i) => [n, i]));
  expect(order).toHaveLength(g.size);
  for (const [a, b] of g.edges()) expect(pos.get(b)!).toBeLessThan(pos.get(a)!);
}

describe("DependencyGraph", () => {
  //   web ──► app ──► db
  //            └────► queue
  const diamondish = (): DependencyGraph =>
    new DependencyGraph(
      ["web", "app", "db", "queue"],
      [
        ["web", "app"],
        ["app", "db"],
        ["app", "queue"],
      ],
    );

  it("answers leaves, roots, dependencies and dependents", () => {
    const g = diamondish();
    expect(g.size).toBe(4);
    expect(g.edgeCount).toBe(3);
    expect(g.leaves()).toEqual(["db", "queue"]);
    expect(g.roots()).toEqual(["web"]);
    expect(g.dependenciesOf("app")).toEqual(["db", "queue"]);
    expect(g.dependentsOf("app")).toEqual(["web"]);
    expect(g.dependentsOf("web")).toEqual([]);
    expect(g.has("db")).toBe(true);
    expect(g.has("nope")).toBe(false);
  });

  it("orders dependencies first, ties in insertion order", () => {
    const g = diamondish();
    expect(g.topologicalOrder()).toEqual(["db", "queue", "app", "web"]);
    expect(g.reverseTopologicalOrder()).toEqual(["web", "app", "queue", "db"]);
  });

  it("breaks ties by insertion index, not by discovery order", () => {
    // c depends on a: after a is done, c (inserted first) is ready and beats b.
    const g = new DependencyGraph(["c", "a", "b"], [["c", "a"]]);
    expect(g.topologicalOrder()).toEqual(["a", "c", "b"]);
  });

  it("keeps insertion order for a graph without edges", () => {
    const g = new DependencyGraph(["z", "y", "x"]);
    expect(g.topologicalOrder()).toEqual(["z", "y", "x"]);
    expect(g.leaves()).toEqual(["z", "y", "x"]);
    expect(g.roots()).toEqual(["z", "y", "x"]);
    expect(g.findCycle()).toBeNull();
  });

  it("adds nodes named only by edges and ignores duplicate nodes and edges", () => {
    const g = new DependencyGraph(["a", "a"], [
      ["a", "b"],
      ["a", "b"],
    ]);
    expect(g.nodes()).toEqual(["a", "b"]);
    expect(g.edgeCount).toBe(1);
    expect(g.dependenciesOf("a")).toEqual(["b"]);
  });

  it("builds from a dependency map", () => {
    const g = DependencyGraph.fromDependencies(
      Object.entries({ web: ["db"], db: [] as string[] }),
    );
    expect(g.topologicalOrder()).toEqual(["db", "web"]);
  });

  it("throws RangeError for an unknown node", () => {
    const g = diamondish();
    expect(() => g.dependenciesOf("nope")).toThrow(RangeError);
    expect(() => g.dependentsOf("nope")).toThrow(RangeError);
  });

  it("finds a cycle with the first name repeated at the end", () => {
    //  a ──► b ──► c ──► a
    const g = new DependencyGraph(["a", "b", "c"], [
      ["a", "b"],
      ["b", "c"],
      ["c", "a"],
    ]);
    expect(g.findCycle()).toEqual(["a", "b", "c", "a"]);
  });

  it("finds a cycle that does not contain the first node", () => {
    //  x ──► a ──► b ──► a
    const g = new DependencyGraph(["x", "a", "b"], [
      ["x", "a"],
      ["a", "b"],
      ["b", "a"],
    ]);
    expect(g.findCycle()).toEqual(["a", "b", "a"]);
  });

  it("treats a self edge as a cycle", () => {
    const g = new DependencyGraph(["a"], [["a", "a"]]);
    expect(g.findCycle()).toEqual(["a", "a"]);
  });

  it("returns null for a diamond (shared dependency is not a cycle)", () => {
    //  top ──► l ──► bottom,  top ──► r ──► bottom
    const g = new DependencyGraph([], [
      ["top", "l"],
      ["top", "r"],
      ["l", "bottom"],
      ["r", "bottom"],
    ]);
    expect(g.findCycle()).toBeNull();
    expect(g.topologicalOrder()).toEqual(["bottom", "l", "r", "top"]);
  });

  it("throws DependencyCycleError naming the cycle from topologicalOrder", () => {
    const g = new DependencyGraph(["a", "b"], [
      ["a", "b"],
      ["b", "a"],
    ]);
    let caught: unknown;
    try {
      g.topologicalOrder();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DependencyCycleError);
    expect((caught as DependencyCycleError).cycle).toEqual(["a", "b", "a"]);
    expect(() => g.reverseTopologicalOrder()).toThrow(DependencyCycleError);
  });

  it("handles a 100,000-node chain without recursion", () => {
    const n = 100_000;
    const names = Array.from({ length: n }, (_, i) => `r${i}`);
    const edges: Array<[string, string]> = [];
    for (let i = 1; i < n; i++) edges.push([names[i]!, names[i - 1]!]);
    const g = new DependencyGraph(names, edges);
    expect(g.leaves()).toEqual(["r0"]);
    expect(g.roots()).toEqual([`r${n - 1}`]);
    expect(g.findCycle()).toBeNull();
    expect(g.topologicalOrder()).toEqual(names);
    const reversed = g.reverseTopologicalOrder();
    expect(reversed[0]).toBe(`r${n - 1}`);
    expect(reversed[n - 1]).toBe("r0");
  });

  it("finds the closing edge of a 100,000-node ring", () => {
    const n = 100_000;
    const edges: Array<[string, string]> = [];
    for (let i = 0; i < n; i++) edges.push([`r${i}`, `r${(i + 1) % n}`]);
    const cycle = new DependencyGraph([], edges).findCycle();
    expect(cycle).toHaveLength(n + 1);
    expect(cycle![0]).toBe("r0");
    expect(cycle![n - 1]).toBe(`r${n - 1}`);
    expect(cycle![n]).toBe("r0");
  });

  it("handles a wide fan-in graph", () => {
    //  hub ──► w0, w1, ... w99998
    const n = 99_999;
    const wide = Array.from({ length: n }, (_, i) => `w${i}`);
    const g = new DependencyGraph(
      ["hub", ...wide],
      wide.map((w) => ["hub", w] as const),
    );
    expect(g.edgeCount).toBe(n);
    expect(g.roots()).toEqual(["hub"]);
    expect(g.leaves()).toHaveLength(n);
    expect(g.dependenciesOf("hub")).toHaveLength(n);
    expect(g.dependentsOf("w5")).toEqual(["hub"]);
    const order = g.topologicalOrder();
    expect(order.slice(0, 3)).toEqual(["w0", "w1", "w2"]);
    expect(order[n]).toBe("hub");
    expect(g.findCycle()).toBeNull();
  });

  it("produces a valid order for a random DAG", () => {
    let seed = 42;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const n = 500;
    const names = Array.from({ length: n }, (_, i) => `n${i}`);
    const edges: Array<[string, string]> = [];
    for (let i = 0; i < 2000; i++) {
      const a = Math.floor(rand() * n);
      const b = Math.floor(rand() * n);
      if (a > b) edges.push([names[a]!, names[b]!]);
    }
    const g = new DependencyGraph(names, edges);
    expectValidOrder(g, g.topologicalOrder());
    expect(g.findCycle()).toBeNull();
  });
});
