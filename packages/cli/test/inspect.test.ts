/**
 * The read-only commands against one stack built in `beforeAll`: show, list, events, preview
 * (what an apply would do), graph (Mermaid and DOT, coloured by live state with --stack).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";
import { BASIC, CHANGED, FAILING } from "./support/templates.js";

// Every step is a child process (~1 s each, more on a busy machine).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

let p: Project;
beforeAll(async () => {
  p = project();
  p.write("site.yaml", BASIC);
  p.write("changed.yaml", CHANGED);
  p.write("fail.yaml", FAILING);
  expect((await p.run(["apply", "site.yaml", "--stack", "site"])).code).toBe(0);
  expect((await p.run(["apply", "fail.yaml", "--stack", "broken", "--no-rollback"])).code).toBe(1);
});
afterAll(() => p.cleanup());

describe("show and list", () => {
  it("show prints status, outputs and the resources", async () => {
    const result = await p.run(["show", "site"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^stack {4}site {2}[0-9a-f-]{36}\nstatus {3}CREATE_COMPLETE {2}Stack CREATE completed successfully\n/);
    expect(result.stdout).toMatch(/outputs\n {2}b_out: hello\n/);
    expect(result.stdout).toMatch(/NAME\s+ROW\s+TYPE\s+STATE\s+PHYSICAL ID\s+REASON/);
    expect(result.stdout).toMatch(/\n {2}a\s+1\s+OS::Heat::TestResource\s+CREATE_COMPLETE\s+site-a-\S+/);
    expect(result.stdout).toMatch(/\n {2}b\s+2\s+OS::Heat::TestResource\s+CREATE_COMPLETE/);
    const json = JSON.parse((await p.run(["show", "broken", "--json"])).stdout) as { stack: { state: string }; resources: Array<{ name: string; state: string; statusReason: string }> };
    expect(json.stack.state).toBe("CREATE_FAILED");
    expect(json.resources.find((r) => r.name === "boom")).toMatchObject({ state: "CREATE_FAILED", statusReason: "Test Resource failed boom" });
  });

  it("list prints every stack", async () => {
    const result = await p.run(["list"]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").slice(1, 3)).toEqual([expect.stringMatching(/^broken\s+CREATE_FAILED\s/), expect.stringMatching(/^site\s+CREATE_COMPLETE\s/)]);
  });
});

describe("events", () => {
  it("prints the stack's events in order, as text or JSON lines, optionally only the last ones", async () => {
    const text = await p.run(["events", "site"]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\s+site\s+CREATE_IN_PROGRESS\s+Stack CREATE started$/);
    expect(lines.at(-1)).toMatch(/site\s+CREATE_COMPLETE\s+Stack CREATE completed successfully$/);
    expect(lines.filter((l) => /\s(a|b)\s+CREATE_COMPLETE\s/.test(l))).toHaveLength(2);
    const json = (await p.run(["events", "site", "--json"])).stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { seq: string; kind: string });
    expect(json).toHaveLength(lines.length);
    expect(json.map((e) => Number(e.seq))).toEqual([...json.map((e) => Number(e.seq))].sort((a, b) => a - b));
    const last = await p.run(["events", "site", "--last", "2"]);
    expect(last.stdout.trimEnd().split("\n")).toEqual(lines.slice(-2));
    // Following a settled stack prints its events and ends.
    const follow = await p.run(["events", "site", "--follow"]);
    expect(follow.code).toBe(0);
    expect(follow.stdout.trimEnd().split("\n")).toEqual(lines);
  });
});

describe("preview", () => {
  it("tabulates what an apply would do, without doing it", async () => {
    const result = await p.run(["preview", "changed.yaml", "--stack", "site"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ACTION\s+NAME\s+TYPE\s+CHANGED\s+REASON/);
    expect(result.stdout).toMatch(/\nno_change\s+a\s+OS::Heat::TestResource\s+-\s+no property changes/);
    expect(result.stdout).toMatch(/\ncreate\s+c\s+/);
    expect(result.stdout).toMatch(/\ndelete\s+b\s+OS::Heat::TestResource\s+-\s+not in the new template/);
    expect(result.stdout).toMatch(/site: 1 create, 0 update, 0 replace, 1 delete, 1 no change, 0 unknown/);
    const update = await p.run(["preview", "site.yaml", "--stack", "site", "--param", "greeting=bye", "--json"]);
    const json = JSON.parse(update.stdout) as { resources: Array<{ name: string; action: string; changed: string[] }> };
    expect(json.resources.find((r) => r.name === "a")).toMatchObject({ action: "update", changed: ["value"] });
    expect((await p.run(["show", "site", "--json"])).stdout).toMatch(/"b_out": "hello"/);
    const fresh = await p.run(["preview", "site.yaml", "--stack", "new"]);
    expect(fresh.stdout).toMatch(/new: 2 create, 0 update/);
  });
});

describe("graph", () => {
  it("prints a template's dependency graph as Mermaid and DOT", async () => {
    const mermaid = await p.run(["graph", "changed.yaml"]);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toBe(
      [
        "flowchart TD",
        "  %% changed.yaml: an arrow a --> b means a depends on b",
        '  n0["a<br/>OS::Heat::TestResource"]',
        '  n1["c<br/>OS::Heat::TestResource"]',
        "  n1 --> n0",
        "",
      ].join("\n"),
    );
    const dot = await p.run(["graph", "changed.yaml", "--format", "dot"]);
    expect(dot.stdout).toMatch(/^digraph "changed\.yaml" \{\n/);
    expect(dot.stdout).toMatch(/\n {2}"c" -> "a";\n\}\n$/);
    const bad = await p.run(["graph", "changed.yaml", "--format", "png"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid option "--format": expected mermaid, dot or text, got "png"/);
  });

  it("with --stack colours the nodes by the live state", async () => {
    const mermaid = (await p.run(["graph", "fail.yaml", "--stack", "broken"])).stdout;
    expect(mermaid).toMatch(/n0\["ok<br\/>OS::Heat::TestResource<br\/>CREATE_COMPLETE"\]/);
    expect(mermaid).toMatch(/n1\["boom<br\/>OS::Heat::TestResource<br\/>CREATE_FAILED"\]/);
    expect(mermaid).toMatch(/classDef done fill:#d3f9d8/);
    expect(mermaid).toMatch(/classDef failed fill:#ffe3e3/);
    expect(mermaid).toMatch(/\n {2}class n0 done\n/);
    expect(mermaid).toMatch(/\n {2}class n1 failed\n/);
    const dot = (await p.run(["graph", "--stack", "broken", "--format", "dot"])).stdout;
    expect(dot).toMatch(/"boom" \[label="boom\\nOS::Heat::TestResource\\nCREATE_FAILED", fillcolor="#ffe3e3", color="#c92a2a"\];/);
    expect(dot).toMatch(/"boom" -> "ok";/);
    // A template that drops a resource and adds one: the new one is not created yet, the
    // dropped one is drawn dashed.
    const changed = (await p.run(["graph", "changed.yaml", "--stack", "site"])).stdout;
    expect(changed).toMatch(/\["c<br\/>OS::Heat::TestResource<br\/>INIT_COMPLETE"\]/);
    expect(changed).toMatch(/\["b<br\/>OS::Heat::TestResource<br\/>CREATE_COMPLETE<br\/>\(not in template\)"\]/);
    expect(changed).toMatch(/classDef pending .*stroke-dasharray/);
  });
});
