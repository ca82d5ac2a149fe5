/**
 * Running the `converge` command of `@converge/cli` as child processes: from its TypeScript
 * source through tsx inside this repository, or its built bin when that is all there is.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const cliDir = dirname(require.resolve("@converge/cli/package.json"));
const source = join(cliDir, "src/bin.ts");
const repoTsconfig = resolve(dirname(fileURLToPath(import.meta.url)), "../../../tsconfig.json");

/** `node` arguments that start `converge`. */
function convergeArgs(): string[] {
  if (existsSync(source)) return ["--import", pathToFileURL(require.resolve("tsx")).href, source];
  return [join(cliDir, "dist/bin.js")];
}

/** A `converge` process. */
export interface ConvergeProcess {
  readonly child: ChildProcess;
  /** Everything it printed to stdout so far. */
  output(): string;
  /** Resolve once its stdout matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Its exit code. */
  readonly exited: Promise<number>;
}

/**
 * Start `converge args…`; each line it prints is echoed with `label` in front (stderr too).
 */
export function converge(args: readonly string[], label: string | null): ConvergeProcess {
  const env = { ...process.env, ...(existsSync(repoTsconfig) ? { TSX_TSCONFIG_PATH: repoTsconfig } : {}) };
  const child = spawn(process.execPath, [...convergeArgs(), ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  let out = "";
  const waiters = new Set<() => void>();
  const echo = (stream: NodeJS.WriteStream) => {
    let partial = "";
    return (chunk: Buffer): void => {
      partial += chunk.toString("utf8");
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      if (label !== null) for (const line of lines) stream.write(`${label} ${line}\n`);
    };
  };
  const echoOut = echo(process.stdout);
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    echoOut(chunk);
    for (const wake of waiters) wake();
  });
  child.stderr?.on("data", echo(process.stderr));
  const exited = new Promise<number>((resolvePromise) => child.on("close", (code) => resolvePromise(code ?? 1)));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const wake of waiters) wake();
  });
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise<void>((resolvePromise, reject) => {
        const timer = setTimeout(() => finish(new Error(`no ${pattern} within ${timeoutMs} ms`)), timeoutMs);
        const check = (): void => {
          if (pattern.test(out)) finish();
          else if (done) finish(new Error(`converge ${args[0] ?? ""} ended before printing ${pattern}`));
        };
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error === undefined) resolvePromise();
          else reject(error);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Run `converge args…` to its end; resolves with its exit code and stdout. */
export async function convergeRun(args: readonly string[], label: string | null): Promise<{ code: number; stdout: string }> {
  const running = converge(args, label);
  const code = await running.exited;
  return { code, stdout: running.output() };
}
