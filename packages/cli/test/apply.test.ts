/**
 * `converge apply` on the memory runtime, run as a child process: create then update (the
 * state file carries the stack between processes), failures with their reasons (exit 1), bad
 * templates and options (exit 2, with line and column).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";
import { BASIC, CHANGED, FAILING } from "./support/templates.js";

// Every step is a child process (~1 s each, more on a busy machine).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

let p: Project;
beforeEach(() => {
  p = project();
});
afterEach(() => p.cleanup());

interface ShowJson {
  stack: { state: string; statusReason: string; outputs: Record<string, unknown> };
  resources: Array<{ name: string; state: string; physicalId: string | null; properties: Record<string, unknown> }>;
}

async function show(name: string, args: readonly string[] = []): Promise<ShowJson> {
  const result = await p.run(["show", name, "--json", ...args]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ShowJson;
}

describe("converge apply", () => {
  it("creates, then updates the same stack in a later process", async () => {
    p.write("site.yaml", BASIC);
    const created = await p.run(["apply", "site.yaml", "--stack", "site"]);
    expect(created.code).toBe(0);
    expect(created.stderr).toBe("");
    // Plain output: one line per event, with the progress counter.
    expect(created.stdout).toMatch(/\[0\/2\]\s+site\s+CREATE_IN_PROGRESS\s+Stack CREATE started/);
    expect(created.stdout).toMatch(/a\s+CREATE_COMPLETE/);
    expect(created.stdout).toMatch(/\[2\/2\]\s+site\s+CREATE_COMPLETE/);
    expect(created.stdout).toMatch(/stack site CREATE_COMPLETE in /);
    expect(created.stdout).toMatch(/outputs:\n {2}b_out: hello/);
    expect(existsSync(join(p.dir, ".converge/state.json"))).toBe(true);
    expect(existsSync(join(p.dir, ".converge/state.json.lock"))).toBe(false);

    const first = await show("site");
    expect(first.stack.state).toBe("CREATE_COMPLETE");
    const a = first.resources.find((r) => r.name === "a");

    const updated = await p.run(["apply", "site.yaml", "--stack", "site", "--param", "greeting=bye"]);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/a\s+UPDATE_COMPLETE/);
    expect(updated.stdout).toMatch(/stack site UPDATE_COMPLETE/);
    expect(updated.stdout).toMatch(/b_out: bye/);
    const second = await show("site");
    expect(second.stack.outputs).toEqual({ b_out: "bye" });
    expect(second.resources.find((r) => r.name === "a")?.physicalId).toBe(a?.physicalId);

    const changed = p.write("changed.yaml", CHANGED);
    const third = await p.run(["apply", changed, "--stack", "site", "--yes"]);
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/b\s+DELETE_COMPLETE/);
    expect(third.stdout).toMatch(/c\s+CREATE_COMPLETE/);
    expect((await show("site")).resources.map((r) => r.name).sort()).toEqual(["a", "c"]);
  });

  it("keeps stacks in --state FILE or $CONVERGE_STATE", async () => {
    p.write("site.yaml", BASIC);
    expect((await p.run(["apply", "site.yaml", "--stack", "one", "--state", "custom/state.json"])).code).toBe(0);
    expect(existsSync(join(p.dir, "custom/state.json"))).toBe(true);
    expect(existsSync(join(p.dir, ".converge"))).toBe(false);
    const listed = await p.run(["list"], { env: { CONVERGE_STATE: "custom/state.json" } });
    expect(listed.stdout).toMatch(/one\s+CREATE_COMPLETE/);
    const missing = await p.run(["show", "one"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: stack "one" does not exist\n');
  });

  it("exits 1 with the failing resource and its reason; the stack rolled back", async () => {
    p.write("fail.yaml", FAILING);
    const result = await p.run(["apply", "fail.yaml", "--stack", "f"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/boom\s+CREATE_FAILED\s+Test Resource failed boom/);
    expect(result.stdout).toMatch(/f\s+ROLLBACK_COMPLETE/);
    expect(result.stderr).toMatch(/✘ stack f CREATE_FAILED, rolled back \(ROLLBACK_COMPLETE\) after .*: Resource CREATE failed: boom: Test Resource failed boom/);
    expect(result.stderr).toMatch(/failed resources:\n {2}boom {2}CREATE_FAILED {2}Test Resource failed boom/);
    const state = await show("f");
    expect(state.stack.state).toBe("ROLLBACK_COMPLETE");
    expect(state.resources).toEqual([]);
  });

  it("with --no-rollback leaves the stack FAILED with what was created", async () => {
    p.write("fail.yaml", FAILING);
    const result = await p.run(["apply", "fail.yaml", "--stack", "f", "--no-rollback"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/✘ stack f CREATE_FAILED after .*: Resource CREATE failed: boom/);
    const state = await show("f");
    expect(state.stack.state).toBe("CREATE_FAILED");
    expect(state.resources.map((r) => `${r.name}:${r.state}`).sort()).toEqual(["boom:CREATE_FAILED", "ok:CREATE_COMPLETE"]);
  });

  it("exits 2 on a YAML syntax error, naming the file, line and column, and writes nothing", async () => {
    p.write("bad.yaml", "resources:\n  a:\n    type: OS::Heat::TestResource\n    properties: { value: [1, 2 }\n");
    const result = await p.run(["apply", "bad.yaml", "--stack", "x"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: bad\.yaml:4:\d+: template syntax error \(line 4, column \d+\): /);
    expect(result.stderr).toMatch(/> 4 \| {5}properties: \{ value: \[1, 2 \}\n/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(p.dir, ".converge"))).toBe(false);
  });

  it("exits 2 on an invalid template, pointing at the offending node", async () => {
    p.write("bad.yaml", "resources:\n  a:\n    type: OS::Heat::TestResource\n    properties:\n      valu: x\n");
    const result = await p.run(["apply", "bad.yaml", "--stack", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: bad\.yaml:5:7: resources\.a\.properties\.valu: unknown property "valu"/);
    const cycle = p.write("cycle.json", JSON.stringify({ resources: { a: { type: "OS::Heat::None", depends_on: "b" }, b: { type: "OS::Heat::None", depends_on: "a" } } }));
    const cyclic = await p.run(["apply", cycle, "--stack", "x"]);
    expect(cyclic.code).toBe(2);
    expect(cyclic.stderr).toMatch(/dependency cycle: a -> b -> a|dependency cycle: b -> a -> b/);
    const unknownType = p.write("t.yaml", "resources:\n  a:\n    type: acme::Nope\n");
    const unknown = await p.run(["apply", unknownType, "--stack", "x"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/t\.yaml:3:\d+: resources\.a\.type: unknown resource type "acme::Nope"/);
  });

  it("exits 2 on a template nested too deep or with a repeated JSON key, naming where", async () => {
    p.write("deep.json", `{\n  "resources": {\n    "a": { "type": "OS::Heat::TestResource", "properties": { "value": ${"[".repeat(2000)}${"]".repeat(2000)} } }\n  }\n}\n`);
    const tooDeep = await p.run(["apply", "deep.json", "--stack", "x"]);
    expect(tooDeep.code).toBe(2);
    expect(tooDeep.stderr).toMatch(/^error: deep\.json:3:\d+: resources\.a\.properties\.value\.0\.0[.0]*: mappings and lists are nested more than 100 levels deep/);
    expect(tooDeep.stderr).not.toMatch(/internal error|Maximum call stack|\n\s+at /);
    let nested: string = "x";
    for (let i = 0; i < 1000; i++) nested = `{ list_join: [",", [${nested}]] }`;
    p.write("functions.yaml", `resources:\n  a:\n    type: OS::Heat::TestResource\n    properties:\n      value: ${nested}\n`);
    const functions = await p.run(["apply", "functions.yaml", "--stack", "x"]);
    expect(functions.code).toBe(2);
    expect(functions.stderr).toMatch(/nested more than 100 levels deep/);
    expect(functions.stderr).not.toMatch(/internal error|\n\s+at /);
    p.write("dup.json", '{"resources": {"a": {"type": "OS::Heat::None"}, "a": {"type": "OS::Heat::None"}}}');
    const duplicate = await p.run(["apply", "dup.json", "--stack", "x"]);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toMatch(/^error: dup\.json:1:\d+: template syntax error \(line 1, column \d+\): duplicate key at resources\.a/);
    expect(existsSync(join(p.dir, ".converge"))).toBe(false);
  });

  it("exits 2 on bad parameters and options", async () => {
    p.write("site.yaml", BASIC);
    const cases: Array<[string[], RegExp]> = [
      [["apply", "site.yaml", "--stack", "s", "--param", "nope"], /invalid option "--param": expected NAME=VALUE, got "nope"/],
      [["apply", "site.yaml", "--stack", "s", "--param", "other=1"], /parameters\.other/],
      [["apply", "site.yaml"], /invalid option "--stack": is required/],
      [["apply", "--stack", "s"], /invalid option "template": missing/],
      [["apply", "site.yaml", "--stack", "s", "--bogus"], /invalid option "--bogus": unknown option of "converge apply"/],
      [["apply", "site.yaml", "--stack", "s", "--timeout", "soon"], /invalid option "--timeout": expected a duration/],
      [["apply", "missing.yaml", "--stack", "s"], /invalid option "template": file "missing.yaml" does not exist/],
      [["apply", "site.yaml", "--stack", "9bad"], /invalid stack name "9bad"/],
      [["frobnicate"], /unknown command "frobnicate"/],
    ];
    for (const [args, pattern] of cases) {
      const result = await p.run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(pattern);
    }
    expect(existsSync(join(p.dir, ".converge/state.json"))).toBe(false);
  });

  it("prints help for every command", async () => {
    const main = await p.run(["--help"]);
    expect(main.code).toBe(0);
    for (const command of ["apply", "preview", "show", "events", "cancel", "rollback", "delete", "graph", "worker"]) {
      expect(main.stdout).toMatch(new RegExp(`\\n  ${command} `));
    }
    const apply = await p.run(["apply", "--help"]);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/^Usage: converge apply <template> --stack NAME/);
    expect(apply.stdout).toMatch(/--param NAME=VALUE/);
    expect(apply.stdout).toMatch(/--redis URL/);
  });
});
