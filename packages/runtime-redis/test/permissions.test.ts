/**
 * A Redis user without a permission the runtime needs: the documented minimal ACL (created
 * here with exactly the README's rules) converges a stack with a worker and an API process;
 * a user missing one command fails at start with a RedisPermissionError naming it, and
 * nothing is written - also when the check is turned off and BullMQ's INFO is refused in the
 * middle of a create.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, it } from "vitest";
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { Logger } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType, silentLogger, verify } from "@converge/core/testing";
import { RedisPermissionError, createRedisRuntime, minimalRedisAcl, requiredRedisCommands, startWorker } from "@converge/runtime-redis";
import { createAclUser, uniquePrefix } from "@converge/runtime-redis/testing";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();
let admin: Redis;
beforeAll(() => {
  admin = new Redis(redis.url);
});
afterAll(() => {
  admin.disconnect();
});

const T0 = {
  resources: {
    A: { type: SCENARIO_TYPE, properties: {} },
    B: { type: SCENARIO_TYPE, properties: { c: { get_resource: "A" } } },
  },
};

/** Every key of a prefix (ours and BullMQ's) but the queue's metadata, which BullMQ writes when a queue is made. */
async function keysOf(prefix: string): Promise<string[]> {
  const keys = [...(await admin.keys(`${prefix}:*`)), ...(await admin.keys(`{${prefix}}:*`))];
  return keys.filter((key) => key !== `{${prefix}}:checks:meta`).sort();
}

