/**
 * What a traversal leaves when it ends goes in bounded pages, never in one O(N) script: the
 * rows a completion drops (`dropRows` chunks, the last with `completeTraversal`) and the sync
 * points of a traversal that is over (a page in the script that ends it, the rest through the
 * stack's sync-point trash set, drained a page per `drainSyncPoints`). Read from Redis's own
 * command counts: a page is one HDEL / UNLINK inside a script.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { encodeRow } from "../src/codec.js";
import { commandsDuring } from "./support/command-stats.js";
import { withEmptyStack } from "./support/empty-stack.js";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const ROWS = 4500;
const SYNC_POINTS = 1200;

describe("the end of a traversal", () => {
  it("drops its rows and sync points in pages, and leaves no sync point or trash behind", { timeout: 60_000 }, async () => {
    await withEmptyStack(redis.url, "paged-drops", async ({ prefix, admin, runtime, stack, keys: k }) => {
      const t = stack.currentTraversal;
      // Deleted rows a completion drops, and the sync points of a live traversal.
      const ids = Array.from({ length: ROWS }, (_, i) => String(1000 + i));
      for (let i = 0; i < ROWS; i += 500) {
        const pairs = ids.slice(i, i + 500).flatMap((id) => [id, encodeRow({ id, name: `r${id}`, type: "t", templateId: stack.templateId, physicalId: null, properties: {}, attributes: {}, action: "DELETE", status: "COMPLETE", statusReason: "", requires: [], replaces: null, replacedBy: null, createdTraversal: t, deletionPolicy: "delete", lockHolder: null, version: 2, updatedAt: 0, checkStatus: null, driftedProperties: [], checkedAt: null })]);
        await admin.hset(k.rows, ...pairs);
      }
      await admin.set(k.graph(t), "{}");
      for (let i = 0; i < SYNC_POINTS; i++) await runtime.store.syncMerge({ stackId: stack.id, traversalId: t, node: `U:${i}`, sender: "U:x", payload: null, counted: true, required: 2 });
      assert.equal(await admin.scard(k.syncIndex(t)), SYNC_POINTS);
      const { result: completed, ran } = await commandsDuring(admin, () => runtime.store.completeTraversal(stack.id, t, ids, [stack.templateId], { status: "COMPLETE" }));
      assert.ok(completed);
      assert.equal(await admin.hlen(k.rows), 0);
      assert.equal((await admin.keys(`${prefix}:{${stack.id}}:sync:*`)).length, 0, "sync points left behind");
      assert.equal(await admin.exists(k.syncIndex(t), k.syncCounts(t), k.syncTrash), 0);
      assert.ok(ran("hdel") >= Math.ceil(ROWS / 500), `rows dropped in ${ran("hdel")} HDEL calls`);
      assert.ok(ran("unlink") >= Math.ceil(SYNC_POINTS / 500), `sync points dropped in ${ran("unlink")} UNLINK calls`);
      assert.ok(ran("evalsha") + ran("eval") >= 3 + 2, "the drops are spread over several scripts");
    });
  });
});
