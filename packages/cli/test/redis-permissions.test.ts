/**
 * `converge worker` and a Redis that refuses or stops answering: a user missing a permission
 * makes the worker exit 1 naming the command (never "ready"); with exactly the documented ACL a
 * worker and `apply` (an API-only user) converge a stack; a shutdown that hangs because Redis
 * stopped answering (SIGSTOP of redis-server) still exits, after the grace period and a margin;
 * a signal during start-up against a Redis that never answers exits at once.
 */
import { createServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { minimalRedisAcl } from "@converge/runtime-redis";
import { createAclUser, startRedisServer, uniquePrefix } from "@converge/runtime-redis/testing";
import type { RedisServerHandle } from "@converge/runtime-redis/testing";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";
import { BASIC } from "./support/templates.js";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

let server: RedisServerHandle;
let p: Project;
beforeAll(async () => {
  server = await startRedisServer();
  p = project();
  p.write("site.yaml", BASIC);
});
afterAll(async () => {
  p.cleanup();
  await server.stop();
});

describe("converge worker and Redis permissions", () => {
  it("a user without INFO: the worker exits 1 naming INFO and never says ready", async () => {
    const prefix = uniquePrefix("cliacl");
    const user = await createAclUser(server.url, `${minimalRedisAcl({ prefix, role: "worker" })} -info`);
    try {
      const result = await p.run(["worker", "--redis", user.url, "--prefix", prefix], { timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/^error: the Redis user "converge-test-\w+" may not run INFO, which a Converge worker needs/m);
      expect(result.stdout).not.toMatch(/ready/);
    } finally {
      await user.remove();
    }
  });

  it("with exactly the documented ACL a worker and apply (an API-only user) converge a stack", async () => {
    const prefix = uniquePrefix("cliacl");
    const workerUser = await createAclUser(server.url, minimalRedisAcl({ prefix, role: "worker" }));
    const apiUser = await createAclUser(server.url, minimalRedisAcl({ prefix, role: "api" }));
    const worker = p.start(["worker", "--redis", workerUser.url, "--prefix", prefix]);
    try {
      await worker.waitFor(/^worker \S+ ready: /m, 60_000);
      const applied = await p.run(["apply", "site.yaml", "--stack", "site", "--redis", apiUser.url, "--prefix", prefix]);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toMatch(/CREATE_COMPLETE/);
    } finally {
      worker.child.kill("SIGTERM");
      const stopped = await worker.done;
      expect(stopped.code, stopped.stderr).toBe(0);
      await Promise.all([workerUser.remove(), apiUser.remove()]);
    }
  });

  it("SIGTERM while Redis does not answer: the worker exits 1 after the grace period and the margin", async () => {
    const prefix = uniquePrefix("cliacl");
    const worker = p.start(["worker", "--redis", server.url, "--prefix", prefix, "--grace", "500ms"]);
    await worker.waitFor(/^worker \S+ ready: /m, 60_000);
    process.kill(server.pid, "SIGSTOP");
    try {
      worker.child.kill("SIGTERM");
      const result = await worker.done;
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/did not stop within 6 s .*exiting without a clean shutdown/);
      expect(result.stdout).not.toMatch(/stopped$/m);
    } finally {
      process.kill(server.pid, "SIGCONT");
    }
  });

  it("SIGTERM while Redis never answers at start-up: the worker exits 130 at once, never ready", async () => {
    const sockets = new Set<Socket>();
    let connected = (): void => undefined;
    const seen = new Promise<void>((resolve) => {
      connected = resolve;
    });
    // Accepts connections and never answers.
    const hole = createServer((socket) => {
      sockets.add(socket);
      connected();
    });
    await new Promise<void>((resolve) => hole.listen(0, "127.0.0.1", resolve));
    const port = (hole.address() as AddressInfo).port;
    const worker = p.start(["worker", "--redis", `redis://127.0.0.1:${port}`, "--prefix", uniquePrefix("cliacl")]);
    try {
      await seen;
      worker.child.kill("SIGTERM");
      const result = await worker.done;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toMatch(/interrupted before it was ready/);
      expect(result.stdout).not.toMatch(/ready:/);
    } finally {
      for (const socket of sockets) socket.destroy();
      hole.close();
    }
  });
});
