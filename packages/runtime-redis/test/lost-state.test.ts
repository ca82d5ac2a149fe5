/**
 * Lost state on real Redis (issue 9, item 3): a `redis-server` without persistence is
 * restarted while a create is in progress (some rows CREATE_COMPLETE, some creates held in
 * flight). `waitForStack` then rejects with `StackStateLostError` - not DELETE_COMPLETE
 * "Stack deleted" - and the worker logs one error line naming the stack, not BullMQ's
 * "Missing key". A normal delete still resolves "deleted", proven by its tombstone, and a
 * stale check of the deleted stack stays quiet.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, it } from "vitest";
import { StackStateLostError, createEngine } from "@converge/core";
import type { Logger } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import type { RedisRuntime } from "@converge/runtime-redis";
import { startRedisServer, uniquePrefix } from "@converge/runtime-redis/testing";
import type { RedisServerHandle } from "@converge/runtime-redis/testing";

// Its own server, started without persistence (never REDIS_URL: the test restarts it).
let server: RedisServerHandle;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

/** A logger that keeps what it is given. */
function capture(): { logger: Logger; errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => void warnings.push(message),
    error: (message) => void errors.push(message),
  };
  return { logger, errors, warnings };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, pred: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

const T = {
  resources: {
    A: { type: SCENARIO_TYPE, properties: { a: "1" } },
    B: { type: SCENARIO_TYPE, properties: { a: "2" } },
    C: { type: SCENARIO_TYPE, properties: { a: "3" } },
    D: { type: SCENARIO_TYPE, properties: { a: "4" } },
    E: { type: SCENARIO_TYPE, properties: { c: { get_resource: "C" } }, depends_on: ["A", "B", "D"] },
  },
};

/** Row states of stack "s" by resource name, read from Redis. */
async function rowStates(runtime: RedisRuntime): Promise<Record<string, string>> {
  const id = await runtime.store.findStackId("s");
  const rows = id === null ? [] : await runtime.store.loadRows(id);
  return Object.fromEntries(rows.map((r) => [r.name, `${r.action}_${r.status}`]));
}

