/**
 * The CLI when Redis loses a stack's state (issue 9, item 3): a test-owned `redis-server`
 * without persistence is restarted while `converge apply` follows a create. The apply prints
 * the lost-state error plainly and exits with the failure code - not "Stack deleted", not an
 * internal error - and the `converge worker` whose check finds the state gone logs the same.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEngine } from "@converge/core";
import { createRedisRuntime } from "@converge/runtime-redis";
import { startRedisServer, uniquePrefix } from "@converge/runtime-redis/testing";
import type { RedisServerHandle } from "@converge/runtime-redis/testing";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";
import { slow } from "./support/templates.js";

// Every step is a child process (~1 s each, more on a busy machine).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

let server: RedisServerHandle;
let p: Project;
beforeAll(async () => {
  server = await startRedisServer();
  p = project();
  p.write("slow.yaml", slow(3));
});
afterAll(async () => {
  p.cleanup();
  await server.stop();
});

async function until(what: string, pred: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("converge on a Redis restarted without persistence", () => {
  it("show of a stack whose record is gone while its name is still indexed reports the lost state (exit 1)", async () => {
    // As when only the stack's slot lost its data (a cluster node restarted without
    // persistence) and the name index survived elsewhere.
    const prefix = uniquePrefix("cli-slot");
    const r = ["--redis", server.url, "--prefix", prefix];
    const runtime = createRedisRuntime({ connection: server.url, prefix, mode: "manual", logger: { warn: () => undefined, error: () => undefined } });
    try {
      const engine = createEngine({ runtime, types: [], worker: false });
      await engine.createStack("half", { resources: {} });
      const stackId = await runtime.store.findStackId("half");
      expect(stackId).not.toBeNull();
      const slotKeys = await runtime.client.keys(`${prefix}:{${stackId ?? ""}}:*`);
      expect(slotKeys.length).toBeGreaterThan(0);
      await runtime.client.del(...slotKeys);
      const shown = await p.run(["show", "half", ...r]);
      expect(shown.code, shown.stderr).toBe(1);
      expect(shown.stderr).toMatch(/^error: the state of stack "half" \(id [^)]+\) is gone from the store, but the stack was not deleted/m);
      const never = await p.run(["show", "never-existed", ...r]);
      expect(never.code).toBe(1);
      expect(never.stderr).toMatch(/^error: stack "never-existed" does not exist/m);
    } finally {
      await runtime.close();
    }
  });

  it("apply prints StackStateLostError's message and exits 1; the worker logs the lost state", async () => {
    const r = ["--redis", server.url, "--prefix", uniquePrefix("cli-lost")];
    const worker = p.start(["worker", ...r, "--concurrency", "4"]);
    try {
      await worker.waitFor(/^worker \S+ ready: /m);
      const apply = p.start(["apply", "slow.yaml", "--stack", "lost", ...r]);
      // Driven from observed state: the first resource's create is running.
      await apply.waitFor(/first\s+CREATE_IN_PROGRESS/);
      const follow = p.start(["events", "lost", "--follow", ...r]);
      await follow.waitFor(/first\s+CREATE_IN_PROGRESS/);
      await server.restart();
      const result = await apply.done;
      const followed = await follow.done;
      expect(followed.code, followed.stderr).toBe(1);
      expect(followed.stderr).toMatch(/^error: the state of stack "lost" \(id [^)]+\) is gone from the store/m);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/^error: the state of stack "lost" \(id [^)]+\) is gone from the store, but the stack was not deleted/m);
      expect(result.stderr).toMatch(/resources it managed may still exist/);
      expect(result.stdout + result.stderr).not.toMatch(/Stack deleted|DELETE_COMPLETE|internal error/);
      // The running create ends, cannot record what it made, and the worker says why.
      await until("the worker logged the lost state", () => /error: the state of stack \S+ is gone from the store/.test(worker.stderr()));
      expect(worker.stderr()).not.toMatch(/Missing key/);
    } finally {
      worker.child.kill("SIGTERM");
      await worker.done;
    }
  });
});
