/**
 * The dependency graph of a compiled template.
 */
import { DependencyGraph } from "../graph/dependency-graph.js";
import type { CompiledTemplate } from "./types.js";

/**
 * The resource dependency graph of a compiled template: one node per resource (template
 * order), an edge `a → b` for every `b` in `a.dependsOn`.
 *
 * ```
 *   resources: db {}, web { image: { get_attr: [db, url] } }
 *   graph:     web ──► db        leaves: db    roots: web
 * ```
 */
export function templateDependencyGraph(template: CompiledTemplate): DependencyGraph {
  return DependencyGraph.fromDependencies(
    Object.entries(template.resources).map(([name, resource]) => [name, resource.dependsOn] as const),
  );
}
