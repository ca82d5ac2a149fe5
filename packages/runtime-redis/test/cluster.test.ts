/**
 * Redis Cluster: a 3-master cluster on loopback ports (`redis-server --cluster-enabled yes` +
 * `redis-cli --cluster create`). Every script touches one slot (the stack's hash tag), the
 * queue's keys share the `{prefix}` tag - so a stack converges through it with workers of two
 * runtimes, and the conformance suite passes on it.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, it } from "vitest";
import { Cluster } from "ioredis";
import { createEngine } from "@converge/core";
import { errorsOnlyLogger, runtimeConformance, verify } from "@converge/core/testing";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import { redisConformanceTarget, redisServerAvailable, startRedisCluster, uniquePrefix } from "@converge/runtime-redis/testing";
import type { RedisClusterHandle } from "@converge/runtime-redis/testing";
import { RedisCloud } from "./support/redis-cloud.js";
import { chainsTemplate } from "./support/stack-templates.js";

let cluster: RedisClusterHandle;
beforeAll(async () => {
  if (!redisServerAvailable()) throw new Error("the Redis Cluster test needs redis-server and redis-cli on PATH (e.g. `apt-get install redis-server`)");
  cluster = await startRedisCluster({ masters: 3 });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

const connection = (): { cluster: Array<{ host: string; port: number }> } => ({ cluster: cluster.nodes.map((n) => ({ ...n })) });

describe("Redis Cluster", () => {
  it("converges a stack (create, update with replacements, delete) with workers of two runtimes", { timeout: 120_000 }, async () => {
    const prefix = uniquePrefix("cluster");
    const client = new Cluster(connection().cluster);
    const cloud = new RedisCloud(client, prefix);
    const a = createRedisRuntime({ connection: connection(), prefix, logger: errorsOnlyLogger });
    const b = createRedisRuntime({ connection: connection(), prefix, logger: errorsOnlyLogger });
    const api = createEngine({ runtime: a, types: [cloud.type()], worker: false, logger: errorsOnlyLogger });
    const workers = await Promise.all([a, b].map((runtime, i) => startWorker({ runtime, types: [cloud.type(5)], engineId: `cluster-w${i}-${prefix}`, concurrency: 4, logger: errorsOnlyLogger })));
    try {
      const v1 = chainsTemplate({ size: 40, chains: 5, a: () => "v1", bang: (i) => (i % 6 === 0 ? "v1" : undefined) });
      await api.createStack("clustered", v1);
      assert.equal((await api.waitForStack("clustered")).state, "CREATE_COMPLETE");
      assert.ok(verify(await cloud.load(), v1).ok, "after create");
      const v2 = chainsTemplate({ size: 40, chains: 5, a: () => "v2", bang: (i) => (i % 6 === 0 ? "v2" : undefined), extra: { count: 2, every: 3 } });
      await api.updateStack("clustered", v2);
      assert.equal((await api.waitForStack("clustered")).state, "UPDATE_COMPLETE");
      const result = verify(await cloud.load(), v2);
      assert.ok(result.ok, result.problems.join("\n"));
      await api.deleteStack("clustered");
      assert.equal((await api.waitForStack("clustered")).state, "DELETE_COMPLETE");
      assert.ok(verify(await cloud.load(), { resources: {} }).ok, "after delete");
      assert.deepEqual(await api.listStacks(), []);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await api.close();
      await Promise.all([a.close(), b.close()]);
      client.disconnect();
    }
  });

  describe("runtime conformance on the cluster (auto mode)", () => {
    const factory = redisConformanceTarget({
      get connection() {
        return connection();
      },
      mode: "auto",
      runtime: { stalledIntervalMs: 1000, jobLockMs: 2000, leaseTtlMs: 2000 },
    });
    for (const c of runtimeConformance(factory, { peers: true })) it(c.name, () => c.run());
  });
});
