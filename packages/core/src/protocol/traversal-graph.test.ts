import { describe, expect, it } from "vitest";
import type { GraphNode, NodeKey, ResourceRow, TraversalGraph } from "../model/types.js";
import { isCleanupKey, nodeKey } from "../model/types.js";
import type { CompiledTemplate } from "../template/types.js";
import { chooseRows, rowScore } from "./best-existing.js";
import { buildTraversalGraph } from "./traversal-graph.js";

const row = (id: string, name: string, over: Partial<ResourceRow> = {}): ResourceRow => ({
  id, name, type: "t:t:T", templateId: "t1", physicalId: `p${id}`, properties: {}, attributes: {},
  action: "CREATE", status: "COMPLETE", statusReason: "", requires: [], replaces: null, replacedBy: null,
  createdTraversal: "x", deletionPolicy: "delete", lockHolder: null, version: 1, updatedAt: 0, checkStatus: null, driftedProperties: [], checkedAt: null, ...over,
});

const res = (dependsOn: string[]) => ({ type: "t:t:T", properties: {}, dependsOn, deletionPolicy: "delete" as const });

/** R0: A, B -> C -> D, E (C depends on A via get_attr and on B via depends_on). */
const R0: CompiledTemplate = {
  resources: { A: res([]), B: res([]), C: res(["A", "B"]), D: res(["C"]), E: res(["C"]) },
  outputs: {},
  attributeRefs: { A: ["a"], B: [], C: ["!a"], D: [], E: [] },
};

const sorted = (xs: readonly string[]) => [...xs].sort();

describe("buildTraversalGraph", () => {
  it("builds the worked example: R0 after C was replaced by C'", () => {
    // rows: A=1, B=2, old C=3 (replaced by 6), D=4, E=5, C'=6
    const rows = [
      row("1", "A"), row("2", "B"),
      row("3", "C", { requires: ["1", "2"], replacedBy: "6" }),
      row("4", "D", { requires: ["6"] }), row("5", "E", { requires: ["6"] }),
      row("6", "C", { requires: ["1", "2"], replaces: "3", templateId: "t2" }),
    ];
    const chosen = chooseRows(rows, ["A", "B", "C", "D", "E"], "t2", "t3");
    expect(chosen.get("C")?.id).toBe("6");
    const graph = buildTraversalGraph({
      traversalId: "T", templateId: "t3", template: R0,
      chosen: new Map([...chosen].map(([n, r]) => [n, r.id])), existing: rows,
    });
    const req = (k: NodeKey) => sorted(graph.nodes[k]?.requires ?? []);
    // update part
    expect(req("U:6")).toEqual(["U:1", "U:2"]);
    expect(req("U:4")).toEqual(["U:6"]);
    expect(req("U:5")).toEqual(["U:6"]);
    expect(req("U:1")).toEqual([]);
    // cleanup part
    expect(req("C:4")).toEqual(["U:4"]);
    expect(req("C:5")).toEqual(["U:5"]);
    expect(req("C:6")).toEqual(["C:4", "C:5", "U:6"]);
    expect(req("C:3")).toEqual(["C:6"]); // old C after C' (replaces edge); nothing requires old C now
    expect(req("C:1")).toEqual(["C:3", "C:6", "U:1"]);
    expect(req("C:2")).toEqual(["C:3", "C:6", "U:2"]);
    expect(graph.nodes["U:3"]).toBeUndefined();
    expect(sorted(graph.roots)).toEqual(["C:1", "C:2"]);
    expect(graph.leaves).toEqual(["U:1", "U:2"]);
  });

  it("gives new rows no cleanup node and puts cleanup leaves first", () => {
    const rows = [row("1", "A"), row("2", "Gone")];
    const graph = buildTraversalGraph({
      traversalId: "T", templateId: "t2",
      template: { resources: { A: res([]), N: res(["A"]) }, outputs: {}, attributeRefs: {} },
      chosen: new Map([["A", "1"], ["N", "3"]]), existing: rows,
    });
    expect(graph.nodes["C:3"]).toBeUndefined();
    expect(graph.leaves[0]).toBe("C:2");
    expect(sorted(graph.roots)).toEqual(["C:1", "C:2", "U:3"]);
  });

  it("is deep-frozen (a store that keeps frozen values shares it instead of copying it)", () => {
    const graph = buildTraversalGraph({
      traversalId: "T", templateId: "t2",
      template: { resources: { A: res([]), N: res(["A"]) }, outputs: {}, attributeRefs: {} },
      chosen: new Map([["A", "1"], ["N", "3"]]), existing: [row("1", "A"), row("2", "Gone")],
    });
    const node = graph.nodes["U:3"];
    for (const value of [graph, graph.nodes, graph.roots, graph.leaves, node, node?.requires, node?.requiredBy]) expect(Object.isFrozen(value)).toBe(true);
  });

  it("an empty stack and empty template has no nodes", () => {
    const graph = buildTraversalGraph({ traversalId: "T", templateId: "e", template: { resources: {}, outputs: {}, attributeRefs: {} }, chosen: new Map(), existing: [] });
    expect(graph.roots).toEqual([]);
    expect(graph.leaves).toEqual([]);
  });
});

