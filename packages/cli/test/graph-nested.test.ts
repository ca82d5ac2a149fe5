/**
 * Rendering nested stacks: the graph renderers (DOT clusters, Mermaid subgraphs and the
 * indented text form, nested at any depth by path) and the resource tree of `show`.
 */
import { describe, expect, it } from "vitest";
import { renderDot, renderMermaid, renderText } from "../src/render/graph-render.js";
import type { GraphInput } from "../src/render/graph-render.js";
import { comparePaths, nestedRows } from "../src/render/nested-rows.js";

const input: GraphInput = {
  title: "site",
  nodes: [
    { name: "front", type: "OS::Heat::TestResource", state: "CREATE_COMPLETE" },
    { name: "app", type: "app.yaml", state: "CREATE_COMPLETE" },
    { name: "app/db", type: "OS::Heat::TestResource", state: "CREATE_COMPLETE" },
    { name: "app/web", type: "OS::Heat::TestResource", state: "CREATE_IN_PROGRESS" },
    { name: "group", type: "OS::Heat::ResourceGroup" },
    { name: "group/0", type: "member.yaml" },
    { name: "group/0/port", type: "OS::Heat::None" },
  ],
  edges: [
    ["front", "app"],
    ["app", "app/web"],
    ["app/web", "app/db"],
    ["group", "group/0"],
    ["group/0", "group/0/port"],
  ],
  clusters: [
    { path: "group/0", label: "group/0: member.yaml" },
    { path: "app", label: "app: app.yaml" },
    { path: "group", label: "group: OS::Heat::ResourceGroup" },
  ],
};

describe("nested stacks in the graph", () => {
  it("DOT: a cluster per nested stack, nested by path, nodes labelled by their local name", () => {
    const dot = renderDot(input);
    expect(dot).toContain('  subgraph cluster_0 {\n    label="app: app.yaml";\n    style="rounded,dashed";\n    "app" [label="app\\napp.yaml\\nCREATE_COMPLETE"');
    expect(dot).toMatch(/ {4}"app\/db" \[label="db\\nOS::Heat::TestResource\\nCREATE_COMPLETE"/);
    // group/0 nests inside group; its port inside group/0.
    expect(dot).toMatch(/subgraph cluster_1 \{\n {4}label="group: OS::Heat::ResourceGroup";\n {4}style="rounded,dashed";\n {4}"group" \[[^\n]*\n {4}subgraph cluster_2 \{\n {6}label="group\/0: member\.yaml";\n {6}style="rounded,dashed";\n {6}"group\/0" \[label="0\\nmember\.yaml"\];\n {6}"group\/0\/port" \[label="port\\nOS::Heat::None"\];\n {4}\}\n {2}\}/);
    expect(dot).toMatch(/^ {2}"front" \[label="front\\n/m);
    expect(dot).toContain('  "app/web" -> "app/db";');
    expect(dot.match(/\{/g)?.length).toBe(dot.match(/\}/g)?.length);
  });

  it("Mermaid: subgraph … end around the nested resources", () => {
    const mermaid = renderMermaid(input);
    const lines = mermaid.split("\n");
    const start = lines.indexOf('  subgraph s0["app: app.yaml"]');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, start + 5)).toEqual([
      '    n1["app<br/>app.yaml<br/>CREATE_COMPLETE"]',
      '    n2["db<br/>OS::Heat::TestResource<br/>CREATE_COMPLETE"]',
      '    n3["web<br/>OS::Heat::TestResource<br/>CREATE_IN_PROGRESS"]',
      "  end",
    ]);
    expect(lines).toContain('    subgraph s2["group/0: member.yaml"]');
    expect(lines.filter((l) => /subgraph /.test(l))).toHaveLength(3);
    expect(lines.filter((l) => l.trim() === "end")).toHaveLength(3);
  });

  it("text: the resources of a nested stack indented under it, with what each depends on", () => {
    expect(renderText(input)).toBe(
      [
        "site (an arrow -> names what a resource depends on)",
        "  front  OS::Heat::TestResource  CREATE_COMPLETE  -> app",
        "  [app: app.yaml]",
        "    app  app.yaml  CREATE_COMPLETE  -> app/web",
        "    db  OS::Heat::TestResource  CREATE_COMPLETE",
        "    web  OS::Heat::TestResource  CREATE_IN_PROGRESS  -> app/db",
        "  [group: OS::Heat::ResourceGroup]",
        "    group  OS::Heat::ResourceGroup  -> group/0",
        "    [group/0: member.yaml]",
        "      0  member.yaml  -> group/0/port",
        "      port  OS::Heat::None",
        "",
      ].join("\n"),
    );
  });

  it("draws a template without nested stacks as before", () => {
    const flat: GraphInput = { title: "t", nodes: [{ name: "a", type: "T" }], edges: [] };
    expect(renderDot(flat)).not.toContain("subgraph");
    expect(renderMermaid(flat)).not.toContain("subgraph");
    expect(renderText(flat)).toBe("t (an arrow -> names what a resource depends on)\n  a  T\n");
  });
});

describe("the resource tree of show", () => {
  it("puts each nested stack before its resources, members in numeric order, and a placeholder for a stack without a row", () => {
    const rows = ["web/10/server", "app", "web/2/server", "front", "app/db", "web/2", "web", "web/10", "app/db", "web/9/server"].map((name, i) => ({ name, id: String(i + 1) }));
    const tree = nestedRows(rows, (r) => r.name);
    expect(tree.map((e) => `${"  ".repeat(e.depth)}${e.local}${e.row === null ? " (no row)" : `#${e.row.id}`}`)).toEqual([
      "app#2",
      "  db#5",
      "  db#9",
      "front#4",
      "web#7",
      "  2#6",
      "    server#3",
      "  9 (no row)",
      "    server#10",
      "  10#8",
      "    server#1",
    ]);
    expect(comparePaths("a/b", "a")).toBeGreaterThan(0);
    expect(comparePaths("g/9", "g/10")).toBeLessThan(0);
  });
});
