/**
 * Running the *built* `converge` binary (`packages/cli/dist/bin.js`, as installed), either
 * without a terminal (pipes) or in a pseudo-terminal through util-linux `script`, where it can
 * be answered like a person at a prompt. The build must be current: a dist older than the
 * sources fails the test (run `npm run build`), it is never skipped.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, childEnv } from "./cli-process.js";

/** The built entry point. */
export const BUILT_BIN = join(REPO_ROOT, "packages/cli/dist/bin.js");

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** Throw unless every package the CLI runs is built from its current sources. */
export function assertBuilt(): void {
  for (const pkg of ["core", "plugins", "cli"]) {
    const dist = join(REPO_ROOT, "packages", pkg, "dist/index.js");
    if (!existsSync(dist)) throw new Error(`packages/${pkg} is not built: run \`npm run build\` before these tests`);
    if (newest(join(REPO_ROOT, "packages", pkg, "src")) > statSync(dist).mtimeMs) {
      throw new Error(`packages/${pkg}/dist is older than its sources: run \`npm run build\` before these tests`);
    }
  }
  if (spawnSync("script", ["--version"]).status !== 0) throw new Error("util-linux `script` is needed for the pseudo-terminal tests");
}

/** What a run printed. */
export interface BuiltResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of a run. */
export interface BuiltRunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly timeoutMs?: number;
}

function collect(child: ReturnType<typeof spawn>, timeoutMs: number, onOutput?: (all: string) => void): Promise<BuiltResult> {
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    onOutput?.(out);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out, stderr: err });
    });
  });
}

/** Run the built CLI with pipes for stdin (closed), stdout and stderr: no terminal anywhere. */
export function runPiped(cwd: string, args: readonly string[], options: BuiltRunOptions = {}): Promise<BuiltResult> {
  const child = spawn(process.execPath, [BUILT_BIN, ...args], { cwd, env: childEnv(options.env), stdio: ["pipe", "pipe", "pipe"] });
  child.stdin?.end();
  return collect(child, options.timeoutMs ?? 90_000);
}

/** A built CLI running in the background, without a terminal. */
export interface RunningBuilt {
  readonly child: ReturnType<typeof spawn>;
  /** Resolves once stdout matches `pattern` (rejects when the process ends first). */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves when it exits. */
  readonly done: Promise<BuiltResult>;
}

/** Start the built CLI in the background with pipes (see {@link runPiped}). */
export function startPiped(cwd: string, args: readonly string[], options: BuiltRunOptions = {}): RunningBuilt {
  const child = spawn(process.execPath, [BUILT_BIN, ...args], { cwd, env: childEnv(options.env), stdio: ["pipe", "pipe", "pipe"] });
  child.stdin?.end();
  const waiters = new Set<{ pattern: RegExp; resolve: () => void }>();
  const done = collect(child, options.timeoutMs ?? 120_000, (all) => {
    for (const w of waiters) {
      if (!w.pattern.test(all)) continue;
      waiters.delete(w);
      w.resolve();
    }
  });
  return {
    child,
    done,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        waiters.add({ pattern, resolve });
        void done.then((r) => reject(new Error(`the process ended before ${pattern}; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`)));
      }),
  };
}

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/** ANSI escapes and carriage returns removed (what a person reads). */
export function plainText(text: string): string {
  return text.replace(/\x1b\[\??[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "");
}

/**
 * Run the built CLI in a pseudo-terminal (`script -qfec`): stdin, stdout and stderr are the
 * terminal, and both streams arrive on `stdout`. When `answer` is given, it is typed once the
 * confirmation question shows.
 */
export function runInPty(cwd: string, args: readonly string[], options: BuiltRunOptions & { answer?: string } = {}): Promise<BuiltResult> {
  const command = [process.execPath, BUILT_BIN, ...args].map(quote).join(" ");
  const env = childEnv({ TERM: "xterm", COLUMNS: "120", LINES: "40", ...options.env });
  const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  let answered = false;
  const done = collect(child, options.timeoutMs ?? 90_000, (all) => {
    if (options.answer === undefined || answered || !/\[y\/N\] $/.test(plainText(all))) return;
    answered = true;
    child.stdin?.write(`${options.answer}\n`);
  });
  // stdin stays open until the end: `script` hangs up the terminal when its input ends.
  return done.finally(() => child.stdin?.end());
}