/**
 * The graph as DESIGN.md section 3 step 4 states it, built the plain way (string-keyed
 * nodes, edges added as they are found): the model the numbered builder must match exactly,
 * node order and edge order included.
 */
function modelGraph(template: CompiledTemplate, chosen: ReadonlyMap<string, string>, existing: readonly ResourceRow[]): TraversalGraph {
  const nodes = new Map<NodeKey, { requires: NodeKey[]; requiredBy: NodeKey[] }>();
  const add = (key: NodeKey) => nodes.get(key) ?? (nodes.set(key, { requires: [], requiredBy: [] }).get(key) as { requires: NodeKey[]; requiredBy: NodeKey[] });
  const edge = (after: NodeKey, before: NodeKey) => {
    add(after).requires.push(before);
    add(before).requiredBy.push(after);
  };
  for (const [name, resource] of Object.entries(template.resources)) {
    const self = nodeKey("U", chosen.get(name) as string);
    add(self);
    for (const dep of resource.dependsOn) edge(self, nodeKey("U", chosen.get(dep) as string));
  }
  const ids = new Set(existing.map((r) => r.id));
  for (const r of existing) add(nodeKey("C", r.id));
  for (const r of existing) {
    for (const required of new Set(r.requires)) if (ids.has(required) && required !== r.id) edge(nodeKey("C", required), nodeKey("C", r.id));
    if (nodes.has(nodeKey("U", r.id))) edge(nodeKey("C", r.id), nodeKey("U", r.id));
  }
  const reaches = (from: NodeKey, to: NodeKey): boolean => {
    const seen = new Set([from]);
    const stack = [from];
    for (let key = stack.pop(); key !== undefined; key = stack.pop()) {
      if (key === to) return true;
      for (const next of nodes.get(key)?.requires ?? []) if (!seen.has(next)) stack.push(...(seen.add(next), [next]));
    }
    return false;
  };
  for (const r of existing) {
    if (r.replaces === null || !ids.has(r.replaces)) continue;
    if (!reaches(nodeKey("C", r.id), nodeKey("C", r.replaces))) edge(nodeKey("C", r.replaces), nodeKey("C", r.id));
  }
  const record: Record<NodeKey, GraphNode> = {};
  // A node's successors are stored in the order it reports to them: cleanups first.
  const reportOrder = (keys: NodeKey[]) => [...keys.filter(isCleanupKey), ...keys.filter((k) => !isCleanupKey(k))];
  for (const [key, node] of nodes) record[key] = { requires: [...new Set(node.requires)], requiredBy: reportOrder([...new Set(node.requiredBy)]) };
  const keys = [...nodes.keys()];
  const leaves = keys.filter((k) => record[k]?.requires.length === 0);
  return {
    traversalId: "T",
    templateId: "t",
    nodes: record,
    roots: keys.filter((k) => record[k]?.requiredBy.length === 0),
    leaves: [...leaves.filter(isCleanupKey), ...leaves.filter((k) => !isCleanupKey(k))],
  };
}

describe("buildTraversalGraph matches the plain model", () => {
  /** A small deterministic generator (no dependency on Math.random: failures replay). */
  const lcg = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  it("on random templates and rows (shared rows, stale requires, replacements, duplicates)", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = lcg(seed);
      const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
      const names = Array.from({ length: 1 + Math.floor(rnd() * 8) }, (_, i) => `r${i}`);
      const rowIds = Array.from({ length: 1 + Math.floor(rnd() * 10) }, (_, i) => String(i));
      // Dependencies point anywhere, later names included (a name may be seen as a dependency first).
      const resources = Object.fromEntries(names.map((n) => [n, res(names.filter((d) => d !== n && rnd() < 0.3))]));
      const chosen = new Map(names.map((n) => [n, rnd() < 0.6 ? pick(rowIds) : `new${n}`]));
      const existing = rowIds.filter(() => rnd() < 0.7).map((id) =>
        row(id, pick(names), {
          requires: Array.from({ length: Math.floor(rnd() * 4) }, () => pick([...rowIds, id, "gone"])),
          replaces: rnd() < 0.3 ? pick([...rowIds, "gone"]) : null,
        }),
      );
      const template: CompiledTemplate = { resources, outputs: {}, attributeRefs: {} };
      const graph = buildTraversalGraph({ traversalId: "T", templateId: "t", template, chosen, existing });
      const model = modelGraph(template, chosen, existing);
      expect(Object.keys(graph.nodes), `seed ${seed}`).toEqual(Object.keys(model.nodes));
      expect(graph, `seed ${seed}`).toEqual(model);
    }
  });
});

