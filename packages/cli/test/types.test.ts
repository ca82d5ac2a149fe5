/**
 * `--types MODULE`: resource types loaded from a module (besides @converge/plugins), used by
 * validate, apply, show (secret properties redacted) and graph; modules that cannot be
 * loaded or export no type are usage errors.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { typesOfModule } from "../src/types-loader.js";
import type { Project } from "./support/cli-process.js";
import { project, REPO_ROOT } from "./support/cli-process.js";
import * as noteModule from "./fixtures/note-types.js";

// Every step is a child process (~1 s each, more on a busy machine).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const NOTE_TYPES = join(REPO_ROOT, "packages/cli/test/fixtures/note-types.ts");
const NO_TYPES = join(REPO_ROOT, "packages/cli/test/fixtures/no-types.ts");
const TEMPLATE = `resources:
  hello:
    type: test:cli:Note
    properties: { text: hello world, secret: s3cr3t }
  echo:
    type: OS::Heat::TestResource
    properties:
      value: { get_attr: [hello, length] }
outputs:
  length: { value: { get_attr: [hello, length] } }
`;

let p: Project;
beforeAll(() => {
  p = project();
  p.write("notes.yaml", TEMPLATE);
});
afterAll(() => p.cleanup());

describe("--types", () => {
  it("collects each resource type a module exports once", () => {
    expect(typesOfModule(noteModule).map((t) => t.type)).toEqual(["test:cli:Note"]);
    expect(typesOfModule({ default: { a: noteModule.Note, b: 3 } })).toEqual([noteModule.Note]);
    expect(typesOfModule({ nothing: 1 })).toEqual([]);
  });

  it("loads a module's types next to the plugins' ones", async () => {
    const without = await p.run(["validate", "notes.yaml"]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/unknown resource type "test:cli:Note"/);
    const valid = await p.run(["validate", "notes.yaml", "--types", NOTE_TYPES]);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toBe("✔ notes.yaml is valid: 2 resources, 1 output\n");
    const applied = await p.run(["apply", "notes.yaml", "--stack", "n", "--types", NOTE_TYPES]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/outputs:\n {2}length: 11\n/);
    const shown = await p.run(["show", "n", "--json", "--types", NOTE_TYPES]);
    const json = JSON.parse(shown.stdout) as { resources: Array<{ name: string; properties: Record<string, unknown> }> };
    expect(json.resources.find((r) => r.name === "hello")?.properties).toEqual({ text: "hello world", secret: "******" });
    // --no-default-types: only the module's types.
    const noPlugins = await p.run(["validate", "notes.yaml", "--types", NOTE_TYPES, "--no-default-types"]);
    expect(noPlugins.code).toBe(2);
    expect(noPlugins.stderr).toMatch(/unknown resource type "OS::Heat::TestResource" \(known types: test:cli:Note\)/);
    expect((await p.run(["delete", "n", "--yes", "--types", NOTE_TYPES])).code).toBe(0);
  });

  it("rejects a module that is missing or exports no type", async () => {
    const missing = await p.run(["validate", "notes.yaml", "--types", "./nope.js"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: invalid option "--types": module file "\.\/nope\.js" does not exist/);
    const empty = await p.run(["validate", "notes.yaml", "--types", NO_TYPES]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/exports no resource type/);
    const nopkg = await p.run(["validate", "notes.yaml", "--types", "no-such-package-xyz"]);
    expect(nopkg.code).toBe(2);
    expect(nopkg.stderr).toMatch(/cannot find package "no-such-package-xyz"/);
  });
});
