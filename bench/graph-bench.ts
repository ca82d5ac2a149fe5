/**
 * Benchmark of template compilation, the dependency-graph algorithms and the traversal graph
 * of an update (every resource has a row: 200,000 nodes) on 100,000-resource templates in
 * three shapes:
 *
 * ```
 *   wide      r0   r1   r2  …  r99999             (no dependencies)
 *   deep      r0 ◄── r1 ◄── r2 ◄── … ◄── r99999   (each get_resource's the previous one)
 *   fan-in    hub ──depends_on──► r0, r1, … r99998
 * ```
 *
 * Run standalone with `npx tsx bench/graph-bench.ts`.
 */
import { performance } from "node:perf_hooks";
import { z } from "zod";
import type { ResourceRow } from "../packages/core/src/model/types.js";
import { defineResourceType } from "../packages/core/src/plugin/define-resource-type.js";
import { createTypeRegistry } from "../packages/core/src/plugin/registry.js";
import { buildTraversalGraph } from "../packages/core/src/protocol/traversal-graph.js";
import { compileTemplate, templateDependencyGraph } from "../packages/core/src/template/index.js";
import type { CompiledTemplate } from "../packages/core/src/template/types.js";

/** One measurement. */
export interface GraphBenchResult {
  /** Shape and phase, e.g. `deep: compile`. */
  readonly name: string;
  /** Wall time in milliseconds. */
  readonly ms: number;
  /** Resources (graph nodes). */
  readonly nodes: number;
  /** Dependency edges. */
  readonly edges: number;
}

const SIZE = 100_000;
const TYPE = "bench:graph:Thing";

const Thing = defineResourceType({
  type: TYPE,
  properties: z.object({ after: z.string().optional() }),
  attributes: ["id"],
  create: async () => ({ physicalId: "x" }),
  delete: async () => undefined,
});

type Shape = "wide" | "deep" | "fan-in";

function buildTemplate(shape: Shape, size: number): { resources: Record<string, unknown> } {
  const resources: Record<string, unknown> = {};
  const count = shape === "fan-in" ? size - 1 : size;
  for (let i = 0; i < count; i++) {
    resources[`r${i}`] =
      shape === "deep" && i > 0 ? { type: TYPE, properties: { after: { get_resource: `r${i - 1}` } } } : { type: TYPE };
  }
  if (shape === "fan-in") resources.hub = { type: TYPE, depends_on: Object.keys(resources) };
  return { resources };
}

/** The traversal graph of an update of `template` where every resource already has a row. */
function updateGraph(template: CompiledTemplate): number {
  const names = Object.keys(template.resources);
  const chosen = new Map(names.map((name, i) => [name, `row-${i}`]));
  const existing = names.map((name): ResourceRow => ({
    id: chosen.get(name) as string,
    name,
    type: TYPE,
    templateId: "t0",
    physicalId: "x",
    properties: {},
    attributes: {},
    action: "CREATE",
    status: "COMPLETE",
    statusReason: "",
    requires: (template.resources[name]?.dependsOn ?? []).map((dep) => chosen.get(dep) as string),
    replaces: null,
    replacedBy: null,
    createdTraversal: "t0",
    deletionPolicy: "delete",
    lockHolder: null,
    version: 1,
    updatedAt: 0,
    checkStatus: null,
    driftedProperties: [],
    checkedAt: null,
  }));
  const start = performance.now();
  const graph = buildTraversalGraph({ traversalId: "t1", templateId: "t1", template, chosen, existing });
  const ms = performance.now() - start;
  if (graph.roots.length === 0) throw new Error("bench: an update graph without roots");
  return ms;
}

function time<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

/**
 * Compile each shape, then build its dependency graph, order it and look for a cycle.
 * Every shape is first run once at 2,000 resources (not reported) so the numbers show
 * optimized code rather than JIT warm-up. Returns one row per shape and phase; prints nothing.
 */
export async function benchGraph(): Promise<GraphBenchResult[]> {
  const types = createTypeRegistry([Thing]);
  const shapes = ["wide", "deep", "fan-in"] as const;
  for (const shape of shapes) {
    const warm = compileTemplate(buildTemplate(shape, 2_000), { types });
    const graph = templateDependencyGraph(warm);
    graph.topologicalOrder();
    graph.findCycle();
    updateGraph(warm);
  }
  const results: GraphBenchResult[] = [];
  for (const shape of shapes) {
    const template = buildTemplate(shape, SIZE);
    const compiled = time(() => compileTemplate(template, { types }));
    const graph = time(() => templateDependencyGraph(compiled.value));
    const nodes = graph.value.size;
    const edges = graph.value.edgeCount;
    const order = time(() => graph.value.topologicalOrder());
    const cycle = time(() => graph.value.findCycle());
    if (order.value.length !== nodes || cycle.value !== null) throw new Error(`bench ${shape}: unexpected graph result`);
    const row = (phase: string, ms: number): GraphBenchResult => ({ name: `${shape}: ${phase}`, ms, nodes, edges });
    results.push(
      row("compile", compiled.ms),
      row("build graph", graph.ms),
      row("topologicalOrder", order.ms),
      row("findCycle", cycle.ms),
      row("graph total", graph.ms + order.ms + cycle.ms),
      row("update traversal graph", updateGraph(compiled.value)),
    );
    await new Promise((resolve) => setImmediate(resolve));
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchGraph();
  console.table(rows.map((r) => ({ ...r, ms: Number(r.ms.toFixed(1)) })));
}
