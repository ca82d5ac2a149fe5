/**
 * Engines on Redis in auto mode (real BullMQ workers): workers of several runtimes converge
 * stacks; a graceful close lets running checks finish or, past its grace period, hands them
 * back so another worker resumes them; a cancel reaches a worker of another runtime; a stack
 * timeout fires as a delayed job while a plugin call hangs.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { createEngine } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType, silentLogger, verify } from "@converge/core/testing";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import type { RedisRuntime } from "@converge/runtime-redis";
import { redisServerAvailable, startRedisServer, uniquePrefix } from "@converge/runtime-redis/testing";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const T0 = {
  resources: {
    A: { type: SCENARIO_TYPE, properties: {} },
    B: { type: SCENARIO_TYPE, properties: {} },
    C: { type: SCENARIO_TYPE, properties: { a: "4alpha" }, depends_on: ["A", "B"] },
    D: { type: SCENARIO_TYPE, properties: { c: { get_resource: "C" } } },
    E: { type: SCENARIO_TYPE, properties: { ca: { get_attr: ["C", "a"] } } },
  },
};

/** Runtimes over one fresh prefix (as separate processes would make them). */
function runtimes(count: number, options: { leaseTtlMs?: number } = {}): RedisRuntime[] {
  const prefix = uniquePrefix("workers");
  return Array.from({ length: count }, () => createRedisRuntime({ connection: redis.url, prefix, logger: silentLogger, ...options }));
}

async function until(what: string, pred: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}

