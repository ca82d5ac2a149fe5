/**
 * Throw-away Redis servers for tests: `startRedisServer()` runs `redis-server` on a free
 * loopback port (no persistence), `startRedisCluster()` a Redis Cluster of N masters, and
 * `testRedis()` picks what a test suite should use - its own server when `redis-server` is on
 * PATH, else `REDIS_URL`, else it fails saying how to get one (never a silent skip).
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { errorMessage } from "@converge/core";

/** A running server. */
export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>` (`rediss://` with `tls`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * Restart the server on the same port with the same arguments and directory, as an
   * operator's restart or a crash would: `SIGKILL` (default) kills it at once, `SIGTERM` shuts
   * it down cleanly. What survives is what its persistence kept - nothing without persistence
   * (the default), the AOF with `args: ["--appendonly", "yes"]`. Resolves once it answers PING.
   */
  restart(options?: { readonly signal?: "SIGKILL" | "SIGTERM" }): Promise<void>;
  /** The server's current process id (tests pause it with SIGSTOP to make Redis hang). */
  readonly pid: number;
  /** Stop the server (and remove its files). */
  stop(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Server binary. @default "redis-server" */
  readonly binary?: string;
  /** Extra server arguments (`["--maxmemory", "64mb"]`). @default [] */
  readonly args?: readonly string[];
  /** Working directory (cluster config files go there). @default a fresh temporary directory */
  readonly dir?: string;
  /** How long to wait for the server to answer PING, ms. @default 10000 */
  readonly startTimeoutMs?: number;
  /**
   * Serve TLS only (`--tls-port`, no plain port; clients need no certificate): the URL is
   * `rediss://127.0.0.1:<port>`. Make the files with `createTestCertificates()`. @default plain TCP
   */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string; readonly ca: string };
}

/** Whether `binary` runs on this machine. */
export function redisServerAvailable(binary = "redis-server"): boolean {
  const result = spawnSync(binary, ["--version"], { stdio: "ignore" });
  return result.status === 0;
}

/** A free TCP port on loopback (may race with other processes; callers retry). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const c of running) c.kill("SIGKILL");
    });
  }
}

async function waitForPing(port: number, child: ChildProcess, timeoutMs: number, ca?: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with code ${child.exitCode}`);
    const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false, connectTimeout: 1000, ...(ca === undefined ? {} : { tls: { ca } }) });
    client.on("error", () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch (error) {
      // A server that requires authentication answers, and is up.
      if (/NOAUTH|NOPERM|WRONGPASS/.test(errorMessage(error))) return;
    } finally {
      client.disconnect();
    }
    if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Start a `redis-server` on a free loopback port. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "converge-redis-")));
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    const tls = options.tls;
    const listen = tls === undefined
      ? ["--port", String(port)]
      : ["--port", "0", "--tls-port", String(port), "--tls-cert-file", tls.certFile, "--tls-key-file", tls.keyFile, "--tls-ca-cert-file", tls.caFile, "--tls-auth-clients", "no"];
    const args = [...listen, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", dir, ...(options.args ?? [])];
    const launch = (): ChildProcess => {
      const started = spawn(options.binary ?? "redis-server", args, { stdio: "ignore", cwd: dir });
      killOnExit(started);
      return started;
    };
    let child = launch();
    try {
      await waitForPing(port, child, options.startTimeoutMs ?? 10_000, tls?.ca);
      return {
        url: `${tls === undefined ? "redis" : "rediss"}://127.0.0.1:${port}`,
        host: "127.0.0.1",
        port,
        async restart(restartOptions = {}) {
          await stopChild(child, restartOptions.signal ?? "SIGKILL");
          child = launch();
          await waitForPing(port, child, options.startTimeoutMs ?? 10_000, tls?.ca);
        },
        get pid() {
          return child.pid ?? 0;
        },
        async stop() {
          if (child.exitCode === null) child.kill("SIGCONT");
          await stopChild(child);
          if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      await stopChild(child);
    }
  }
  throw new Error(`could not start redis-server: ${errorMessage(lastError)}`);
}

async function stopChild(child: ChildProcess, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

/** A Redis for a test suite: `url`, and `stop()` (a no-op for a `REDIS_URL` server). */
export interface TestRedis {
  readonly url: string;
  /** True when this process started the server (it is empty and private). */
  readonly own: boolean;
  stop(): Promise<void>;
}

/**
 * The Redis a test suite should use: its own `redis-server` on a free port when the binary is
 * on PATH, else `REDIS_URL`. @throws Error explaining how to get one when neither exists
 */
export async function testRedis(): Promise<TestRedis> {
  if (redisServerAvailable()) {
    const server = await startRedisServer();
    return { url: server.url, own: true, stop: () => server.stop() };
  }
  const url = process.env.REDIS_URL;
  if (url !== undefined && url !== "") return { url, own: false, stop: async () => undefined };
  throw new Error(
    "These tests need Redis: install redis-server (e.g. `apt-get install redis-server` or `brew install redis`) so they can start their own, " +
      "or set REDIS_URL=redis://host:port to a server they may write to (each test uses its own key prefix).",
  );
}

/** A key prefix no other test uses. */
export function uniquePrefix(label = "test"): string {
  return `${label.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 40)}-${randomUUID().slice(0, 8)}`;
}

/** An ACL user made by {@link createAclUser}. */
export interface AclUser {
  /** Its name. */
  readonly name: string;
  /** The server's URL with the user's name and password. */
  readonly url: string;
  /** Delete the user. */
  remove(): Promise<void>;
}

/**
 * Create a Redis ACL user (`ACL SETUSER <name> on ><password> <rule>`) through an admin
 * connection at `adminUrl`, with a fresh name and password.
 */
export async function createAclUser(adminUrl: string, rule: string): Promise<AclUser> {
  const name = `converge-test-${randomUUID().slice(0, 8)}`;
  const password = randomUUID();
  const admin = new Redis(adminUrl, { maxRetriesPerRequest: 1 });
  try {
    await admin.call("ACL", "SETUSER", name, "reset", "on", `>${password}`, ...rule.split(/\s+/).filter((r) => r !== ""));
  } finally {
    admin.disconnect();
  }
  const url = new URL(adminUrl);
  url.username = name;
  url.password = password;
  return {
    name,
    url: url.toString(),
    async remove() {
      const again = new Redis(adminUrl, { maxRetriesPerRequest: 1 });
      try {
        await again.call("ACL", "DELUSER", name);
      } finally {
        again.disconnect();
      }
    },
  };
}
