/**
 * The stack's queued set (what the watchdog's activity test reads) names exactly the jobs that
 * wait: a report that makes a successor ready marks it queued under the same job id the
 * runtime adds to BullMQ (`reportNode-1` builds it from the traversal's id base), and the
 * successor's claim removes it again - so nothing is left once the stack is complete.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import { Reality, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime, runtimeKeys } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const res = (a: string, extra: Record<string, unknown> = {}) => ({ type: "test:scenario:Resource", properties: { a, ...extra } });

describe("queued marks", () => {
  it("name the waiting jobs, successors made ready by a report included", async () => {
    const prefix = uniquePrefix("queued");
    const runtime = createRedisRuntime({ connection: redis.url, prefix, mode: "manual", logger: quiet });
    const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], engineId: uniquePrefix("e"), logger: quiet });
    const client = new Redis(redis.url);
    try {
      const info = await engine.createStack("web", { resources: { db: res("1"), app: res("1", { c: { get_resource: "db" } }), web: res("1", { c: { get_resource: "app" } }) } });
      const queued = runtimeKeys(prefix).stack(info.id).queued;
      const marked = async (): Promise<string[]> => (await client.zrange(queued, 0, -1)).sort();
      const waiting = async (): Promise<string[]> => (await runtime.queue.getWaiting()).map((job) => job.id ?? "").sort();
      for (let step = 0; step < 3; step++) {
        const ids = await waiting();
        assert.equal(ids.length, 1, `step ${step}: ${ids.join(", ")}`);
        assert.deepEqual(await marked(), ids, `step ${step}`);
        await runtime.step();
      }
      await runtime.runUntilIdle();
      assert.equal((await engine.getStack("web")).state, "CREATE_COMPLETE");
      assert.deepEqual(await marked(), []);
    } finally {
      client.disconnect();
      await engine.close();
      await runtime.close();
    }
  });
});