async function refusalOfWorker(prefix: string, rule: string): Promise<RedisPermissionError> {
  const user = await createAclUser(redis.url, rule);
  const runtime = createRedisRuntime({ connection: user.url, prefix, logger: silentLogger });
  try {
    const error = await startWorker({ runtime, types: [createScenarioType(new Reality())], logger: silentLogger }).then(
      () => assert.fail("the worker started"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RedisPermissionError, String(error));
    return error;
  } finally {
    await runtime.close();
    await user.remove();
  }
}

describe("Redis permissions", () => {
  it("the README documents the minimal ACL the runtime computes, for a worker and an API process", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    assert.ok(readme.includes(minimalRedisAcl({ role: "worker" })), "README: the worker's rule");
    assert.ok(readme.includes(minimalRedisAcl({ role: "api" })), "README: the API process's rule");
    assert.ok(requiredRedisCommands("worker").length > requiredRedisCommands("api").length);
  });

  it("the script commands cover every command our Lua scripts and BullMQ's call", () => {
    const lua = (dir: string): string =>
      readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".lua"))
        .map((f) => readFileSync(join(dir, f), "utf8"))
        .join("\n");
    const called = (text: string): string[] => [...text.matchAll(/(?:redis\.p?call|rcall)\(\s*["']([A-Za-z]+)["']/g)].map((m) => (m[1] as string).toUpperCase());
    const ours = called(lua(fileURLToPath(new URL("../src/lua/", import.meta.url))));
    const bullmq = called(lua(join(dirname(createRequire(import.meta.url).resolve("bullmq")), "commands")));
    assert.ok(ours.length > 10 && bullmq.length > 10);
    const needed = new Set(requiredRedisCommands("api"));
    assert.deepEqual([...new Set([...ours, ...bullmq])].filter((c) => !needed.has(c)), []);
  });

  it("with exactly the documented ACL a worker and an API process converge and delete a stack", async () => {
    const prefix = uniquePrefix("acl");
    const workerUser = await createAclUser(redis.url, minimalRedisAcl({ prefix, role: "worker" }));
    const apiUser = await createAclUser(redis.url, minimalRedisAcl({ prefix, role: "api" }));
    const reality = new Reality();
    const w = createRedisRuntime({ connection: workerUser.url, prefix, logger: silentLogger });
    const a = createRedisRuntime({ connection: apiUser.url, prefix, logger: silentLogger });
    const worker = await startWorker({ runtime: w, types: [createScenarioType(reality)], logger: silentLogger });
    const api = createEngine({ runtime: a, types: [createScenarioType(reality)], worker: false, logger: silentLogger });
    try {
      await a.verifyPermissions("api");
      await api.createStack("s", T0);
      assert.equal((await api.waitForStack("s")).state, "CREATE_COMPLETE");
      assert.ok(verify(reality, T0).ok);
      await api.deleteStack("s");
      assert.equal((await api.waitForStack("s")).state, "DELETE_COMPLETE");
      assert.equal(reality.live("A").length + reality.live("B").length, 0);
    } finally {
      await worker.close();
      await Promise.all([w.close(), a.close()]);
      await Promise.all([workerUser.remove(), apiUser.remove()]);
    }
  });

  for (const missing of ["info", "evalsha", "hset", "bzpopmin"]) {
    it(`a worker whose user lacks ${missing.toUpperCase()} fails at start naming it, and writes nothing`, async () => {
      const prefix = uniquePrefix("acl");
      const error = await refusalOfWorker(prefix, `${minimalRedisAcl({ prefix, role: "worker" })} -${missing}`);
      assert.deepEqual(error.refused.map((r) => r.command), [missing.toUpperCase()]);
      assert.match(error.message, new RegExp(`may not run ${missing.toUpperCase()}\\b.*keys ${prefix}:\\* and \\{${prefix}\\}:\\*`));
      assert.deepEqual(await keysOf(prefix), []);
    });
  }

  it("a user without the queue's key pattern is told which commands touch keys it may not access", async () => {
    const prefix = uniquePrefix("acl");
    const rule = minimalRedisAcl({ prefix, role: "worker" }).replace(` ~{${prefix}}:*`, "");
    const error = await refusalOfWorker(prefix, rule);
    assert.ok(error.refused.some((r) => r.command === "EVALSHA" && r.kind === "key"), error.message);
    assert.deepEqual(await keysOf(prefix), []);
  });

  it("an API process without INFO: createStack rejects naming INFO and writes nothing, with or without the start-up check", async () => {
    const prefix = uniquePrefix("acl");
    const user = await createAclUser(redis.url, `${minimalRedisAcl({ prefix, role: "api" })} -info`);
    for (const checkPermissions of [true, false]) {
      const runtime = createRedisRuntime({ connection: user.url, prefix, logger: silentLogger, checkPermissions });
      const api = createEngine({ runtime, types: [createScenarioType(new Reality())], worker: false, logger: silentLogger });
      try {
        const error = await api.createStack("s", T0).then(
          () => assert.fail("the create started"),
          (e: unknown) => e,
        );
        assert.ok(error instanceof RedisPermissionError, String(error));
        assert.deepEqual(error.refused.map((r) => r.command), ["INFO"], error.message);
        assert.deepEqual(await api.listStacks(), []);
        assert.deepEqual(await keysOf(prefix), []);
      } finally {
        await api.close();
        await runtime.close();
      }
    }
    await user.remove();
  });

  it("a permission revoked under a running worker: its refused lease renewals are logged once, not once per renewal", async () => {
    const prefix = uniquePrefix("acl");
    const user = await createAclUser(redis.url, minimalRedisAcl({ prefix, role: "worker" }));
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (m) => void warnings.push(m) };
    const runtime = createRedisRuntime({ connection: user.url, prefix, logger, leaseTtlMs: 300 });
    const worker = await startWorker({ runtime, types: [createScenarioType(new Reality())], logger: silentLogger });
    try {
      await admin.call("ACL", "LOG", "RESET");
      await admin.call("ACL", "SETUSER", user.name, "-set");
      // Driven by what Redis saw: wait until it refused at least three renewals.
      const refusedSets = async (): Promise<number> => {
        const log = (await admin.call("ACL", "LOG")) as unknown[][];
        const entry = log.map((e) => Object.fromEntries(Array.from({ length: e.length / 2 }, (_, i) => [String(e[2 * i]), e[2 * i + 1]]))).find((e) => e.username === user.name && e.object === "set");
        return Number(entry?.count ?? 0);
      };
      for (let i = 0; (await refusedSets()) < 3; i++) {
        assert.ok(i < 500, "Redis did not see three refused lease renewals");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const renewals = warnings.filter((w) => w.includes("cannot renew the liveness lease"));
      assert.equal(renewals.length, 1, warnings.join("\n"));
      assert.match(renewals[0] ?? "", /may not run SET/);
    } finally {
      await admin.call("ACL", "SETUSER", user.name, "+set");
      await worker.close();
      await runtime.close();
      await user.remove();
    }
  });
});
