/**
 * `converge worker --lease/--lock-duration/--stalled-interval/--log-level` against a
 * test-owned redis-server: bad values exit 2 naming the flag; the timings reach Redis (the
 * lease's, the job lock's and the stalled check's TTLs) and a worker killed while it holds a
 * row is taken over by one started with the same flags; the log level filters the plugin's
 * log lines and the worker's status lines. Every test uses its own key prefix.
 */
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testRedis, uniquePrefix } from "@converge/runtime-redis/testing";
import type { TestRedis } from "@converge/runtime-redis/testing";
import type { Project } from "./support/cli-process.js";
import { REPO_ROOT, project } from "./support/cli-process.js";

// Every step is a child process (~1 s each, more on a busy machine).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const TYPES = join(REPO_ROOT, "packages/cli/test/fixtures/worker-types.ts");

let redis: TestRedis;
let client: Redis;
let p: Project;
beforeAll(async () => {
  redis = await testRedis();
  client = new Redis(redis.url);
  p = project();
  // `gated`'s create runs until the test writes the gate file.
  p.write("gated.yaml", `resources:\n  gated:\n    type: test:cli:Gated\n    properties: { gate: ${JSON.stringify(join(p.dir, "gate"))} }\n`);
  p.write("logged.yaml", "resources:\n  n:\n    type: test:cli:Logged\n    properties: { text: abc }\n");
});
afterAll(async () => {
  p.cleanup();
  client.disconnect();
  await redis.stop();
});

/** The PTTL of the first key matching `pattern` that has one, polled until one does (or `tries` run out). */
async function pttl(pattern: string, tries = 200): Promise<number> {
  for (let i = 0; i < tries; i++) {
    for (const key of await client.keys(pattern)) {
      const ms = await client.pttl(key);
      if (ms > 0) return ms;
    }
    await delay(10);
  }
  throw new Error(`no key matching ${pattern} with a TTL`);
}