describe("workers in auto mode", () => {
  it("workers of two runtimes converge a stack; events and waitForStack follow the stream", async () => {
    const reality = new Reality();
    const [a, b, api] = runtimes(3) as [RedisRuntime, RedisRuntime, RedisRuntime];
    const workers = await Promise.all([a, b].map((runtime) => startWorker({ runtime, types: [createScenarioType(reality)], logger: silentLogger, concurrency: 2 })));
    const client = createEngine({ runtime: api, types: [createScenarioType(reality)], worker: false, logger: silentLogger });
    try {
      const followed: string[] = [];
      const controller = new AbortController();
      await client.createStack("pair", T0);
      const following = (async () => {
        for await (const e of client.events("pair", { follow: true, signal: controller.signal })) followed.push(`${e.kind}:${e.status}`);
      })();
      const done = await client.waitForStack("pair");
      assert.equal(done.state, "CREATE_COMPLETE");
      assert.ok(verify(reality, T0).ok);
      await until("the follower saw the stack complete", () => followed.includes("stack:COMPLETE"));
      controller.abort();
      await following;
      assert.equal(followed.filter((f) => f === "resource:COMPLETE").length, 5);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([a.close(), b.close(), api.close()]);
    }
  });

  it("close() past its grace period hands a running check back; another worker resumes it; nothing is made twice", async () => {
    const reality = new Reality();
    const [a, b] = runtimes(2) as [RedisRuntime, RedisRuntime];
    const release = reality.block("create", "A");
    const first = await startWorker({ runtime: a, types: [createScenarioType(reality)], logger: silentLogger, engineId: "grace-first" });
    try {
      await first.engine.createStack("handback", { resources: { A: { type: SCENARIO_TYPE, properties: { a: "1" } } } });
      await until("the first worker is creating A", () => reality.calls.some((c) => c.op === "create" && c.name === "A"));
      const started = Date.now();
      await first.close({ graceMs: 300 });
      assert.ok(Date.now() - started < 10_000, "close waited for the hung check instead of handing it back");
      assert.equal(await a.isAlive("grace-first"), false);
      const second = await startWorker({ runtime: b, types: [createScenarioType(reality)], logger: silentLogger, engineId: "grace-second" });
      try {
        await until("the second worker resumed the create", () => reality.calls.filter((c) => c.op === "create" && c.name === "A").length >= 2);
        release();
        const client = createEngine({ runtime: b, types: [createScenarioType(reality)], worker: false, logger: silentLogger });
        const done = await client.waitForStack("handback");
        assert.equal(done.state, "CREATE_COMPLETE", done.statusReason);
        assert.equal(reality.live("A").length, 1, "the handed-back create made a second resource");
        assert.equal(reality.log.filter((o) => o.op === "create").length, 1);
      } finally {
        await second.close();
      }
    } finally {
      release();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("close() within its grace period lets the running check finish", async () => {
    const reality = new Reality();
    const [a] = runtimes(1) as [RedisRuntime];
    const release = reality.block("create", "A");
    const worker = await startWorker({ runtime: a, types: [createScenarioType(reality)], logger: silentLogger });
    try {
      await worker.engine.createStack("finish", { resources: { A: { type: SCENARIO_TYPE, properties: {} } } });
      await until("creating A", () => reality.calls.some((c) => c.op === "create"));
      const closing = worker.close({ graceMs: 20_000 });
      await sleep(100);
      release();
      await closing;
      assert.equal(reality.live("A").length, 1, "the running create did not finish during the grace period");
      const row = (await a.store.loadRows((await a.store.findStackId("finish")) as string))[0];
      assert.equal(row?.status, "COMPLETE");
      assert.equal(row?.lockHolder, null);
    } finally {
      release();
      await a.close();
    }
  });

  it("a cancel published by an API client reaches the worker of another runtime and aborts its plugin call", async () => {
    const reality = new Reality();
    const [a, api] = runtimes(2) as [RedisRuntime, RedisRuntime];
    reality.block("create", "A");
    const worker = await startWorker({ runtime: a, types: [createScenarioType(reality)], logger: silentLogger });
    const client = createEngine({ runtime: api, types: [createScenarioType(reality)], worker: false, logger: silentLogger });
    try {
      await client.createStack("cancelled", { resources: { A: { type: SCENARIO_TYPE, properties: {} } } }, { disableRollback: true });
      await until("creating A", () => reality.calls.some((c) => c.op === "create"));
      await client.cancelUpdate("cancelled", { rollback: false });
      const done = await client.waitForStack("cancelled");
      assert.equal(done.state, "CREATE_FAILED");
      assert.match(done.statusReason, /cancelled/);
      // Only an abort of the worker's blocked create call (it never returns otherwise) ends the row's create.
      let row = (await client.listResources("cancelled"))[0];
      for (let i = 0; i < 300 && row?.status === "IN_PROGRESS"; i++) {
        await sleep(20);
        row = (await client.listResources("cancelled"))[0];
      }
      assert.equal(row?.status, "FAILED", `the worker's create was not aborted: ${JSON.stringify(row)}`);
      assert.equal(reality.entries.size, 0);
    } finally {
      await worker.close({ graceMs: 2000 });
      await Promise.all([a.close(), api.close()]);
    }
  });

  it("a stack timeout fires as a delayed job while a plugin call hangs", async () => {
    const reality = new Reality();
    const [a] = runtimes(1) as [RedisRuntime];
    reality.block("create", "A");
    const worker = await startWorker({ runtime: a, types: [createScenarioType(reality)], logger: silentLogger });
    try {
      await worker.engine.createStack("slow", { resources: { A: { type: SCENARIO_TYPE, properties: {} } } }, { timeoutMs: 400, disableRollback: true });
      const done = await worker.engine.waitForStack("slow");
      assert.equal(done.state, "CREATE_FAILED");
      assert.match(done.statusReason, /timed out/);
    } finally {
      await worker.close({ graceMs: 2000 });
      await a.close();
    }
  });

  it("an ACL user and password in a redis:// URL reach every connection (store, BullMQ, blocking reads, pub/sub)", async () => {
    if (!redisServerAvailable()) throw new Error("this test needs redis-server on PATH (it starts one with an ACL user)");
    const server = await startRedisServer({ args: ["--user", "default", "off", "--user", "conv", "on", ">s3cret", "~*", "&*", "+@all"] });
    const url = `redis://conv:s3cret@127.0.0.1:${server.port}`;
    const reality = new Reality();
    const prefix = uniquePrefix("acl");
    const [a, api] = [createRedisRuntime({ connection: url, prefix, logger: silentLogger }), createRedisRuntime({ connection: url, prefix, logger: silentLogger })];
    try {
      const worker = await startWorker({ runtime: a, types: [createScenarioType(reality)], logger: silentLogger });
      const client = createEngine({ runtime: api, types: [createScenarioType(reality)], worker: false, logger: silentLogger });
      await client.createStack("acl", T0);
      assert.equal((await client.waitForStack("acl")).state, "CREATE_COMPLETE");
      const cancelled: string[] = [];
      a.onCancel((stackId) => void cancelled.push(stackId));
      await api.publishCancel("s-acl", "t-acl");
      await until("the cancel reached the other runtime", () => cancelled.includes("s-acl"));
      await worker.close();
      const denied = createRedisRuntime({ connection: `redis://conv:wrong@127.0.0.1:${server.port}`, prefix, logger: silentLogger });
      await assert.rejects(denied.store.listStackNames(), /WRONGPASS|invalid username-password/);
      await denied.close();
    } finally {
      await Promise.all([a.close(), api.close()]);
      await server.stop();
    }
  });
});
