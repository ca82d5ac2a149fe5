/**
 * Composition through the `converge` binary: template trees read from files (nested template
 * files and `get_file` relative to the file naming them, `-e` environments with a
 * `resource_registry`, `--param-file`), errors located in the file at fault, and the nested
 * stacks in `show`, `show STACK/app`, `list` and `graph`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Project } from "./support/cli-process.js";
import { REPO_ROOT, project } from "./support/cli-process.js";

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

/** The example's composed tree (examples/heat-templates/templates/composed), copied into the project. */
function copyExample(): void {
  const base = join(REPO_ROOT, "examples/heat-templates/templates/composed");
  for (const file of ["web-tier.yaml", "prod-env.yaml", "nested/database.yaml", "nested/web-server.yaml", "nested/web.conf"]) {
    p.write(`composed/${file}`, readFileSync(join(base, file), "utf8"));
  }
}

interface ShowJson {
  stack: { name: string; state: string; outputs: Record<string, unknown>; parameters?: Record<string, unknown>; kind?: string; type?: string };
  resources: Array<{ name: string; state: string; physicalId: string | null }>;
}

async function showJson(name: string): Promise<ShowJson> {
  const result = await p.run(["show", name, "--json"]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ShowJson;
}

describe("a composed stack from the command line", () => {
  const apply = ["apply", "composed/web-tier.yaml", "--stack", "web", "-e", "composed/prod-env.yaml"];

  it("applies a nested template behind a registry alias and a group of template members, with an environment", async () => {
    copyExample();
    const valid = await p.run(["validate", "composed/web-tier.yaml", "-e", "composed/prod-env.yaml"]);
    expect(valid.stderr).toBe("");
    expect(valid.stdout).toBe("✔ composed/web-tier.yaml is valid: 8 resources (5 nested stacks), 3 outputs\n");
    const created = await p.run(apply);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const { stack, resources } = await showJson("web");
    expect(stack.state).toBe("CREATE_COMPLETE");
    // parameter_defaults reach the nested database; the environment's web_count makes 3 members.
    expect(stack.outputs.db_url).toMatch(/^mysql:\/\/app:\S{16}@db\.internal\/app\?size=10$/);
    expect(stack.outputs.web_names).toEqual(["web-0", "web-1", "web-2"]);
    expect(stack.outputs.first_web).toBe("web-0");
    const names = resources.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["db/password", "db/server", "web/0/config", "web/0/server", "web/2/server"]));
    expect(names.some((n) => n.startsWith("web/3"))).toBe(false);
  });

  it("show lists nested resources under their nested stack, and show STACK/PATH one nested stack", async () => {
    const text = await p.run(["show", "web"]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split("\n");
    const at = (pattern: RegExp): number => lines.findIndex((l) => pattern.test(l));
    expect(at(/^ {2}NAME\s+ROW/)).toBeGreaterThan(0);
    expect(at(/^ {2}db\s+\d+\s/)).toBeLessThan(at(/^ {4}password\s+\d+\s+OS::Heat::RandomString\s+CREATE_COMPLETE/));
    expect(at(/^ {2}db\s+\d+\s+My::Database\s/)).toBeGreaterThan(0);
    expect(at(/^ {2}web\s+\d+\s+OS::Heat::ResourceGroup\s/)).toBeLessThan(at(/^ {4}0\s+\d+\s+nested\/web-server.yaml\s/));
    expect(at(/^ {4}0\s/)).toBeLessThan(at(/^ {6}config\s+\d+\s+OS::Heat::Value\s+CREATE_COMPLETE/));
    expect(at(/^ {6}config\s/)).toBeGreaterThan(0);

    const db = await p.run(["show", "web/db"]);
    expect(db.stderr).toBe("");
    expect(db.code).toBe(0);
    expect(db.stdout).toMatch(/^stack {4}web\/db {2}[0-9a-f-]{36}\nnested {3}template nested\/database\.yaml {2}resource db of stack web\nstatus {3}CREATE_COMPLETE /);
    expect(db.stdout).toMatch(/\nparameters\n {2}size: 10\n {2}engine: mysql\n/);
    expect(db.stdout).toMatch(/\noutputs\n {2}url: mysql:\/\/app:/);
    // Names relative to the nested stack.
    expect(db.stdout).toMatch(/\n {2}password\s+\d+\s+OS::Heat::RandomString\s+CREATE_COMPLETE/);
    expect(db.stdout).not.toMatch(/web-server|config/);

    const member = await showJson("web/web/1");
    expect(member.stack).toMatchObject({ name: "web/web/1", state: "CREATE_COMPLETE", outputs: { name: "web-1" } });
    expect(member.stack.parameters).toMatchObject({ name: "web-1" });
    expect(member.resources.map((r) => r.name).sort()).toEqual(["web/1/config", "web/1/server"]);

    const events = await p.run(["events", "web/db"]);
    expect(events.stderr).toBe("");
    expect(events.code).toBe(0);
    const eventNames = events.stdout.trimEnd().split("\n").map((l) => l.split(/\s+/)[1]);
    expect(new Set(eventNames)).toEqual(new Set(["db/password", "db/server"]));
    const last = await p.run(["events", "web/db", "--last", "1"]);
    expect(last.stdout.trimEnd().split("\n")).toEqual(events.stdout.trimEnd().split("\n").slice(-1));

    const missing = await p.run(["show", "web/nope"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/web\/nope/);
  });

  it("list --nested shows the nested stacks under their stack", async () => {
    const result = await p.run(["list", "--nested"]);
    expect(result.code).toBe(0);
    const names = result.stdout.split("\n").slice(1).map((l) => /^(\s*\S+)/.exec(l)?.[1] ?? "").filter((n) => n !== "");
    expect(names).toEqual(expect.arrayContaining(["web", "  web/db", "  web/web", "    web/web/0", "    web/web/2"]));
    expect(names.indexOf("  web/web")).toBeLessThan(names.indexOf("    web/web/0"));
    const plain = await p.run(["list"]);
    expect(plain.stdout).not.toContain("web/db");
  });

  it("graph draws nested stacks as subgraphs (DOT clusters, indented text)", async () => {
    const dot = await p.run(["graph", "--stack", "web", "--format", "dot"]);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/subgraph cluster_\d+ \{\n\s+label="db: nested\/database\.yaml";/);
    expect(dot.stdout).toMatch(/subgraph cluster_\d+ \{\n\s+label="web\/1: nested\/web-server\.yaml";/);
    expect(dot.stdout).toContain('"db/server" -> "db/password";');
    const text = await p.run(["graph", "composed/web-tier.yaml", "-e", "composed/prod-env.yaml", "--format", "text"]);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\n {2}\[db: nested\/database\.yaml\]\n(?: {4}\S.*\n)+/);
    expect(text.stdout).toMatch(/\n {6}server {2}OS::Heat::TestResource {2}-> web\/0\/config/);
  });

  it("scales the group with --param over the environment: one member created, the others kept", async () => {
    const before = await showJson("web");
    const preview = await p.run(["preview", "composed/web-tier.yaml", "--stack", "web", "-e", "composed/prod-env.yaml", "--param", "web_count=4"]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/\ncreate\s+web\/3\/server\s/);
    expect(preview.stdout).not.toMatch(/\n(update|replace|delete)\s+web\/[0-2]\//);
    const scaled = await p.run([...apply, "--param", "web_count=4"]);
    expect(scaled.stderr).toBe("");
    expect(scaled.code).toBe(0);
    const after = await showJson("web");
    expect(after.stack.outputs.web_names).toEqual(["web-0", "web-1", "web-2", "web-3"]);
    const ids = (s: ShowJson): Record<string, string | null> => Object.fromEntries(s.resources.map((r) => [r.name, r.physicalId]));
    for (const [name, id] of Object.entries(ids(before))) expect(ids(after)[name]).toBe(id);
  });

  it("points an error inside a nested template at its line in the nested file", async () => {
    p.write("broken/site.yaml", `${HOT}\nresources:\n  app:\n    type: nested/app.yaml\n`);
    p.write("broken/nested/app.yaml", `${HOT}\nresources:\n  db:\n    type: OS::Heat::TestResource\n    properties:\n      valu: x\n`);
    const result = await p.run(["validate", "broken/site.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: broken\/nested\/app\.yaml:6:7: resources\.app\.resources\.db\.properties\.valu: /);
    expect(result.stderr).toContain("> 6 |       valu: x");
  });
});
