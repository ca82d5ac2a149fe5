/**
 * `@converge/runtime-redis` and `ioredis` are optional peer dependencies of the CLI: a user
 * of the memory runtime has neither loaded (nor needs them installed), and `--redis` or
 * `converge worker` without them fails with one line naming what to install. The CLI runs as
 * a child process whose module resolution makes those packages (and bullmq) look absent and
 * logs every attempt to load them.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MissingPackageError } from "@converge/cli";
import { missingPackageOf } from "../src/redis-modules.js";
import type { CliResult } from "./support/cli-process.js";
import { BIN, childEnv, tsNodeArgs } from "./support/cli-process.js";
import { BASIC } from "./support/templates.js";

vi.setConfig({ testTimeout: 120_000 });

const HIDE = pathToFileURL(join(import.meta.dirname, "support/hide-packages.mjs")).href;
const HIDDEN = ["@converge/runtime-redis", "ioredis", "bullmq"];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Run the CLI with the Redis packages hidden; the result and the packages it tried to load. */
async function runHidden(dir: string, args: readonly string[]): Promise<CliResult & { attempts: string[] }> {
  const log = join(dir, "attempts.log");
  const [tsxImport, tsxLoader, entry] = tsNodeArgs(BIN);
  const child = spawn(process.execPath, [tsxImport as string, tsxLoader as string, "--import", HIDE, entry as string, ...args], {
    cwd: dir,
    env: childEnv({ CONVERGE_TEST_HIDE: HIDDEN.join(","), CONVERGE_TEST_HIDE_LOG: log }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
  const attempts = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter((l) => l !== "") : [];
  return { code, signal, stdout, stderr, attempts };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "converge-optional-"));
  dirs.push(dir);
  return dir;
}

describe("the Redis runtime is an optional peer of the CLI", () => {
  it("a memory apply, show and delete never load @converge/runtime-redis, ioredis or bullmq", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "site.yaml"), BASIC);
    const applied = await runHidden(dir, ["apply", "site.yaml", "--stack", "site"]);
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/stack site CREATE_COMPLETE/);
    expect((await runHidden(dir, ["show", "site"])).code).toBe(0);
    const deleted = await runHidden(dir, ["delete", "site", "--yes"]);
    expect(deleted.code).toBe(0);
    expect([...applied.attempts, ...deleted.attempts]).toEqual([]);
  });

  it("--redis and worker without the packages: one line naming what to install, exit 1", async () => {
    const dir = tempDir();
    for (const args of [["list", "--redis", "redis://127.0.0.1:1"], ["worker", "--redis", "redis://127.0.0.1:1"]]) {
      const result = await runHidden(dir, args);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toBe("");
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: (--redis|converge worker) needs the Redis runtime, and the package (@converge\/runtime-redis|ioredis) is not installed: run `npm install @converge\/runtime-redis ioredis`/);
      expect(result.attempts.length).toBeGreaterThan(0);
      expect(result.attempts.every((name) => HIDDEN.includes(name))).toBe(true);
    }
  });

  it("tells a missing Redis package from other module errors", () => {
    const notFound = (message: string, code = "ERR_MODULE_NOT_FOUND"): Error => Object.assign(new Error(message), { code });
    expect(missingPackageOf(notFound("Cannot find package 'ioredis' imported from /x/session-redis.js"))).toBe("ioredis");
    expect(missingPackageOf(notFound("Cannot find package '@converge/runtime-redis' imported from /x/a.js"))).toBe("@converge/runtime-redis");
    expect(missingPackageOf(notFound("Cannot find module 'bullmq/dist/esm/index.js'", "MODULE_NOT_FOUND"))).toBe("bullmq");
    expect(missingPackageOf(notFound("Cannot find package 'yaml' imported from /x/a.js"))).toBeNull();
    expect(missingPackageOf(new Error("Cannot find package 'ioredis'"))).toBeNull();
    const error = new MissingPackageError("ioredis", "--redis", null);
    expect(error.packageName).toBe("ioredis");
    expect(error.code).toBe("RUNTIME");
  });
});
