/**
 * Abandon and adopt on Redis (issue 13, item 4): abandon removes the stack with the delete's
 * atomic step (a tombstone, no plugin call, the name freed), adopt imports every resource
 * through `read` (no create call), and the adopted stack is managed; `external_id` and a
 * forgotten row ride in the stored templates.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { createEngine } from "@converge/core";
import type { Template } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const T: Template = {
  resources: {
    A: { type: SCENARIO_TYPE, properties: { a: "1" } },
    B: { type: SCENARIO_TYPE, properties: { a: "b", c: { get_resource: "A" } } },
    C: { type: SCENARIO_TYPE, properties: { a: "c" } },
  },
};

describe("abandon and adopt on Redis", () => {
  it("round trip: no delete, no create; the adopted stack updates and deletes its resources", { timeout: 60_000 }, async () => {
    const reality = new Reality();
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("abandon-adopt"), logger: quiet });
    const api = createEngine({ runtime, types: [createScenarioType(reality)], logger: quiet });
    try {
      const { id } = await api.createStack("s", T);
      assert.equal((await api.waitForStack("s")).state, "CREATE_COMPLETE");
      const made = reality.log.length;
      const c = await api.abandonResource("s", "C");
      assert.equal((await api.waitForStack("s")).state, "UPDATE_COMPLETE");
      assert.deepEqual((await api.listResources("s")).map((r) => r.name), ["A", "B"]);
      const abandoned = JSON.parse(JSON.stringify(await api.abandonStack("s"))) as Awaited<ReturnType<typeof api.abandonStack>>;
      assert.deepEqual(abandoned.resources.map((r) => r.name), ["A", "B"]);
      assert.notEqual(await runtime.store.loadTombstone(id), null, "abandon leaves a tombstone");
      assert.deepEqual(await api.listStacks(), []);
      assert.equal(reality.log.length, made, "abandon called no plugin");

      await api.adoptStack("s", abandoned); // the name was freed
      assert.equal((await api.waitForStack("s")).state, "CREATE_COMPLETE");
      assert.equal(reality.log.length, made, "adopt created nothing");
      const rows = await api.listResources("s");
      assert.deepEqual(rows.map((r) => `${r.name}:${r.physicalId}`), abandoned.resources.map((r) => `${r.name}:${r.physicalId}`));

      await api.updateStack("s", { resources: { A: { type: SCENARIO_TYPE, properties: { a: "1" } }, B: { type: SCENARIO_TYPE, properties: { a: "b2", c: { get_resource: "A" } } } } });
      assert.equal((await api.waitForStack("s")).state, "UPDATE_COMPLETE");
      assert.deepEqual(reality.log.slice(made).map((o) => `${o.op}:${o.name}`), ["update:B"]);
      await api.deleteStack("s");
      assert.equal((await api.waitForStack("s")).state, "DELETE_COMPLETE");
      assert.deepEqual([...reality.entries.keys()], [c.physicalId], "only the abandoned resource is left");
    } finally {
      await api.close();
      await runtime.close();
    }
  });
});
