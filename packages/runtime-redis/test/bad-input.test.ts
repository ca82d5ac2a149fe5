/**
 * Bad input never touches a stack: malformed and foreign jobs are failed with a clear reason,
 * a job for an unknown stack is dropped without writing anything, Lua errors and corrupt
 * stored values surface as RuntimeErrors naming the script or key, and bad options are
 * refused naming the field.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Redis } from "ioredis";
import { InvalidOptionsError, RuntimeError, createEngine } from "@converge/core";
import type { Engine, StackRecord } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType, silentLogger } from "@converge/core/testing";
import { createRedisRuntime, runtimeKeys } from "@converge/runtime-redis";
import type { RedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { useTestRedis } from "./support/suite.js";
import { ROW_FIELDS, pack, unpack } from "../src/codec.js";

const redis = useTestRedis();


interface Setup {
  readonly runtime: RedisRuntime;
  readonly engine: Engine;
  readonly stack: StackRecord;
  readonly errors: string[];
  close(): Promise<void>;
}

/** A manual-mode runtime with one created stack (its create run to the end). */
async function setup(): Promise<Setup> {
  const errors: string[] = [];
  const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("bad"), mode: "manual", logger: { warn: () => undefined, error: (m) => void errors.push(m) } });
  const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], engineId: `bad-${uniquePrefix("e")}`, logger: silentLogger });
  await engine.createStack("target", { resources: { A: { type: "test:scenario:Resource", properties: { a: "x" } } } });
  await runtime.runUntilIdle();
  const id = (await runtime.store.findStackId("target")) as string;
  const stack = (await runtime.store.loadStack(id)) as StackRecord;
  return {
    runtime,
    engine,
    stack,
    errors,
    async close() {
      await engine.close();
      await runtime.close();
    },
  };
}

/** Everything stored for a stack (to prove a bad job changed nothing). */
async function snapshot(s: Setup): Promise<unknown> {
  return { stack: await s.runtime.store.loadStack(s.stack.id), rows: await s.runtime.store.loadRows(s.stack.id), activity: await s.runtime.activity(s.stack.id) };
}

