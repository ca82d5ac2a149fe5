/**
 * A deleted stack leaves nothing behind on Redis but what expires: its tombstone and its event
 * stream trimmed to its newest events (both with a TTL). The running-attempts hash goes with it, including the entries a
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
import { DELETED_EVENTS_KEPT } from "../src/store-stacks.js";
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
      // A long history: only the newest events stay readable after the delete.
      // Over 10,000: an approximate XTRIM stops after that many entries unless told LIMIT 0.
      for (let batch = 0; batch < 5; batch++) {
        const filler = Array.from({ length: 5000 }, (_, i) => ({ time: i, kind: "stack" as const, stackName: "s", traversalId: "t", action: "CREATE" as const, status: "IN_PROGRESS" as const, reason: `filler ${batch}.${i}` }));
        await runtime.store.appendEvents(id, filler);
      }
      await api.deleteStack("s");
      assert.equal((await api.waitForStack("s")).state, "DELETE_COMPLETE");
      const left = await client.keys(`${prefix}:{${id}}*`);
      assert.ok(left.length > 0, "the tombstone is kept for a while");
      for (const key of left) assert.ok((await client.pttl(key)) > 0, `${key} is left behind without an expiry`);
      assert.equal(await client.exists(attempts), 0);
      const kept = await client.xlen(runtimeKeys(prefix).stack(id).events);
      assert.ok(kept >= 1 && kept <= DELETED_EVENTS_KEPT + 200, `${kept} events kept after the delete`);
      const last = await client.xrevrange(runtimeKeys(prefix).stack(id).events, "+", "-", "COUNT", 1);
      assert.match(last[0]?.[1][1] ?? "", /DELETE/, "the newest events (the delete's) are the ones kept");
      // Events that arrive after the delete (a late check's) do not grow the stream back.
      const late = Array.from({ length: 3000 }, (_, i) => ({ time: i, kind: "stack" as const, stackName: "s", traversalId: "t", action: "DELETE" as const, status: "IN_PROGRESS" as const, reason: `late ${i}` }));
      await runtime.store.appendEvents(id, late);
      const after = await client.xlen(runtimeKeys(prefix).stack(id).events);
      assert.ok(after <= DELETED_EVENTS_KEPT + 200, `${after} events after late appends to a deleted stack`);
      // Nor the stack-event marks (kept at ~100, expiring with the stream).
      const marks = runtimeKeys(prefix).stack(id).stackMarks;
      assert.ok((await client.xlen(marks)) <= 200, `${await client.xlen(marks)} stack-event marks after late appends`);
      assert.ok((await client.pttl(marks)) > 0, "the marks expire with the stream");
    } finally {
      await api.close();
      await runtime.close();
      client.disconnect();
    }
  });
});