describe("best existing", () => {
  it("scores as DESIGN.md section 3 says", () => {
    expect(rowScore(row("1", "A", { status: "FAILED" }), null, "n")).toBe(-30);
    expect(rowScore(row("1", "A", { action: "DELETE", status: "IN_PROGRESS" }), null, "n")).toBe(-50);
    expect(rowScore(row("1", "A", { replacedBy: "2" }), null, "n")).toBe(-1);
    expect(rowScore(row("1", "A", { templateId: "p" }), "p", "n")).toBe(5);
    expect(rowScore(row("1", "A", { templateId: "n" }), "p", "n")).toBe(10);
  });

  it("prefers the original row when rolling back to its template, ignores deleted rows, breaks ties by recency", () => {
    const rows = [
      row("3", "C", { templateId: "t0", replacedBy: "6" }),
      row("6", "C", { templateId: "t1", replaces: "3" }),
      row("7", "D", { action: "DELETE", status: "COMPLETE" }),
      row("8", "E", { updatedAt: 1 }), row("9", "E", { updatedAt: 2 }),
    ];
    const chosen = chooseRows(rows, ["C", "D", "E"], "t1", "t0");
    expect(chosen.get("C")?.id).toBe("3");
    expect(chosen.has("D")).toBe(false);
    expect(chosen.get("E")?.id).toBe("9");
  });

  describe("a revert keeps a settled row that already matches the target", () => {
    // t0: A(a=1), C(!a from A); t1 replaced A by A' (a=2, not updatable here) and C by C'.
    const def = (properties: Record<string, unknown>, dependsOn: string[] = []) => ({ ...res(dependsOn), properties });
    const tpl = (a: string): CompiledTemplate => ({
      resources: { A: def({ a }), C: def({ "!a": { get_attr: ["A", "a"] } }, ["A"]) },
      outputs: {},
      attributeRefs: { A: ["a"], C: [] },
    });
    const [t0, t1] = [tpl("1"), tpl("2")];
    const rows = [
      row("1", "A", { templateId: "t0", replacedBy: "3" }),
      row("2", "C", { templateId: "t0", requires: ["1"], replacedBy: "4" }),
      row("3", "A", { templateId: "t1", replaces: "1" }),
      row("4", "C", { templateId: "t1", requires: ["3"], replaces: "2", action: "INIT", physicalId: null }),
    ];
    const choose = (target: CompiledTemplate, templates: Record<string, CompiledTemplate>, over: ResourceRow[] = rows) =>
      chooseRows(over, ["A", "C"], "t1", "t2", { target, templates: new Map(Object.entries(templates)) });

    it("reverting to t0's definitions chooses the originals", () => {
      const chosen = choose(t0, { t0, t1 });
      expect([chosen.get("A")?.id, chosen.get("C")?.id]).toEqual(["1", "2"]);
      expect(chooseRows(rows, ["A", "C"], "t1", "t2").get("A")?.id).toBe("3"); // without a match: the newer row
    });

    it("keeps the replacements when the target is t1's definitions", () => {
      const chosen = choose(t1, { t0, t1 });
      expect([chosen.get("A")?.id, chosen.get("C")?.id]).toEqual(["3", "4"]);
    });

    it("a dependency that differs from the row's template makes it not match", () => {
      // C's own definition is t0's, but A is t1's: C's get_attr would not give what C has.
      const target: CompiledTemplate = { ...t0, resources: { ...t0.resources, A: def({ a: "2" }) } };
      expect(choose(target, { t0, t1 }).get("C")?.id).toBe("4");
    });

    it("does not match a row whose requires are not the chosen dependencies, or that is not settled, or whose template is gone", () => {
      const otherA = rows.map((r) => (r.id === "2" ? { ...r, requires: ["3"] } : r));
      expect(choose(t0, { t0, t1 }, otherA).get("C")?.id).toBe("4");
      for (const over of [{ status: "FAILED" as const }, { action: "DELETE" as const, status: "IN_PROGRESS" as const }, { action: "UPDATE" as const, status: "IN_PROGRESS" as const }]) {
        const unsettled = rows.map((r) => (r.id === "1" ? { ...r, ...over } : r));
        expect(choose(t0, { t0, t1 }, unsettled).get("A")?.id).toBe("3");
      }
      expect(choose(t0, { t1 }).get("A")?.id).toBe("3");
    });

    it("scores a match as a row of the new target", () => {
      expect(rowScore(row("1", "A", { templateId: "o", replacedBy: "2" }), "p", "n", true)).toBe(9);
      expect(rowScore(row("1", "A", { templateId: "n" }), "p", "n", true)).toBe(10);
    });
  });
});
