/**
 * Three worker processes (each its own Node process, runtime and BullMQ worker) converge a
 * 500-resource stack: create, then an update with replacements that a second update
 * supersedes while it runs (one resource of the first update is held in the cloud until the
 * second has started, so the first cannot end first on any machine). The fake cloud lives in
 * Redis, shared by the processes; at the end it must match the last template exactly, and no
 * row's create may have run twice.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { Engine } from "@converge/core";
import { errorsOnlyLogger, verify } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import type { RedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { RedisCloud } from "./support/redis-cloud.js";
import { chainsTemplate, resourceName } from "./support/stack-templates.js";
import { startWorkerProcess } from "./support/worker-processes.js";
import type { WorkerProcess } from "./support/worker-processes.js";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

/** The reasons of every FAILED event of a stack (for assertion messages). */
async function failures(api: Engine, name: string): Promise<string> {
  const lines: string[] = [];
  for await (const e of api.events(name)) if (e.status === "FAILED") lines.push(`${e.resourceName ?? "stack"}: ${e.reason}`);
  return lines.slice(0, 10).join("\n");
}


describe("multi-process", () => {
  it("3 worker processes converge a 500-resource stack with replacements and a superseding update", { timeout: 240_000 }, async () => {
    const prefix = uniquePrefix("multi");
    const client = new Redis(redis.url);
    const cloud = new RedisCloud(client, prefix);
    const runtime: RedisRuntime = createRedisRuntime({ connection: redis.url, prefix, logger: errorsOnlyLogger });
    const api = createEngine({ runtime, types: [cloud.type()], worker: false, logger: errorsOnlyLogger });
    const workers: WorkerProcess[] = [];
    try {
      workers.push(...(await Promise.all([1, 2, 3].map((n) => startWorkerProcess({ redis: redis.url, prefix, engineId: `mp-${n}-${prefix}`, concurrency: 8 })))));
      const v1 = chainsTemplate({ size: 500, chains: 20, a: () => "v1", bang: (i) => (i % 10 === 0 ? "v1" : undefined) });
      await api.createStack("big", v1);
      const created = await api.waitForStack("big");
      assert.equal(created.state, "CREATE_COMPLETE", `${created.statusReason}\n${await failures(api, "big")}`);
      assert.ok(verify(await cloud.load(), v1).ok, "after create");

      const v2 = chainsTemplate({ size: 500, chains: 20, a: () => "v2", bang: (i) => (i % 10 === 0 ? "v2" : undefined) });
      // r0499 ends a chain (nothing waits for it): while it is held the first update cannot end.
      await cloud.hold([resourceName(499)]);
      const first = await api.updateStack("big", v2);
      // Supersede the update once it is well under way (replacements made, not all done).
      let seen = 0;
      for await (const event of api.events("big", { follow: true })) {
        if (event.traversalId === first.traversalId && event.kind === "resource" && event.status === "COMPLETE") seen += 1;
        if (seen >= 150 || (event.kind === "stack" && event.status !== "IN_PROGRESS")) break;
      }
      const v3 = chainsTemplate({ size: 500, chains: 20, a: (i) => (i % 3 === 0 ? "v3" : "v2"), bang: (i) => (i % 10 === 0 ? "v2" : undefined), extra: { count: 10, every: 5 } });
      const second = await api.updateStack("big", v3);
      await cloud.releaseHolds();
      assert.notEqual(second.traversalId, first.traversalId);
      const done = await api.waitForStack("big");
      assert.equal(done.state, "UPDATE_COMPLETE", `${done.statusReason}\n${await failures(api, "big")}`);
      const result = verify(await cloud.load(), v3);
      assert.ok(result.ok, `after the superseding update:\n${result.problems.slice(0, 20).join("\n")}`);
      const twice = [...(await cloud.createsPerKey())].filter(([, n]) => n > 1);
      assert.deepEqual(twice, [], "creates that made a resource twice");
      const firstEnded: string[] = [];
      for await (const e of api.events("big")) if (e.kind === "stack" && e.traversalId === first.traversalId && e.status !== "IN_PROGRESS") firstEnded.push(e.reason);
      assert.deepEqual(firstEnded, [], "the first update ended before the second superseded it");
      const log = await cloud.log();
      assert.ok(log.filter((l) => l.startsWith("delete")).length >= 50, "the replaced resources were deleted");
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await api.close();
      await runtime.close();
      client.disconnect();
    }
  });
});
