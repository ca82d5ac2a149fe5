/**
 * Reads that must never be one O(stack) command: `loadRows` pages through the rows hash
 * (HSCAN pages, each row one field), and the watchdog's activity test verifies old queued entries against
 * BullMQ in a bounded batch with one O(1)-per-job script (`liveJobs`), never LPOS over the
 * wait list.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { ROW_FIELDS, pack } from "../src/codec.js";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const rowFields = (id: number): string[] => {
  const values: Record<string, string> = {
    id: JSON.stringify(String(id)), name: JSON.stringify(`r${id}`), type: '"t"', templateId: '"x"', physicalId: "null", properties: "{}", attributes: "{}",
    action: '"INIT"', status: '"COMPLETE"', statusReason: '""', requires: "[]", replaces: "null", replacedBy: "null", createdTraversal: '"x"',
    deletionPolicy: '"delete"', lockHolder: "null", version: "1", updatedAt: "0", checkStatus: "null", driftedProperties: "[]", checkedAt: "null",
  };
  return [String(id), pack(ROW_FIELDS.map((f) => values[f] as string))];
};

describe("loadRows", () => {
  it("reads a large rows hash in pages, each row once, in id order", async () => {
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("rows"), mode: "manual", checkPermissions: false, logger: quiet });
    try {
      const key = runtime.prefix + ":{s1}:rows";
      const count = 1500;
      for (let from = 1; from <= count; from += 100) {
        await runtime.client.hset(key, ...Array.from({ length: 100 }, (_, i) => rowFields(from + i)).flat());
      }
      let scans = 0;
      const hscan = runtime.client.hscan.bind(runtime.client);
      runtime.client.hscan = ((...args: Parameters<typeof hscan>) => {
        scans += 1;
        return hscan(...args);
      }) as typeof hscan;
      const rows = await runtime.store.loadRows("s1");
      assert.deepEqual(rows.map((r) => r.id), Array.from({ length: count }, (_, i) => String(i + 1)));
      assert.equal(rows[41]?.name, "r42");
      assert.ok(scans > 1, `one HSCAN page read ${count} rows: the read is not paged`);
    } finally {
      await runtime.close();
    }
  });
});

describe("activity", () => {
  it("drops old queued entries whose job is gone or finished, keeps live ones", async () => {
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("activity"), mode: "manual", checkPermissions: false, activityVerifyAfterMs: 1000, logger: quiet });
    try {
      const queued = `${runtime.prefix}:{s1}:queued`;
      const live = await runtime.queue.add("node", { kind: "node", stackId: "other" }, { jobId: "live-job" });
      await runtime.client.hset(runtime.queue.toKey("failed-job"), "data", "{}", "finishedOn", "1");
      const old = Date.now() - 60_000;
      await runtime.client.zadd(queued, old, "gone-job", old, "failed-job", old, String(live.id), Date.now(), "fresh-job");
      assert.deepEqual(await runtime.activity("s1"), { queued: 2, running: 0 });
      const left = await runtime.client.zrange(queued, 0, -1, "WITHSCORES");
      assert.deepEqual(left.filter((_, i) => i % 2 === 0).sort(), ["fresh-job", "live-job"]);
      // The live one is verified again next time: the same answer.
      assert.deepEqual(await runtime.activity("s1"), { queued: 2, running: 0 });
    } finally {
      await runtime.close();
    }
  });
});
