/**
 * The dependency graph of a template as Mermaid or Graphviz DOT text. An arrow `a → b` means
 * "a depends on b" (b is created first, deleted last). With live states, each node shows its
 * resource's state and is coloured by it.
 *
 * ```
 *   web ──► app ──► db          flowchart TD
 *                                 n0["web<br/>OS::Heat::TestResource"]
 *                                 n0 --> n1
 * ```
 */
import type { StateTone } from "./format.js";
import { stateTone } from "./format.js";
import type { ClusterTree, GraphCluster } from "./graph-clusters.js";
import { clusterTree, localName } from "./graph-clusters.js";

/** One node. */
export interface GraphNodeInfo {
  /** Resource name. */
  readonly name: string;
  /** Resource type. */
  readonly type: string;
  /** Live state (`CREATE_COMPLETE`…), when a stack is shown. */
  readonly state?: string;
  /** False for a resource of the stack that is not in the template (being removed). */
  readonly inTemplate?: boolean;
}

/** Input of the renderers. */
export interface GraphInput {
  /** Nodes in display order. */
  readonly nodes: readonly GraphNodeInfo[];
  /** `[dependent, dependency]` pairs. */
  readonly edges: readonly (readonly [string, string])[];
  /** Graph title (the stack or template name). */
  readonly title: string;
  /** Nested stacks, drawn as subgraphs around the nodes named under their path. @default none */
  readonly clusters?: readonly GraphCluster[];
}

/** Fill and stroke colours per tone. */
const COLORS: Readonly<Record<StateTone, { fill: string; stroke: string }>> = {
  done: { fill: "#d3f9d8", stroke: "#2b8a3e" },
  working: { fill: "#fff3bf", stroke: "#e67700" },
  failed: { fill: "#ffe3e3", stroke: "#c92a2a" },
  pending: { fill: "#f1f3f5", stroke: "#868e96" },
  gone: { fill: "#e9ecef", stroke: "#adb5bd" },
};

const TONES = Object.keys(COLORS) as StateTone[];

function labelLines(node: GraphNodeInfo, cluster: GraphCluster | null = null): string[] {
  return [localName(node.name, cluster), node.type, ...(node.state === undefined ? [] : [node.state]), ...(node.inTemplate === false ? ["(not in template)"] : [])];
}

const mermaidText = (text: string): string =>
  text.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");

/** Mermaid `flowchart` text. */
export function renderMermaid(graph: GraphInput): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.name, `n${i}`]));
  const lines = ["flowchart TD", `  %% ${mermaidText(graph.title)}: an arrow a --> b means a depends on b`];
  let subgraphs = 0;
  const emit = (tree: ClusterTree<GraphNodeInfo>, indent: string): void => {
    for (const node of tree.nodes) lines.push(`${indent}${ids.get(node.name)}["${labelLines(node, tree.cluster).map(mermaidText).join("<br/>")}"]`);
    for (const child of tree.children) {
      lines.push(`${indent}subgraph s${subgraphs++}["${mermaidText(child.cluster?.label ?? "")}"]`);
      emit(child, `${indent}  `);
      lines.push(`${indent}end`);
    }
  };
  emit(clusterTree(graph.nodes, graph.clusters ?? []), "  ");
  for (const [from, to] of graph.edges) {
    const a = ids.get(from);
    const b = ids.get(to);
    if (a !== undefined && b !== undefined) lines.push(`  ${a} --> ${b}`);
  }
  const used = TONES.filter((tone) => graph.nodes.some((n) => n.state !== undefined && stateTone(n.state) === tone));
  for (const tone of used) {
    const c = COLORS[tone];
    lines.push(`  classDef ${tone} fill:${c.fill},stroke:${c.stroke},color:#212529${tone === "pending" || tone === "gone" ? ",stroke-dasharray:4 2" : ""}`);
  }
  for (const tone of used) {
    const members = graph.nodes.filter((n) => n.state !== undefined && stateTone(n.state) === tone).map((n) => ids.get(n.name));
    lines.push(`  class ${members.join(",")} ${tone}`);
  }
  return `${lines.join("\n")}\n`;
}

const dotString = (text: string): string => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

function dotNode(node: GraphNodeInfo, cluster: GraphCluster | null): string {
  const attrs = [`label=${dotString(labelLines(node, cluster).join("\n"))}`];
  if (node.state !== undefined) {
    const c = COLORS[stateTone(node.state)];
    attrs.push(`fillcolor=${dotString(c.fill)}`, `color=${dotString(c.stroke)}`);
    if (node.inTemplate === false) attrs.push('style="rounded,filled,dashed"');
  }
  return `${dotString(node.name)} [${attrs.join(", ")}];`;
}

/** Graphviz DOT text. */
export function renderDot(graph: GraphInput): string {
  const lines = [
    `digraph ${dotString(graph.title)} {`,
    "  // an arrow a -> b means a depends on b",
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
  ];
  let clusters = 0;
  const emit = (tree: ClusterTree<GraphNodeInfo>, indent: string): void => {
    for (const node of tree.nodes) lines.push(`${indent}${dotNode(node, tree.cluster)}`);
    for (const child of tree.children) {
      lines.push(`${indent}subgraph cluster_${clusters++} {`, `${indent}  label=${dotString(child.cluster?.label ?? "")};`, `${indent}  style="rounded,dashed";`);
      emit(child, `${indent}  `);
      lines.push(`${indent}}`);
    }
  };
  emit(clusterTree(graph.nodes, graph.clusters ?? []), "  ");
  for (const [from, to] of graph.edges) lines.push(`  ${dotString(from)} -> ${dotString(to)};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/**
 * Plain text: one line per resource (name, type, live state, what it depends on), the
 * resources of a nested stack indented under its title.
 */
export function renderText(graph: GraphInput): string {
  const dependsOn = new Map<string, string[]>();
  for (const [from, to] of graph.edges) dependsOn.set(from, [...(dependsOn.get(from) ?? []), to]);
  const lines = [`${graph.title} (an arrow -> names what a resource depends on)`];
  const emit = (tree: ClusterTree<GraphNodeInfo>, indent: string): void => {
    for (const node of tree.nodes) {
      const deps = dependsOn.get(node.name) ?? [];
      const parts = [localName(node.name, tree.cluster), node.type, ...(node.state === undefined ? [] : [node.state]), ...(node.inTemplate === false ? ["(not in template)"] : [])];
      lines.push(`${indent}${parts.join("  ")}${deps.length === 0 ? "" : `  -> ${deps.join(", ")}`}`);
    }
    for (const child of tree.children) {
      lines.push(`${indent}[${child.cluster?.label ?? ""}]`);
      emit(child, `${indent}  `);
    }
  };
  emit(clusterTree(graph.nodes, graph.clusters ?? []), "  ");
  return `${lines.join("\n")}\n`;
}
