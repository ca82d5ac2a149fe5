/**
 * A large create streams (core's `protocol/stream-install.ts` over the store's `insertRows`):
 * the graph goes in with a first chunk of leaf rows, those leaves are queued, then the other
 * leaf rows land chunk by chunk, each chunk's leaves queued as it lands - so first checks can
 * run while the rest is still being written. A traversal superseded mid-stream writes no more
 * rows and queues no leaf whose row it did not write.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { createEngine } from "@converge/core";
import type { Template } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime, runtimeKeys } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();
const N = 2500;
const wide: Template = { resources: Object.fromEntries(Array.from({ length: N }, (_, i) => [`r${i}`, { type: SCENARIO_TYPE, properties: { a: String(i) } }])) };

async function setup(prefix: string) {
  const runtime = createRedisRuntime({ connection: redis.url, prefix, mode: "manual", checkPermissions: false, logger: quiet });
  const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], logger: quiet });
  const insertRows = runtime.store.insertRows?.bind(runtime.store);
  assert.ok(insertRows !== undefined, "the Redis store inserts rows after the graph");
  return { runtime, engine, insertRows };
}

describe("a large create on Redis", () => {
  it("queues the first leaves before the rest of the rows is written", { timeout: 60_000 }, async () => {
    const { runtime, engine, insertRows } = await setup(uniquePrefix("stream"));
    try {
      const seen: Array<{ rows: number; waiting: number }> = [];
      runtime.store.insertRows = async (stackId, traversalId, rows) => {
        seen.push({ rows: await runtime.client.hlen(runtimeKeys(runtime.prefix).stack(stackId).rows), waiting: await runtime.queue.getWaitingCount() });
        return insertRows(stackId, traversalId, rows);
      };
      const { id } = await engine.createStack("big", wide);
      assert.ok(seen.length >= 2, `${seen.length} streamed chunks`);
      assert.ok((seen[0]?.waiting ?? 0) > 0 && (seen[0]?.rows ?? N) < N, `first streamed chunk: ${JSON.stringify(seen[0])}`);
      for (const at of seen) assert.equal(at.waiting, at.rows, "every written leaf row is queued, and no other");
      assert.equal((await runtime.store.loadRows(id)).length, N);
      assert.equal(await runtime.queue.getWaitingCount(), N);
    } finally {
      await engine.close();
      await runtime.close();
    }
  });

  it("superseded mid-stream: no more rows written, no leaf queued for a row it did not write", { timeout: 60_000 }, async () => {
    const { runtime, engine, insertRows } = await setup(uniquePrefix("stream-superseded"));
    try {
      runtime.store.insertRows = async (stackId, traversalId, rows) => {
        // A newer traversal's compare-and-set lands between two chunks.
        await runtime.client.hset(runtimeKeys(runtime.prefix).stack(stackId).stack, "currentTraversal", JSON.stringify("newer"));
        return insertRows(stackId, traversalId, rows);
      };
      const { id } = await engine.createStack("big", wide);
      const rows = await runtime.store.loadRows(id);
      assert.ok(rows.length > 0 && rows.length < N, `${rows.length} rows written`);
      const waiting = await runtime.queue.getWaiting(0, N);
      const queuedRows = new Set(waiting.map((job) => (job.data as { rowId?: string }).rowId).filter((r) => r !== undefined));
      assert.deepEqual([...queuedRows].sort(), rows.map((r) => r.id).sort());
    } finally {
      await engine.close();
      await runtime.close();
    }
  });
});
