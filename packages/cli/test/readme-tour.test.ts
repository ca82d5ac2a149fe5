/**
 * The README's command-line tour runs as written: every `converge ...` line of its block (and
 * the shell lines between them), in order, in a copy of `examples/cli-tour`, with `converge`
 * on PATH running this CLI. Each line exits 0 except `check` after the file was tampered
 * with (1: drift); the drift is repaired by `apply --converge` and `delete` removes the file.
 * `converge worker` needs Redis and runs until a signal: the worker tests cover it.
 */
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BIN, REPO_ROOT, childEnv, tsNodeArgs } from "./support/cli-process.js";

// About a dozen CLI processes, one after the other.
vi.setConfig({ testTimeout: 300_000 });

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The shell lines of the README block that runs the tour (comments stripped). */
function tourLines(): string[] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### From the command line"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error("README.md: no sh block under \"From the command line\"");
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "");
}

/** Run one shell line; its exit code and output. */
function sh(line: string, cwd: string, binDir: string): Promise<{ code: number | null; out: string }> {
  const env = childEnv({ PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}` });
  const child = spawn("bash", ["-c", line], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, out })));
}

describe("the README's command-line tour", () => {
  it("runs as written in examples/cli-tour", async () => {
    const lines = tourLines();
    expect(lines.filter((l) => l.startsWith("converge ")).length).toBeGreaterThanOrEqual(10);
    const dir = mkdtempSync(join(tmpdir(), "converge-tour-"));
    dirs.push(dir);
    copyFileSync(join(REPO_ROOT, "examples/cli-tour/site.yaml"), join(dir, "site.yaml"));
    const binDir = join(dir, ".bin");
    const converge = join(binDir, "converge");
    const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;
    mkdirSync(binDir);
    writeFileSync(converge, `#!/bin/sh\nexec ${[process.execPath, ...tsNodeArgs(BIN)].map(quote).join(" ")} "$@"\n`);
    chmodSync(converge, 0o755);

    const seen: string[] = [];
    for (const line of lines) {
      if (line.startsWith("converge worker ")) continue;
      const { code, out } = await sh(line, dir, binDir);
      const expected = line.startsWith("converge check ") ? 1 : 0;
      expect(code, `${line}\n${out}`).toBe(expected);
      seen.push(line.split(" ")[1] ?? "");
      if (line.startsWith("converge check ")) expect(out).toMatch(/config\s+DRIFTED \(content\)/);
      if (line.includes("--converge")) expect(readFileSync(join(dir, "out/prod.conf"), "utf8")).toMatch(/^env=prod\nreplicas=1\ntoken=\w{16}\n$/);
      if (line.startsWith("converge apply") && !line.includes("--no-wait")) expect(out).toMatch(/stack site (CREATE|UPDATE)_COMPLETE/);
    }
    expect(seen).toEqual(expect.arrayContaining(["apply", "preview", "show", "graph", "cancel", "rollback", "check", "delete"]));
    expect(existsSync(join(dir, "out/prod.conf"))).toBe(false); // deleted with the stack
  });
});
