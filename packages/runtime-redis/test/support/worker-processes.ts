/**
 * Spawning worker processes (`worker-process.ts` under tsx) from a test, waiting for their
 * "ready" line, and stopping them gracefully (SIGTERM) or brutally (SIGKILL).
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("./worker-process.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** Settings of a worker process. */
export interface WorkerProcessOptions {
  /** redis:// URL or cluster startup nodes. */
  readonly redis: string | ReadonlyArray<{ host: string; port: number }>;
  /** redis:// URL of the fake cloud when it has a Redis of its own. @default `redis` */
  readonly cloudRedis?: string;
  readonly prefix: string;
  readonly engineId: string;
  /** @default 8 */
  readonly concurrency?: number;
  /** Max random duration of each cloud operation, ms. @default 0 */
  readonly delayMs?: number;
  /** Short leases, job locks and watchdog (crash tests). @default false */
  readonly fast?: boolean;
  /** Hold the first create of this resource name in flight until the cloud releases it. */
  readonly holdCreate?: string;
}

/** A running worker process. */
export interface WorkerProcess {
  readonly engineId: string;
  readonly child: ChildProcess;
  /** stderr so far (for failure messages). */
  stderr(): string;
  /** SIGKILL, and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGSTOP, `ms` later SIGCONT (a long GC pause or VM freeze), and resolve after the SIGCONT. */
  pauseFor(ms: number): Promise<void>;
  /** SIGTERM (graceful close), and wait for the exit. */
  stop(): Promise<void>;
  /** SIGSTOP: the process is paused (its lease and job locks lapse), until `resume()`. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));

/** Start a worker process and wait until it is registered. */
export async function startWorkerProcess(options: WorkerProcessOptions, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CONVERGE_REDIS: typeof options.redis === "string" ? options.redis : JSON.stringify(options.redis),
      CONVERGE_PREFIX: options.prefix,
      CONVERGE_CLOUD_REDIS: options.cloudRedis ?? "",
      CONVERGE_ENGINE: options.engineId,
      CONVERGE_CONCURRENCY: String(options.concurrency ?? 8),
      CONVERGE_DELAY_MS: String(options.delayMs ?? 0),
      CONVERGE_FAST: options.fast === true ? "1" : "0",
      CONVERGE_HOLD_CREATE: options.holdCreate ?? "",
    },
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`worker ${options.engineId} not ready after ${readyTimeoutMs} ms: ${err}`)), readyTimeoutMs);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(`ready ${options.engineId}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${options.engineId} exited with ${code} before it was ready: ${err}`));
    });
  });
  return {
    engineId: options.engineId,
    child,
    stderr: () => err,
    async kill9() {
      child.kill("SIGKILL");
      await exited(child);
    },
    async pauseFor(ms) {
      child.kill("SIGSTOP");
      await new Promise((resolve) => setTimeout(resolve, ms));
      child.kill("SIGCONT");
    },
    pause() {
      child.kill("SIGSTOP");
    },
    resume() {
      child.kill("SIGCONT");
    },
    async stop() {
      child.kill("SIGCONT");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}
