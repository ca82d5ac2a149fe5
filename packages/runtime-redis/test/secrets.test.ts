/**
 * Secrets on Redis: a hidden parameter's value, a secret property and a plugin error that
 * contains them are redacted where they are written - nothing stored under the runtime's
 * prefix (row and stack hashes, templates, the event stream, sync points, jobs) holds them
 * in clear - while the protocol keeps the real values (dependents get them, a second update
 * with the same template changes nothing).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Redis } from "ioredis";
import { z } from "zod";
import { createEngine, defineResourceType } from "@converge/core";
import type { Template } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const SECRET = "redis-Hv93-hidden-secret";
const TOKEN = "redis-Tk55-secret-property";

const Vault = defineResourceType({
  type: "test:secret:Vault",
  properties: z.object({ token: z.string() }),
  attributes: ["dsn"],
  secretProperties: ["token"],
  async create(ctx) {
    return { physicalId: `vault-${ctx.rowId}`, attributes: { dsn: `db://admin:${ctx.properties.token}@db` } };
  },
  async delete() {},
});

const template: Template = {
  parameters: { pw: { type: "string", hidden: true } },
  resources: {
    A: { type: SCENARIO_TYPE, properties: { a: { get_param: "pw" } } },
    B: { type: SCENARIO_TYPE, properties: { a: { list_join: ["/", ["x", { get_attr: ["A", "a"] }]] } } },
    V: { type: "test:secret:Vault", properties: { token: TOKEN } },
  },
  outputs: { b: { value: { get_attr: ["B", "a"] } }, dsn: { value: { get_attr: ["V", "dsn"] } } },
};

/** Every value stored under `prefix`, as text (hash fields and values, stream entries, ...). */
async function storedText(client: Redis, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", `*${prefix}*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const type = await client.type(key);
      const value =
        type === "hash" ? await client.hgetall(key)
        : type === "stream" ? await client.xrange(key, "-", "+")
        : type === "string" ? await client.get(key)
        : type === "list" ? await client.lrange(key, 0, -1)
        : type === "set" ? await client.smembers(key)
        : type === "zset" ? await client.zrange(key, 0, -1)
        : null;
      out.set(`${type} ${key}`, JSON.stringify(value));
    }
  } while (cursor !== "0");
  return out;
}

describe("secrets on Redis", () => {
  it("stores no hidden value, secret property or failure message with them in clear, and converges with the real values", async () => {
    const prefix = uniquePrefix("secrets");
    const runtime = createRedisRuntime({ connection: redis.url, prefix, mode: "manual", logger: quiet });
    const reality = new Reality();
    const engine = createEngine({ runtime, types: [createScenarioType(reality), Vault], engineId: `secrets-${prefix}`, logger: quiet, watchdogIntervalMs: 3_600_000 });
    const client = new Redis(redis.url);
    try {
      await engine.createStack("s", template, { parameters: { pw: SECRET }, disableRollback: true });
      await runtime.runUntilIdle();
      const created = await engine.waitForStack("s");
      assert.equal(created.state, "CREATE_COMPLETE");
      assert.equal(reality.live("B")[0]?.entry.properties.a, `x/${SECRET}`, "the dependent got the real value");
      assert.deepEqual(created.outputs, { b: "x/******", dsn: "db://admin:******@db" });

      // Same template again: no plugin call. Then a failing update whose message has the secret.
      const calls = reality.calls.length;
      await engine.updateStack("s", template);
      await runtime.runUntilIdle();
      assert.equal((await engine.waitForStack("s")).state, "UPDATE_COMPLETE");
      assert.deepEqual(reality.calls.slice(calls), []);
      reality.fail({ op: "update", name: "A", message: `cannot set ${SECRET} on A` });
      await engine.updateStack("s", template, { parameters: { pw: `${SECRET}-next` } });
      await runtime.runUntilIdle();
      const failed = await engine.waitForStack("s");
      assert.equal(failed.state, "UPDATE_FAILED");
      assert.match(failed.statusReason, /cannot set \*\*\*\*\*\* on A/);

      const stored = await storedText(client, prefix);
      assert.ok([...stored.keys()].some((k) => k.startsWith("stream ")), "the event stream was scanned");
      for (const [key, text] of stored) {
        assert.ok(!text.includes(SECRET), `${key} holds the hidden value in clear`);
        assert.ok(!text.includes(TOKEN), `${key} holds the secret property in clear`);
      }
    } finally {
      client.disconnect();
      await engine.close();
      await runtime.close();
    }
  });
});
