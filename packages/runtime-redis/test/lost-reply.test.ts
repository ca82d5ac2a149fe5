/**
 * A lost reply to a row-lock write (issue 9, item 1), on real Redis: a TCP proxy drops the
 * reply to the EVALSHA that takes a row's lock and resets the connection; ioredis sends the
 * command again after reconnecting, and the copy is refused (the row's version moved on).
 * The check must recognise the lock as its own attempt's and go on - before, it read the row
 * as locked by its own live engine and parked forever, as did every later check of it.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { createEngine } from "@converge/core";
import type { Engine, StackInfo, Template } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType, verify } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { startTcpProxy, uniquePrefix } from "@converge/runtime-redis/testing";
import type { RedisCommandArgs } from "@converge/runtime-redis/testing";
import { quiet, useTestRedis } from "./support/suite.js";
import { scriptSha } from "../src/script-loader.js";

const redis = useTestRedis();

const T: Template = {
  resources: {
    A: { type: SCENARIO_TYPE, properties: { a: "1" } },
    B: { type: SCENARIO_TYPE, properties: { c: { get_resource: "A" } } },
  },
};

/**
 * The write that takes the lock of an unlocked row: writeRow-1 (EVALSHA of its sha, 1 key)
 * whose ARGV[4] (required holder) is null and ARGV[5] (new holder) a string.
 */
function isLockWrite(command: RedisCommandArgs): boolean {
  return command[0]?.toUpperCase() === "EVALSHA" && command[1] === scriptSha("writeRow") && command[2] === "1" && command[7] === "null" && command[8]?.startsWith('"') === true;
}

async function waitFor(api: Engine, name: string, ms: number): Promise<StackInfo> {
  const timer = AbortSignal.timeout(ms);
  return api.waitForStack(name, { signal: timer }).catch(async () => api.getStack(name));
}

describe("a lost reply to a row-lock write", () => {
  it("the check recognises its own lock after ioredis re-sends the write; the stack completes and deletes", { timeout: 60_000 }, async () => {
    const port = Number(new URL(redis.url).port);
    const proxy = await startTcpProxy({ port });
    const reality = new Reality();
    const runtime = createRedisRuntime({ connection: proxy.url, prefix: uniquePrefix("lost-reply"), logger: quiet, leaseTtlMs: 2000, jobLockMs: 2000, stalledIntervalMs: 1000 });
    const api = createEngine({ runtime, types: [createScenarioType(reality)], engineId: "lost-reply-engine", logger: quiet, watchdogIntervalMs: 1000 });
    try {
      // Warm up: every script is loaded on the server, so the lock write below is an EVALSHA that runs.
      await api.createStack("warm", T);
      assert.equal((await waitFor(api, "warm", 20_000)).state, "CREATE_COMPLETE");
      const dropped = proxy.dropReplyTo(isLockWrite);
      await api.createStack("s", T);
      await dropped;
      const created = await waitFor(api, "s", 15_000);
      assert.equal(proxy.dropped(), 1);
      assert.equal(created.state, "CREATE_COMPLETE", `the stack did not complete after a lost lock-write reply: ${created.statusReason}`);
      const resources = await api.listResources("s");
      assert.deepEqual(resources.map((r) => `${r.name}:${r.state}`).sort(), ["A:CREATE_COMPLETE", "B:CREATE_COMPLETE"]);
      await api.deleteStack("s");
      assert.equal((await waitFor(api, "s", 15_000)).state, "DELETE_COMPLETE");
      await api.deleteStack("warm");
      assert.equal((await waitFor(api, "warm", 15_000)).state, "DELETE_COMPLETE");
      assert.deepEqual(verify(reality, { resources: {} }), { ok: true, problems: [] });
      const creates = reality.log.filter((op) => op.op === "create").length;
      assert.equal(creates, 4, "a create ran more than once per row");
    } finally {
      await api.close();
      await runtime.close();
      await proxy.close();
    }
  });
});
