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

function labelLines(node: GraphNodeInfo): string[] {
  return [node.name, node.type, ...(node.state === undefined ? [] : [node.state]), ...(node.inTemplate === false ? ["(not in template)"] : [])];
}

const mermaidText = (text: string): string =>
  text.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");

/** Mermaid `flowchart` text. */
export function renderMermaid(graph: GraphInput): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.name, `n${i}`]));
  const lines = ["flowchart TD", `  %% ${mermaidText(graph.title)}: an arrow a --> b means a depends on b`];
  for (const node of graph.nodes) lines.push(`  ${ids.get(node.name)}["${labelLines(node).map(mermaidText).join("<br/>")}"]`);
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

/** Graphviz DOT text. */
export function renderDot(graph: GraphInput): string {
  const lines = [
    `digraph ${dotString(graph.title)} {`,
    "  // an arrow a -> b means a depends on b",
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
  ];
  for (const node of graph.nodes) {
    const attrs = [`label=${dotString(labelLines(node).join("\n"))}`];
    if (node.state !== undefined) {
      const c = COLORS[stateTone(node.state)];
      attrs.push(`fillcolor=${dotString(c.fill)}`, `color=${dotString(c.stroke)}`);
      if (node.inTemplate === false) attrs.push('style="rounded,filled,dashed"');
    }
    lines.push(`  ${dotString(node.name)} [${attrs.join(", ")}];`);
  }
  for (const [from, to] of graph.edges) lines.push(`  ${dotString(from)} -> ${dotString(to)};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