describe("Redis restarted without persistence during a create", () => {
  it("waitForStack rejects with StackStateLostError; the worker logs the lost state once, not 'Missing key'", async () => {
    const reality = new Reality();
    const prefix = uniquePrefix("lost");
    const log = capture();
    const workerRuntime = createRedisRuntime({ connection: server.url, prefix, logger: log.logger });
    const apiRuntime = createRedisRuntime({ connection: server.url, prefix, logger: capture().logger });
    const releaseC = reality.block("create", "C");
    const releaseD = reality.block("create", "D");
    const worker = await startWorker({ runtime: workerRuntime, types: [createScenarioType(reality)], logger: log.logger, concurrency: 4 });
    const api = createEngine({ runtime: apiRuntime, types: [createScenarioType(reality)], worker: false, logger: capture().logger });
    try {
      const created = await api.createStack("s", T);
      // Driven from observed state: A and B made, C and D creates held in flight.
      await until("A and B complete, C and D creating", async () => {
        const states = await rowStates(apiRuntime);
        return states.A === "CREATE_COMPLETE" && states.B === "CREATE_COMPLETE" && states.C === "CREATE_IN_PROGRESS" && states.D === "CREATE_IN_PROGRESS";
      });
      await until("C and D reached the plugin", () => ["C", "D"].every((n) => reality.calls.some((c) => c.op === "create" && c.name === n)));
      const waiting = api.waitForStack("s").then(
        (info) => info,
        (error: unknown) => error,
      );
      await server.restart();
      const outcome = await waiting;
      assert.ok(outcome instanceof StackStateLostError, `waitForStack answered ${JSON.stringify(outcome)}, not StackStateLostError`);
      assert.match(outcome.message, /stack "s" \(id [^)]+\) is gone from the store, but the stack was not deleted/);
      assert.match(outcome.message, /restarted without persistence/);

      // The held creates finish: their results cannot be recorded, and the worker says why.
      releaseC();
      releaseD();
      await until("the worker logged the lost state", () => log.errors.length > 0);
      // Closing waits for the running jobs to end, BullMQ's report of their vanished job keys included.
      await worker.close({ graceMs: 20_000 });
      const lost = log.errors.filter((line) => line.includes(created.id));
      assert.equal(lost.length, 1, `expected one lost-state line, got: ${JSON.stringify(log.errors)}`);
      assert.match(lost[0] as string, /is gone from the store, but the stack was not deleted/);
      assert.match(lost[0] as string, /resources it managed may still exist/);
      assert.deepEqual(log.warnings.filter((line) => /Missing key/.test(line)), [], "BullMQ's 'Missing key' was logged instead of the lost state");
      // The creates in flight could not record their results (their rows are gone): the worker
      // deleted what they made through the type instead of leaving it unmanaged. What was made
      // before the restart (A, B) is what the error warns may still exist.
      assert.equal(reality.live("C").length, 0);
      assert.equal(reality.live("A").length, 1);
      assert.equal(await apiRuntime.store.findStackId("s"), null);
      await assert.rejects(api.getStack("s"), StackStateLostError);
    } finally {
      releaseC();
      releaseD();
      await worker.close({ graceMs: 1000 });
      await Promise.all([workerRuntime.close(), apiRuntime.close()]);
    }
  });

  it("with AOF the same restart loses nothing: the create completes", async () => {
    const aof = await startRedisServer({ args: ["--appendonly", "yes", "--appendfsync", "always"] });
    const reality = new Reality();
    const log = capture();
    const runtime = createRedisRuntime({ connection: aof.url, prefix: uniquePrefix("aof"), logger: log.logger });
    const releaseC = reality.block("create", "C");
    const worker = await startWorker({ runtime, types: [createScenarioType(reality)], logger: log.logger, concurrency: 4 });
    const api = createEngine({ runtime, types: [createScenarioType(reality)], worker: false, logger: capture().logger });
    try {
      await api.createStack("s", T);
      await until("C creating, the others complete", async () => {
        const states = await rowStates(runtime);
        return states.C === "CREATE_IN_PROGRESS" && ["A", "B", "D"].every((n) => states[n] === "CREATE_COMPLETE");
      });
      await until("C reached the plugin", () => reality.calls.some((c) => c.op === "create" && c.name === "C"));
      await aof.restart();
      releaseC();
      const done = await api.waitForStack("s");
      assert.equal(done.state, "CREATE_COMPLETE", done.statusReason);
      assert.deepEqual(log.errors, []);
      assert.equal(reality.live("C").length, 1);
    } finally {
      releaseC();
      await worker.close({ graceMs: 1000 });
      await runtime.close();
      await aof.stop();
    }
  });

  it("a normal delete still resolves DELETE_COMPLETE through its tombstone; a stale check of it stays quiet", async () => {
    const reality = new Reality();
    const prefix = uniquePrefix("tomb");
    const log = capture();
    const runtime = createRedisRuntime({ connection: server.url, prefix, logger: log.logger });
    const worker = await startWorker({ runtime, types: [createScenarioType(reality)], logger: log.logger, concurrency: 4 });
    const api = createEngine({ runtime, types: [createScenarioType(reality)], worker: false, logger: capture().logger });
    try {
      const created = await api.createStack("s", T);
      assert.equal((await api.waitForStack("s")).state, "CREATE_COMPLETE");
      const deleting = await api.deleteStack("s");
      const done = await api.waitForStack("s");
      assert.equal(done.state, "DELETE_COMPLETE");
      assert.equal(done.statusReason, "Stack deleted");
      assert.deepEqual(reality.live("A"), []);
      const tombstone = await runtime.store.loadTombstone(created.id);
      assert.deepEqual(tombstone && { ...tombstone, deletedAt: 0 }, { stackId: created.id, name: "s", traversalId: deleting.traversalId, deletedAt: 0 });
      const ttl = await runtime.client.pttl(`${prefix}:{${created.id}}:tombstone`);
      // The 24 h default, extended by what is left of the delete's timeout (the 60 min default).
      assert.ok(ttl > 24 * 3_600_000 && ttl <= 25 * 3_600_000 + 60_000, `tombstone TTL ${ttl} ms is not the 24 h default plus the 60 min stack timeout`);
      // A late duplicate of one of its checks finds the stack deleted, not lost.
      await runtime.enqueue([{ kind: "node", stackId: created.id, traversalId: deleting.traversalId, rowId: "1", direction: "C" }]);
      await runtime.idle({ timeoutMs: 20_000 });
      assert.deepEqual(log.errors, []);
    } finally {
      await worker.close({ graceMs: 1000 });
      await runtime.close();
    }
  });
});
