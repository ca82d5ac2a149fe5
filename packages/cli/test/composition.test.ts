/**
 * Composition through the `converge` binary: template trees read from files (nested template
 * files and `get_file` relative to the file naming them, `-e` environments with a
 * `resource_registry`, `--param-file`), errors located in the file at fault, and the nested
 * stacks in `show`, `show STACK/app`, `list` and `graph`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";

// Every step is a child process (~1 s each, more on a busy machine).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const HOT = "heat_template_version: 2018-08-31";

/** A parameter echoed through a TestResource, for parameter-file tests. */
const ECHO = [
  HOT,
  "parameters:",
  "  greeting: {type: string, default: hello}",
  "  size: {type: number, default: 1}",
  "  tags: {type: comma_delimited_list, default: []}",
  "resources:",
  "  echo:",
  "    type: OS::Heat::TestResource",
  "    properties:",
  "      value: {list_join: [',', [{get_param: greeting}, {get_param: size}, {list_join: ['+', {get_param: tags}]}]]}",
  "outputs:",
  "  echoed: {value: {get_attr: [echo, output]}}",
  "",
].join("\n");

let p: Project;
beforeAll(() => {
  p = project();
});
afterAll(() => p.cleanup());

describe("--param-file", () => {
  it("gives parameter values from YAML/JSON files, later files and --param winning", async () => {
    p.write("echo.yaml", ECHO);
    p.write("params/base.yaml", "greeting: hi\nsize: 2\ntags: [a, b]\n");
    p.write("params/more.json", '{"size": 3}');
    const valid = await p.run(["validate", "echo.yaml", "--param-file", "params/base.yaml", "--param-file", "params/more.json"]);
    expect(valid.stderr).toBe("");
    expect(valid.code).toBe(0);
    const applied = await p.run(["apply", "echo.yaml", "--stack", "echo", "--param-file", "params/base.yaml", "--param-file", "params/more.json", "--param", "greeting=hey"]);
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("  echoed: hey,3,a+b\n");
  });

  it("reports a file that is missing or not a mapping (exit 2)", async () => {
    p.write("params/list.yaml", "- 1\n");
    const missing = await p.run(["validate", "echo.yaml", "--param-file", "params/none.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: invalid option "--param-file": file "params/none.yaml" does not exist\n');
    const list = await p.run(["validate", "echo.yaml", "--param-file", "params/list.yaml"]);
    expect(list.code).toBe(2);
    expect(list.stderr).toBe("error: params/list.yaml: a parameter file must be a mapping of parameter names to values\n");
  });
});

describe("reading a template tree", () => {
  it("names a missing nested file at its line in the file that names it, with an excerpt (exit 2)", async () => {
    p.write("tree/site.yaml", `${HOT}\nresources:\n  app:\n    type: nested/app.yaml\n`);
    p.write("tree/nested/app.yaml", `${HOT}\nresources:\n  db:\n    type: db.yaml\n`);
    const result = await p.run(["validate", "tree/site.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        'error: tree/nested/app.yaml:4:5: resources.db.type: template file "db.yaml" does not exist (looked for tree/nested/db.yaml)',
        "  2 | resources:",
        "  3 |   db:",
        "> 4 |     type: db.yaml",
        "    |     ^",
        "",
      ].join("\n"),
    );
  });

  it("checks environment files where they are written (exit 2)", async () => {
    p.write("env/typo.yaml", "parameter_default: {}\n");
    const typo = await p.run(["validate", "echo.yaml", "-e", "env/typo.yaml"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: env\/typo\.yaml:1:1: parameter_default: unknown environment section; expected one of parameters, parameter_defaults, resource_registry/);
    const missing = await p.run(["validate", "echo.yaml", "--environment", "env/none.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: invalid option "--environment": file "env/none.yaml" does not exist\n');
  });
});
