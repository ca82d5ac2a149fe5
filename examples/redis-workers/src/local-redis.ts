/**
 * The Redis of the example: `$REDIS_URL` when set (the example then uses its own key prefix on
 * it), otherwise a private `redis-server` on a free loopback port, without persistence, stopped
 * at the end.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";

/** A Redis to use. */
export interface LocalRedis {
  /** `redis://…` URL. */
  readonly url: string;
  /** Whether the example started it. */
  readonly own: boolean;
  /** Stop it (when the example started it). */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/** Use `$REDIS_URL`, or start a `redis-server`. */
export async function localRedis(env: NodeJS.ProcessEnv = process.env): Promise<LocalRedis> {
  const given = env.REDIS_URL;
  if (given !== undefined && given !== "") return { url: given, own: false, stop: async () => undefined };
  const port = await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    server.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === "ENOENT" ? new Error("redis-server is not on PATH: install Redis, or set REDIS_URL=redis://host:port") : error);
    });
    server.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${String(code)}:\n${output}`));
    });
    server.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        server.removeAllListeners("exit");
        resolve();
      }
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    own: true,
    async stop() {
      if (server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    },
  };
}
