/**
 * A redis-server with append-only persistence (`appendfsync always`) that a test can crash
 * (SIGKILL) and start again on the same port and data directory: every write Redis
 * acknowledged before the crash is there after it, as in a production Redis with AOF.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "@converge/runtime-redis/testing";

/** A restartable server with AOF. */
export interface AofRedis {
  /** `redis://127.0.0.1:<port>` (stable across restarts). */
  readonly url: string;
  readonly port: number;
  /** SIGKILL the server (no shutdown save), and wait for its exit. */
  crash(): Promise<void>;
  /** Start it again (same port, same AOF) and wait until it answers PING. */
  start(): Promise<void>;
  /** Stop it and remove its files. */
  stop(): Promise<void>;
}

async function untilPing(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with code ${child.exitCode}`);
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false });
    client.on("error", () => undefined);
    try {
      await client.connect();
      // LOADING while the AOF is replayed: not up yet.
      if ((await client.ping()) === "PONG") return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));

/** Start a redis-server with AOF on a free port. */
export async function startAofRedis(): Promise<AofRedis> {
  const dir = await mkdtemp(join(tmpdir(), "converge-aof-"));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no", "--dir", dir];
    const next = spawn("redis-server", args, { stdio: "ignore", cwd: dir });
    child = next;
    process.once("exit", () => next.kill("SIGKILL"));
    await untilPing(port, next, 20_000);
  };
  const crash = async (): Promise<void> => {
    const current = child;
    if (current === null) return;
    child = null;
    current.kill("SIGKILL");
    await exited(current);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    crash,
    start,
    async stop() {
      await crash();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
