/**
 * The committed `bin/converge.js` (what `converge` and `npx converge` run): it runs the built
 * CLI in `dist/`, and when that is missing (a clone installed with scripts disabled) it says
 * how to build it and exits 1 instead of failing with a module-not-found trace.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/cli-process.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the package layout: `<root>/packages/cli/bin/converge.js`, no dist. */
function layout(): { root: string; cli: string; shim: string } {
  const root = mkdtempSync(join(tmpdir(), "converge-shim-"));
  dirs.push(root);
  const cli = join(root, "packages/cli");
  mkdirSync(join(cli, "bin"), { recursive: true });
  writeFileSync(join(cli, "package.json"), JSON.stringify({ type: "module" }));
  const shim = join(cli, "bin/converge.js");
  copyFileSync(join(REPO_ROOT, "packages/cli/bin/converge.js"), shim);
  return { root, cli, shim };
}

describe("bin/converge.js", () => {
  it("runs dist/bin.js with the command line", () => {
    const { cli, shim } = layout();
    mkdirSync(join(cli, "dist"));
    writeFileSync(join(cli, "dist/bin.js"), "process.stdout.write(`ran ${process.argv.slice(2).join(' ')}\\n`);\n");
    const result = spawnSync(process.execPath, [shim, "--help", "x"], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("ran --help x\n");
    expect(result.status).toBe(0);
  });

  it("says how to build when dist is missing", () => {
    const { root, shim } = layout();
    const result = spawnSync(process.execPath, [shim, "--help"], { encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("error: the converge CLI is not built");
    expect(result.stderr).toContain(`run \`npm run build\` in ${root} `);
  });
});