describe("bad jobs", () => {
  it("malformed payloads, foreign ids and mismatched names are failed with the reason and touch nothing", async () => {
    const s = await setup();
    try {
      const before = await snapshot(s);
      const node = { kind: "node", stackId: s.stack.id, traversalId: s.stack.currentTraversal, rowId: "1", direction: "U" };
      const bad = [
        { id: "bad-1", name: "node", data: { kind: "node", stackId: 7 }, reason: /corrupt check message/ },
        { id: "bad-2", name: "node", data: "not an object", reason: /corrupt check message/ },
        { id: "bad-3", name: "node", data: { ...node, extra: "field" }, reason: /corrupt check message/ },
        { id: "bad-4", name: "node", data: node, reason: /not a job of this runtime/ },
        { id: `${encodeURIComponent(s.stack.id)}|${encodeURIComponent(s.stack.currentTraversal)}|U%3A1|0`, name: "site complete", data: node, reason: /name "site complete" does not end with its payload's action "update"/ },
      ];
      for (const job of bad) await s.runtime.queue.add(job.name, job.data, { jobId: job.id });
      assert.equal(await s.runtime.runUntilIdle(), bad.length);
      for (const job of bad) {
        const stored = await s.runtime.queue.getJob(job.id);
        assert.equal(await stored?.getState(), "failed", `job ${job.id} was not failed`);
        assert.match(stored?.failedReason ?? "", job.reason);
        assert.equal(stored?.attemptsMade, 1, `corrupt job ${job.id} was retried`);
      }
      assert.equal(s.errors.length, bad.length, "every corrupt job is logged as an error");
      assert.deepEqual(await snapshot(s), before, "a bad job changed the stack");
    } finally {
      await s.close();
    }
  });

  it("a job for an unknown stack is failed (kept for inspection) and writes nothing", async () => {
    const s = await setup();
    const raw = new Redis(redis.url);
    try {
      await s.runtime.enqueue([{ kind: "node", stackId: "no-such-stack", traversalId: "t-x", rowId: "1", direction: "U" }]);
      assert.equal(await s.runtime.runUntilIdle(), 1);
      const keys = await raw.keys(`${s.runtime.prefix}:{no-such-stack}*`);
      assert.deepEqual(keys, [], "keys were written for an unknown stack");
      assert.deepEqual(await s.runtime.queue.getJobCounts("failed", "waiting", "active"), { failed: 1, waiting: 0, active: 0 });
      const [failed] = await s.runtime.queue.getJobs(["failed"]);
      assert.equal(failed?.name, "no-such-stack/row 1 update", "unknown names fall back to the ids");
      assert.match(failed?.failedReason ?? "", /no-such-stack/);
    } finally {
      raw.disconnect();
      await s.close();
    }
  });
});

describe("Lua errors and corrupt state", () => {
  it("a Lua error is a RuntimeError naming the script; corrupt stored JSON names the key and field", async () => {
    const s = await setup();
    const raw = new Redis(redis.url);
    const k = runtimeKeys(s.runtime.prefix).stack(s.stack.id);
    try {
      await raw.hset(k.stack, "_rowSeq", "not-a-number");
      await assert.rejects(s.runtime.store.allocateRowIds(s.stack.id, 2), (e: unknown) => e instanceof RuntimeError && /allocateRowIds/.test(e.message) && /not an integer/.test(e.message));
      const fields = unpack(k.rows, (await raw.hget(k.rows, "1")) ?? "");
      fields[ROW_FIELDS.indexOf("version")] = "abc";
      await raw.hset(k.rows, "1", pack(fields));
      await assert.rejects(s.runtime.store.writeRow({ stackId: s.stack.id, rowId: "1", patch: { statusReason: "x" } }), (e: unknown) => e instanceof RuntimeError && /writeRow/.test(e.message));
      await raw.hset(k.stack, "status", "{broken");
      await assert.rejects(s.runtime.store.loadStack(s.stack.id), (e: unknown) => e instanceof RuntimeError && e.message.includes(k.stack) && /field status/.test(e.message));
    } finally {
      raw.disconnect();
      await s.close();
    }
  });

  it("a check that meets corrupt state fails, is retried up to maxAttempts, then dropped", async () => {
    const s = await setup();
    const raw = new Redis(redis.url);
    try {
      await raw.hset(runtimeKeys(s.runtime.prefix).stack(s.stack.id).stack, "options", "{broken");
      await s.runtime.enqueue([{ kind: "node", stackId: s.stack.id, traversalId: s.stack.currentTraversal, rowId: "1", direction: "U" }]);
      assert.equal(await s.runtime.runUntilIdle(), 5, "the default maxAttempts is 5");
      const left = await s.runtime.queue.getJobs(["waiting", "delayed", "active"]);
      assert.deepEqual(left.filter((j) => (j.data as { kind?: string }).kind === "node").map((j) => j.id), [], "the failing check is still queued");
      // Kept in the failed set for inspection (keepFailedJobs), under its readable name.
      const failed = (await s.runtime.queue.getJobs(["failed"])).filter((j) => (j.data as { kind?: string }).kind === "node");
      assert.equal(failed.length, 1);
      assert.match(failed[0]?.name ?? "", / update$/);
      assert.match(failed[0]?.failedReason ?? "", /options/);
    } finally {
      raw.disconnect();
      await s.close();
    }
  });
});

describe("options", () => {
  const refused = (options: Record<string, unknown>, field: string): void => {
    assert.throws(
      () => createRedisRuntime({ connection: redis.url, ...options } as never),
      (e: unknown) => e instanceof InvalidOptionsError && e.field === field,
      `expected InvalidOptionsError on ${field}`,
    );
  };
  it("bad options are refused naming the field", () => {
    refused({ prefix: "a{b}" }, "prefix");
    refused({ prefix: "" }, "prefix");
    refused({ queueName: "a:b" }, "queueName");
    refused({ mode: "fast" }, "mode");
    refused({ leaseTtlMs: -1 }, "leaseTtlMs");
    refused({ maxAttempts: 1.5 }, "maxAttempts");
    refused({ connection: "http://localhost" }, "connection");
    refused({ connection: undefined }, "connection");
    refused({ connection: { cluster: [] } }, "connection.cluster");
    const prefixed = new Redis(redis.url, { keyPrefix: "x:", lazyConnect: true });
    try {
      refused({ connection: prefixed }, "connection");
    } finally {
      prefixed.disconnect();
    }
  });
});

describe("script cache", () => {
  it("runs every script by sha, and again after SCRIPT FLUSH (loaded back on NOSCRIPT)", async () => {
    const admin = new Redis(redis.url);
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("flush"), mode: "manual", logger: silentLogger });
    const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], engineId: `flush-${uniquePrefix("e")}`, logger: silentLogger });
    try {
      await engine.createStack("s", { resources: { a: { type: SCENARIO_TYPE, properties: { a: "1" } } } });
      await admin.script("FLUSH");
      while (await runtime.step()) {
        // run to the end, every script reloaded once after the flush
      }
      assert.equal((await engine.getStack("s")).state, "CREATE_COMPLETE");
      await engine.updateStack("s", { resources: { a: { type: SCENARIO_TYPE, properties: { a: "1.5" } } } });
      while (await runtime.step()) {
        // an update's scripts not used by the create load on first use
      }
      const before = Number(/calls=(\d+)/.exec((await admin.info("commandstats")).split("\n").find((l) => l.startsWith("cmdstat_eval:")) ?? "")?.[1] ?? 0);
      await engine.updateStack("s", { resources: { a: { type: SCENARIO_TYPE, properties: { a: "2" } } } });
      while (await runtime.step()) {
        // every script is cached again: no EVAL
      }
      const after = Number(/calls=(\d+)/.exec((await admin.info("commandstats")).split("\n").find((l) => l.startsWith("cmdstat_eval:")) ?? "")?.[1] ?? 0);
      assert.equal((await engine.getStack("s")).state, "UPDATE_COMPLETE");
      assert.equal(after, before, "scripts already cached are sent by sha");
    } finally {
      await engine.close();
      await runtime.close();
      admin.disconnect();
    }
  });
});
