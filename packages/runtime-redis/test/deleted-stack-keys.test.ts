/**
 * A deleted stack leaves nothing behind on Redis but what expires: its tombstone and its event
 * stream (both with a TTL). The running-attempts hash goes with it, including the entries a
 * killed worker process could never remove.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { Template } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime, runtimeKeys } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const T: Template = {
  resources: {
    A: { type: SCENARIO_TYPE, properties: { a: "1" } },
    B: { type: SCENARIO_TYPE, properties: { c: { get_resource: "A" } } },
  },
};

describe("the keys of a deleted stack", () => {
  it("are gone, or expire (tombstone, events); a dead process's attempt entries go too", { timeout: 60_000 }, async () => {
    const prefix = uniquePrefix("deleted-keys");
    const client = new Redis(redis.url);
    const runtime = createRedisRuntime({ connection: redis.url, prefix, logger: quiet });
    const api = createEngine({ runtime, types: [createScenarioType(new Reality())], logger: quiet });
    try {
      const { id } = await api.createStack("s", T);
      assert.equal((await api.waitForStack("s")).state, "CREATE_COMPLETE");
      // What a worker killed mid-check leaves: an attempt entry nobody removes.
      const attempts = runtimeKeys(prefix).stack(id).attempts;
      await client.hset(attempts, "a-of-a-killed-process", "engine-killed");
      await api.deleteStack("s");
      assert.equal((await api.waitForStack("s")).state, "DELETE_COMPLETE");
      const left = await client.keys(`${prefix}:{${id}}*`);
      assert.ok(left.length > 0, "the tombstone is kept for a while");
      for (const key of left) assert.ok((await client.pttl(key)) > 0, `${key} is left behind without an expiry`);
      assert.equal(await client.exists(attempts), 0);
    } finally {
      await api.close();
      await runtime.close();
      client.disconnect();
    }
  });
});