describe("converge worker tuning flags", () => {
  it.each([
    [["--lease", "soon"], /invalid option "--lease": expected a duration/],
    [["--lease", "50"], /invalid option "--lease": must be at least 100 ms, got "50"/],
    [["--lease", "60000"], /invalid option "--lease": must not exceed the job lock \(30000 ms, the default of --lock-duration\)/],
    [["--lease", "3s", "--lock-duration", "2s"], /invalid option "--lease": must not exceed the job lock \(2000 ms\)/],
    [["--lock-duration", "0"], /invalid option "--lock-duration": must be at least 100 ms/],
    [["--stalled-interval", "1.5"], /invalid option "--stalled-interval": expected whole milliseconds or a duration with a unit \(2s\), got "1.5"/],
    [["--log-level", "loud"], /invalid option "--log-level": expected one of debug, info, warn, error, got "loud"/],
    [["--log-format", "xml"], /invalid option "--log-format": expected one of text, json, got "xml"/],
    [["--keep-failed", "forever"], /invalid option "--keep-failed": expected a duration/],
    [["--keep-failed", "1d,0"], /invalid option "--keep-failed": expected a positive integer, got "0"/],
    [["--keep-failed", "500ms"], /invalid option "--keep-failed": the age must be at least 1s/],
    [["--state", "x.json"], /invalid option "--state": unknown option of "converge worker"/],
  ])("%j exits 2 naming the flag", async (flags, message) => {
    const result = await p.run(["worker", "--redis", redis.url, "--prefix", uniquePrefix("cli-bad"), ...flags]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });

  it("applies the timings: a worker killed holding a row is taken over by one with the same flags", async () => {
    const prefix = uniquePrefix("cli-flags");
    const r = ["--redis", redis.url, "--prefix", prefix, "--types", TYPES];
    const flags = ["--lease", "2000", "--lock-duration", "2500", "--stalled-interval", "1000"];
    const first = p.start(["worker", ...r, "--engine-id", `${prefix}-a`, ...flags]);
    await first.waitFor(/^worker \S+ ready: /m);
    expect((await p.run(["apply", "gated.yaml", "--stack", "s", "--no-wait", ...r])).code).toBe(0);
    const follow = p.start(["events", "s", "--follow", ...r]);
    await follow.waitFor(/gated\s+CREATE_IN_PROGRESS/); // the worker holds the row; its create waits for the gate
    const lease = await pttl(`${prefix}:lease:${prefix}-a`);
    expect(lease).toBeGreaterThan(0);
    expect(lease).toBeLessThanOrEqual(2000);
    expect(await pttl(`{${prefix}}:checks:*:lock`)).toBeLessThanOrEqual(2500);
    expect(await pttl(`{${prefix}}:checks:stalled-check`)).toBeLessThanOrEqual(1000);

    first.child.kill("SIGKILL");
    await first.done;
    p.write("gate", "open");
    const second = p.start(["worker", ...r, "--engine-id", `${prefix}-b`, ...flags]);
    try {
      await second.waitFor(/^worker \S+ ready: /m);
      const followed = await follow.done;
      expect(followed.stdout).toMatch(/s\s+CREATE_COMPLETE/);
      const shown = JSON.parse((await p.run(["show", "s", "--json", ...r])).stdout) as { resources: Array<{ name: string; state: string }> };
      expect(shown.resources.map((x) => x.state)).toEqual(["CREATE_COMPLETE"]);
    } finally {
      second.child.kill("SIGTERM");
      expect((await second.done).code).toBe(0);
    }
  });

  it.each([
    ["debug", { debug: true, info: true, status: true }],
    ["warn", { debug: false, info: false, status: false }],
  ] as const)("--log-level %s", async (level, shown) => {
    const prefix = uniquePrefix("cli-log");
    const r = ["--redis", redis.url, "--prefix", prefix, "--types", TYPES];
    const worker = p.start(["worker", ...r, "--log-level", level]);
    // The apply waits for the worker to run the create (no ready line is needed at "warn").
    const applied = await p.run(["apply", "logged.yaml", "--stack", "l", ...r]);
    expect(applied.code, applied.stderr).toBe(0);
    worker.child.kill("SIGTERM");
    const result = await worker.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^warning: warn line of n /m);
    expect(/^debug: debug line of n /m.test(result.stderr)).toBe(shown.debug);
    expect(/^info: info line of n /m.test(result.stderr)).toBe(shown.info);
    expect(/^worker \S+ ready: /m.test(result.stdout)).toBe(shown.status);
    expect(/^worker \S+ stopped$/m.test(result.stdout)).toBe(shown.status);
    if (!shown.status) expect(result.stdout).toBe("");
  });

  it("--log-format json: one JSON object per line on stdout, the plugin's lines with their stack and resource", async () => {
    const prefix = uniquePrefix("cli-json");
    const r = ["--redis", redis.url, "--prefix", prefix, "--types", TYPES];
    const worker = p.start(["worker", ...r, "--log-format", "json", "--log-level", "info"]);
    await worker.waitFor(/"msg":"worker \S+ ready: /);
    const applied = await p.run(["apply", "logged.yaml", "--stack", "j", ...r]);
    expect(applied.code, applied.stderr).toBe(0);
    worker.child.kill("SIGTERM");
    const result = await worker.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of lines) {
      expect(Object.keys(line).slice(0, 3)).toEqual(["time", "level", "msg"]);
      expect(new Date(line.time as string).toISOString()).toBe(line.time);
    }
    const plugin = (level: string) => lines.find((l) => l.level === level && typeof l.msg === "string" && l.msg.endsWith(" line of n"));
    expect(plugin("info")).toMatchObject({ msg: "info line of n", stack: "j", resource: "n", type: "test:cli:Logged", handler: "create" });
    expect(plugin("warn")).toMatchObject({ msg: "warn line of n", stack: "j", resource: "n" });
    expect(plugin("debug")).toBeUndefined(); // below --log-level info
    expect(lines.some((l) => l.level === "info" && /^worker \S+ stopped$/.test(l.msg as string))).toBe(true);
  });

  it("worker --help lists the worker's options only", async () => {
    const result = await p.run(["worker", "--help"]);
    expect(result.code).toBe(0);
    for (const option of ["--redis", "--redis-url-file", "--prefix", "--queue", "--concurrency", "--types", "--log-level", "--log-format", "--keep-failed", "--lease"]) {
      expect(result.stdout).toContain(option);
    }
    for (const option of ["--state", "--stack", "--param", "--no-wait", "--timeout"]) expect(result.stdout).not.toContain(option);
  });
});
