/**
 * Running the `converge` CLI as a child process, from its TypeScript source (through tsx,
 * with the repository's tsconfig paths so workspace packages resolve to their sources), in a
 * temporary project directory.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const REPO_ROOT = join(here, "../../../..");
/** The CLI entry point. */
export const BIN = join(REPO_ROOT, "packages/cli/src/bin.ts");
const TSX_LOADER = pathToFileURL(createRequire(join(REPO_ROOT, "package.json")).resolve("tsx")).href;

/** Node arguments that run a TypeScript entry point of this repository. */
export function tsNodeArgs(entry: string): string[] {
  return ["--import", TSX_LOADER, entry];
}

/** Environment for child processes: sources through tsconfig paths, no colour. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: join(REPO_ROOT, "tsconfig.json"), NO_COLOR: "1", FORCE_COLOR: undefined };
  delete env.CONVERGE_STATE;
  delete env.CONVERGE_REDIS_URL;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** What a finished CLI run printed. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A CLI process running in the background. */
export interface RunningCli {
  readonly child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolve once stdout matches (rejects after `timeoutMs` or when the process ends first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolve when it exits. */
  done: Promise<CliResult>;
}

/** A temporary project directory. */
export interface Project {
  readonly dir: string;
  /** Write a file (relative path); returns its path. */
  write(path: string, text: string): string;
  /** Run `converge args…` to its end. */
  run(args: readonly string[], options?: { env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<CliResult>;
  /** Start `converge args…` in the background. */
  start(args: readonly string[], options?: { env?: Record<string, string | undefined> }): RunningCli;
  /** Remove the directory. */
  cleanup(): void;
}

/** Spawn a TypeScript entry point and collect its output. */
export function spawnTs(entry: string, args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined> }): RunningCli {
  const child = spawn(process.execPath, [...tsNodeArgs(entry), ...args], { cwd: options.cwd, env: childEnv(options.env), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    for (const l of listeners) l();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code, signal) => {
      for (const l of listeners) l();
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  let exited = false;
  void done.then(() => {
    exited = true;
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    done,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(out)) finish(() => resolve());
          else if (exited) finish(() => reject(new Error(`process ended before ${pattern}; stdout:\n${out}\nstderr:\n${err}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${pattern}; stdout:\n${out}\nstderr:\n${err}`))), timeoutMs);
        const finish = (then: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          then();
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Make a temporary project. */
export function project(): Project {
  const dir = mkdtempSync(join(tmpdir(), "converge-cli-"));
  return {
    dir,
    write(path, text) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    run(args, options = {}) {
      const running = spawnTs(BIN, args, { cwd: dir, ...(options.env === undefined ? {} : { env: options.env }) });
      const timeoutMs = options.timeoutMs ?? 90_000;
      const timer = setTimeout(() => running.child.kill("SIGKILL"), timeoutMs);
      return running.done.finally(() => clearTimeout(timer));
    },
    start(args, options = {}) {
      return spawnTs(BIN, args, { cwd: dir, ...(options.env === undefined ? {} : { env: options.env }) });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
