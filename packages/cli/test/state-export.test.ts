/**
 * `converge state export|import`: a stack moved from the state file to Redis and back to
 * another state file keeps its state, resources, outputs and events, its hidden parameter
 * stays sealed (never in clear in the files), and the moved stack can be updated. A name in
 * use, a bad or newer file and a stack in progress are typed errors that write nothing.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { useTestRedis } from "../../runtime-redis/test/support/suite.js";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";
import { slow } from "./support/templates.js";

// Every step is a child process (~1 s each, more on a busy machine).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const redis = useTestRedis();
let p: Project;
beforeEach(() => {
  p = project();
});
afterEach(() => p.cleanup());

const SECRET = "pw-Exp0rt-hidden-value";
const TEMPLATE = `parameters:
  pw: { type: string, hidden: true }
  greeting: { type: string, default: hello }
resources:
  a:
    type: OS::Heat::TestResource
    properties: { value: { get_param: greeting } }
  b:
    type: OS::Heat::TestResource
    properties: { value: { str_replace: { template: "$a/$pw", params: { $a: { get_attr: [a, output] }, $pw: { get_param: pw } } } } }
outputs:
  a_out: { value: { get_attr: [a, output] } }
`;

interface Shown {
  stack: { state: string; outputs: Record<string, unknown> };
  resources: Array<{ name: string; state: string; physicalId: string | null }>;
}

async function show(args: readonly string[]): Promise<Shown> {
  const result = await p.run(["show", "site", "--json", ...args]);
  expect(result.code, result.stderr).toBe(0);
  const shown = JSON.parse(result.stdout) as Shown;
  return { stack: { state: shown.stack.state, outputs: shown.stack.outputs }, resources: shown.resources.map(({ name, state, physicalId }) => ({ name, state, physicalId })) };
}

describe("converge state export|import", () => {
  it("moves a stack from the state file to Redis and back to another state file", async () => {
    const r = ["--redis", redis.url, "--prefix", uniquePrefix("state")];
    p.write("site.yaml", TEMPLATE);
    const applied = await p.run(["apply", "site.yaml", "--stack", "site", "--param", `pw=${SECRET}`]);
    expect(applied.code, applied.stderr).toBe(0);
    const original = await show([]);

    const exported = await p.run(["state", "export", "site", "--out", "site.json"]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^stack site exported: 2 row\(s\), 1 template\(s\), \d+ event\(s\) to site\.json\n$/);
    const file = join(p.dir, "site.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toMatchObject({ format: "converge.stack-export", version: 1, stack: { name: "site", status: "COMPLETE" } });

    const imported = await p.run(["state", "import", "site.json", ...r]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^stack site imported into redis .*: CREATE_COMPLETE, 2 row\(s\)\n$/);
    expect(await show(r)).toEqual(original);
    const events = await p.run(["events", "site", ...r]);
    expect(events.stdout).toMatch(/site\s+CREATE_COMPLETE\s+Stack CREATE completed successfully/);

    const again = await p.run(["state", "import", "site.json", ...r]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: stack "site" already exists; use updateStack to change it\n');

    const back = await p.run(["state", "export", "site", "--out", "back.json", ...r]);
    expect(back.code, back.stderr).toBe(0);
    expect(readFileSync(join(p.dir, "back.json"), "utf8")).not.toContain(SECRET);
    const other = ["--state", "other.json"];
    const into = await p.run(["state", "import", "back.json", ...other]);
    expect(into.code, into.stderr).toBe(0);
    expect(await show(other)).toEqual(original);

    // The moved stack is a stack like any other: update it (the hidden value came along sealed).
    const updated = await p.run(["apply", "site.yaml", "--stack", "site", "--param", `pw=${SECRET}`, "--param", "greeting=bye", ...other]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toMatch(/a_out: bye/);
    expect(readFileSync(join(p.dir, "other.json"), "utf8")).not.toContain(SECRET);
  });

  it("refuses a bad or newer file, and a stack in progress, writing nothing", async () => {
    p.write("foreign.json", JSON.stringify({ name: "x" }));
    p.write("newer.json", JSON.stringify({ format: "converge.stack-export", version: 9 }));
    p.write("broken.json", "{ not json");
    for (const [file, message] of [
      ["foreign.json", 'at format: not a Converge stack export (expected "format": "converge.stack-export", got nothing)'],
      ["newer.json", "at version: written by a newer Converge (version 9); this one reads version 1"],
      ["broken.json", ": is not valid JSON"],
    ] as const) {
      const result = await p.run(["state", "import", file]);
      expect(result.code, file).toBe(1);
      expect(result.stderr).toContain(`error: stack export ${file}`);
      expect(result.stderr).toContain(message);
    }
    p.write("site.yaml", TEMPLATE);
    expect((await p.run(["apply", "site.yaml", "--stack", "site", "--param", "pw=x"])).code).toBe(0);
    const exported = JSON.parse((await p.run(["state", "export", "site"])).stdout) as { rows: Array<{ status: string }> };
    (exported.rows[0] as { status: string }).status = "SOMEWHERE";
    writeFileSync(join(p.dir, "damaged.json"), JSON.stringify(exported));
    const damaged = await p.run(["state", "import", "damaged.json", "--stack", "copy"]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/^error: stack export damaged\.json at rows\[0\]\.status: /);
    expect((await p.run(["list"])).stdout).not.toMatch(/copy/);

    p.write("slow.yaml", slow(60));
    expect((await p.run(["apply", "slow.yaml", "--stack", "busy", "--no-wait"])).code).toBe(0);
    const busy = await p.run(["state", "export", "busy"]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toBe('error: stack "busy" is CREATE_IN_PROGRESS; export it once it settled (or cancel it first)\n');
  });
});
