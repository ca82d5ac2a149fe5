/**
 * The CLI on the Redis runtime, against a test-owned redis-server (else REDIS_URL, else the
 * suite fails saying how to get one): `converge worker` processes run the checks; apply,
 * show, events, preview, graph and cancel talk to Redis from other processes; workers shut
 * down gracefully on SIGTERM. Every test uses its own key prefix.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testRedis, uniquePrefix } from "@converge/runtime-redis/testing";
import type { TestRedis } from "@converge/runtime-redis/testing";
import type { Project, RunningCli } from "./support/cli-process.js";
import { REPO_ROOT, project } from "./support/cli-process.js";
import { BASIC, slow } from "./support/templates.js";

// Every step is a child process (~1 s each, more on a busy machine).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const NOTE_TYPES = join(REPO_ROOT, "packages/cli/test/fixtures/note-types.ts");

let redis: TestRedis;
let p: Project;
beforeAll(async () => {
  redis = await testRedis();
  p = project();
  p.write("site.yaml", BASIC);
  p.write("slow.yaml", slow(60));
  p.write("notes.yaml", "resources:\n  n:\n    type: test:cli:Note\n    properties: { text: abc }\noutputs:\n  len: { value: { get_attr: [n, length] } }\n");
});
afterAll(async () => {
  p.cleanup();
  await redis.stop();
});

/** Start `count` workers on `prefix` and wait until each is ready. */
async function workers(prefix: string, count: number, extra: readonly string[] = []): Promise<RunningCli[]> {
  const started = Array.from({ length: count }, () => p.start(["worker", "--redis", redis.url, "--prefix", prefix, "--concurrency", "4", ...extra]));
  await Promise.all(started.map((w) => w.waitFor(/^worker \S+ ready: /m)));
  return started;
}

async function stop(running: readonly RunningCli[]): Promise<void> {
  for (const w of running) w.child.kill("SIGTERM");
  for (const w of running) {
    const result = await w.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^worker \S+ stopped$/m);
  }
}

describe("converge on Redis", () => {
  it("applies, shows, previews, graphs and deletes through worker processes", async () => {
    const prefix = uniquePrefix("cli");
    const r = ["--redis", redis.url, "--prefix", prefix];
    const running = await workers(prefix, 2);
    try {
      const created = await p.run(["apply", "site.yaml", "--stack", "site", ...r]);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/\[2\/2\]\s+site\s+CREATE_COMPLETE/);
      expect(created.stdout).toMatch(/b_out: hello/);
      const updated = await p.run(["apply", "site.yaml", "--stack", "site", "--param", "greeting=bye", ...r]);
      expect(updated.code, updated.stderr).toBe(0);
      expect(updated.stdout).toMatch(/b_out: bye/);

      const shown = JSON.parse((await p.run(["show", "site", "--json", ...r])).stdout) as { stack: { state: string }; resources: Array<{ state: string }> };
      expect(shown.stack.state).toBe("UPDATE_COMPLETE");
      expect(shown.resources.map((x) => x.state)).toEqual(["UPDATE_COMPLETE", "UPDATE_COMPLETE"]);
      const events = await p.run(["events", "site", "--follow", ...r]);
      expect(events.code).toBe(0);
      expect(events.stdout).toMatch(/site\s+UPDATE_COMPLETE\s+Stack UPDATE completed successfully\n$/);
      const preview = await p.run(["preview", "site.yaml", "--stack", "site", ...r]);
      // Back to the default greeting: `a` changes in place; `b` reads `a`'s new output, known only then.
      expect(preview.stdout).toMatch(/\nupdate\s+a\s+OS::Heat::TestResource\s+value\s+updated in place\n/);
      expect(preview.stdout).toMatch(/site: 0 create, 1 update, 0 replace, 0 delete, 0 no change, 1 unknown/);
      const graph = await p.run(["graph", "--stack", "site", ...r]);
      expect(graph.stdout).toMatch(/class n0,n1 done/);
      // Another prefix is another world.
      expect((await p.run(["list", "--redis", redis.url, "--prefix", `${prefix}-other`])).stdout).toBe("no stacks\n");
      // No state file is involved.
      expect((await p.run(["list"])).stdout).toBe("no stacks\n");

      const deleted = await p.run(["delete", "site", "--yes", ...r]);
      expect(deleted.code, deleted.stderr).toBe(0);
      expect((await p.run(["show", "site", ...r])).code).toBe(1);
    } finally {
      await stop(running);
    }
  });

  it("cancels a create while a worker runs it: the plugin call is aborted and the stack rolls back", async () => {
    const prefix = uniquePrefix("cli-cancel");
    const r = ["--redis", redis.url, "--prefix", prefix];
    const running = await workers(prefix, 1);
    try {
      expect((await p.run(["apply", "slow.yaml", "--stack", "s", "--no-wait", ...r])).code).toBe(0);
      const follow = p.start(["events", "s", "--follow", ...r]);
      await follow.waitFor(/first\s+CREATE_IN_PROGRESS/);
      const cancelled = await p.run(["cancel", "s", ...r]);
      expect(cancelled.code, cancelled.stderr).toBe(0);
      expect(cancelled.stdout).toMatch(/first\s+CREATE_FAILED\s+create aborted: cancelled/);
      expect(cancelled.stdout).toMatch(/stack s ROLLBACK_COMPLETE/);
      const followed = await follow.done;
      expect(followed.code).toBe(0);
      expect(followed.stdout).toMatch(/s\s+ROLLBACK_COMPLETE/);
    } finally {
      await stop(running);
    }
  });

  it("workers load --types modules", async () => {
    const prefix = uniquePrefix("cli-types");
    const r = ["--redis", redis.url, "--prefix", prefix, "--types", NOTE_TYPES];
    const running = await workers(prefix, 1, ["--types", NOTE_TYPES]);
    try {
      expect(running[0]?.stdout()).toMatch(/7 types \(.*test:cli:Note/);
      const applied = await p.run(["apply", "notes.yaml", "--stack", "notes", ...r]);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toMatch(/len: 3/);
    } finally {
      await stop(running);
    }
  });

  it("reports usage errors and an unreachable server in one line", async () => {
    const noRedis = await p.run(["worker"]);
    expect(noRedis.code).toBe(2);
    expect(noRedis.stderr).toMatch(/^error: invalid option "--redis": is required/);
    const both = await p.run(["list", "--redis", redis.url, "--state", "x.json"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/invalid option "--state": is for the memory runtime/);
    const badUrl = await p.run(["list", "--redis", "localhost:6379"]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/expected a redis:\/\/ or rediss:\/\/ URL/);
    const down = await p.run(["list", "--redis", "redis://user:pw@127.0.0.1:1"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^error: cannot reach Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
    expect(down.stderr).not.toMatch(/pw@/);
  });
});
