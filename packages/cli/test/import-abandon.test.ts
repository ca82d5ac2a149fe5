/**
 * `converge import`, `converge abandon` and `converge adopt` on the memory runtime, with a
 * file-backed type (`fixtures/shelf-types.ts`) so what exists outlives each process.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Project } from "./support/cli-process.js";
import { project, REPO_ROOT } from "./support/cli-process.js";

// Every step is a child process (~1 s each, more on a busy machine).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const TYPES = ["--types", join(REPO_ROOT, "packages/cli/test/fixtures/shelf-types.ts")];
const TEMPLATE = (label: string): string => `resources:
  top: { type: test:cli:Shelf, properties: { label: ${label} } }
  bottom: { type: test:cli:Shelf, properties: { label: base } }
`;

let p: Project;
beforeEach(() => {
  p = project();
});
afterEach(() => p.cleanup());

const shelf = (id: string): unknown => JSON.parse(readFileSync(join(p.dir, "shelf", id), "utf8"));

describe("converge abandon / adopt", () => {
  it("abandons without deleting, adopts without creating, and manages the adopted stack", async () => {
    p.write("shelves.yaml", TEMPLATE("one"));
    expect((await p.run(["apply", "shelves.yaml", "--stack", "s", ...TYPES])).code).toBe(0);
    const abandoned = await p.run(["abandon", "s", "--output", "s.json", ...TYPES]);
    expect(abandoned.code, abandoned.stderr).toBe(0);
    expect(abandoned.stdout).toMatch(/stack s abandoned: 2 resource\(s\) left in place, written to s\.json/);
    const json = JSON.parse(readFileSync(join(p.dir, "s.json"), "utf8")) as { resources: Array<{ name: string; physicalId: string }> };
    expect(json.resources.map((r) => `${r.name}:${r.physicalId}`)).toEqual(["bottom:s-bottom", "top:s-top"]);
    expect((await p.run(["show", "s"])).code).toBe(1);
    expect(shelf("s-top")).toEqual({ label: "one" });

    const adopted = await p.run(["adopt", "t", "s.json", ...TYPES]);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.stdout).toMatch(/stack t CREATE_COMPLETE/);
    p.write("shelves.yaml", TEMPLATE("two"));
    expect((await p.run(["apply", "shelves.yaml", "--stack", "t", ...TYPES])).code).toBe(0);
    expect(shelf("s-top")).toEqual({ label: "two" });
    expect((await p.run(["delete", "t", "--yes", ...TYPES])).code).toBe(0);
    expect(existsSync(join(p.dir, "shelf", "s-top"))).toBe(false);
  });

  it("adopt names the bad path of a malformed file; abandon prints JSON to stdout", async () => {
    p.write("bad.json", JSON.stringify({ version: 1, stackName: "s", template: { resources: {} } }));
    const bad = await p.run(["adopt", "t", "bad.json", ...TYPES]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/abandoned stack at template\.outputs/);
    p.write("shelves.yaml", TEMPLATE("one"));
    expect((await p.run(["apply", "shelves.yaml", "--stack", "s", ...TYPES])).code).toBe(0);
    const out = await p.run(["abandon", "s", ...TYPES]);
    expect(out.code, out.stderr).toBe(0);
    expect((JSON.parse(out.stdout) as { stackName: string }).stackName).toBe("s");
  });
});

describe("converge import", () => {
  it("external_id: preview says import, apply reads the resource instead of creating it", async () => {
    p.write("one.yaml", "resources:\n  bottom: { type: test:cli:Shelf, properties: { label: base } }\n");
    expect((await p.run(["apply", "one.yaml", "--stack", "s", ...TYPES])).code).toBe(0);
    writeFileSync(join(p.dir, "shelf", "by-hand"), JSON.stringify({ label: "old" }));
    p.write("two.yaml", "resources:\n  top: { type: test:cli:Shelf, properties: { label: one }, external_id: by-hand }\n  bottom: { type: test:cli:Shelf, properties: { label: base } }\n");
    const preview = await p.run(["preview", "two.yaml", "--stack", "s", ...TYPES]);
    expect(preview.stdout).toMatch(/import\s+top/);
    expect(preview.stdout).toMatch(/s: 0 create, 1 import, /);
    expect((await p.run(["apply", "two.yaml", "--stack", "s", ...TYPES])).code).toBe(0);
    expect(shelf("by-hand")).toEqual({ label: "one" });
    expect(existsSync(join(p.dir, "shelf", "s-top"))).toBe(false);
  });

  it("imports a resource the template names whose create failed, then refuses a second import", async () => {
    p.write("shelves.yaml", TEMPLATE("fail"));
    const failed = await p.run(["apply", "shelves.yaml", "--stack", "s", "--no-rollback", ...TYPES]);
    expect(failed.code).toBe(1);
    writeFileSync(join(p.dir, "shelf", "by-hand"), JSON.stringify({ label: "old" }));
    const imported = await p.run(["import", "s", "top", "by-hand", ...TYPES]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/stack s UPDATE_COMPLETE/);
    expect(shelf("by-hand")).toEqual({ label: "fail" });
    const refused = await p.run(["import", "s", "top", "other", ...TYPES]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot import "other" as resource top: stack "s" already manages it/);
  });
});
