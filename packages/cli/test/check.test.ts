/**
 * `converge check` and `converge apply --converge` on the memory runtime (child processes):
 * a managed file edited by hand shows as DRIFTED (exit 1), `apply --converge` writes it back,
 * a deleted one shows as MISSING and is re-created; a type without `read` is UNCHECKED.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const TYPES = join(import.meta.dirname, "fixtures/file-note-types.ts");
const NOTE_TYPES = join(import.meta.dirname, "fixtures/note-types.ts");

const TEMPLATE = `resources:
  motd:
    type: test:cli:FileNote
    properties: { path: motd.txt, text: hello }
  banner:
    type: test:cli:FileNote
    properties: { path: banner.txt, text: welcome }
  memo:
    type: test:cli:Note
    properties: { text: unchecked }
`;

let p: Project;
beforeEach(() => {
  p = project();
});
afterEach(() => p.cleanup());

describe("converge check and apply --converge", () => {
  it("shows drift and missing files (exit 1), repairs them with apply --converge, then all in sync (exit 0)", async () => {
    const types = ["--types", TYPES, "--types", NOTE_TYPES];
    p.write("site.yaml", TEMPLATE);
    expect((await p.run(["apply", "site.yaml", "--stack", "site", ...types])).code).toBe(0);
    const clean = await p.run(["check", "site", ...types]);
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/stack site CHECK_COMPLETE/);
    expect(clean.stdout).toMatch(/motd\s+IN_SYNC/);
    expect(clean.stdout).toMatch(/memo\s+UNCHECKED/);

    writeFileSync(join(p.dir, "motd.txt"), "edited by hand");
    rmSync(join(p.dir, "banner.txt"));
    const drifted = await p.run(["check", "site", ...types]);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toMatch(/motd\s+DRIFTED \(text\)/);
    expect(drifted.stdout).toMatch(/banner\s+MISSING/);
    expect(drifted.stdout).toMatch(/memo\s+UNCHECKED/);
    expect(drifted.stdout).toMatch(/--converge` repairs it/);

    const plain = await p.run(["apply", "site.yaml", "--stack", "site", ...types]);
    expect(plain.code).toBe(0);
    expect(readFileSync(join(p.dir, "motd.txt"), "utf8")).toBe("edited by hand");

    const preview = await p.run(["preview", "site.yaml", "--stack", "site", "--converge", "--json", ...types]);
    expect(preview.code).toBe(0);
    const actions = Object.fromEntries((JSON.parse(preview.stdout) as { resources: Array<{ name: string; action: string }> }).resources.map((r) => [r.name, r.action]));
    expect(actions).toEqual({ motd: "update", banner: "replace", memo: "no_change" });

    const repaired = await p.run(["apply", "site.yaml", "--stack", "site", "--converge", "--yes", ...types]);
    expect(repaired.stderr).toBe("");
    expect(repaired.code).toBe(0);
    expect(readFileSync(join(p.dir, "motd.txt"), "utf8")).toBe("hello");
    expect(readFileSync(join(p.dir, "banner.txt"), "utf8")).toBe("welcome");
    const after = await p.run(["check", "site", ...types]);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/motd\s+IN_SYNC/);
    expect(after.stdout).toMatch(/banner\s+IN_SYNC/);
  });
});
