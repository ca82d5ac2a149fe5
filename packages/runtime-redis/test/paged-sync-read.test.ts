/**
 * A large sync point (a wide stack's completion point, a fan-in's inputs) is never read by one
 * O(N) call: `readSync` reads up to `SYNC_READ_PAGE` entries in its script and a larger one in
 * HSCAN pages, and is still "gone" (null) once the traversal is. Read from Redis's own
 * command counts (no HGETALL of the large hash, several HSCAN pages).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import type { SyncKey } from "@converge/core";
import { SYNC_READ_PAGE } from "../src/store-sync.js";
import { commandsDuring } from "./support/command-stats.js";
import { withEmptyStack } from "./support/empty-stack.js";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

describe("readSync of a large sync point", () => {
  it("reads every entry in HSCAN pages, not one HGETALL, and answers null once the traversal is gone", { timeout: 60_000 }, async () => {
    await withEmptyStack(redis.url, "paged-sync", async ({ admin, runtime, stack, keys: k }) => {
      const t = stack.currentTraversal;
      await admin.set(k.graph(t), "{}");
      const count = SYNC_READ_PAGE * 2 + 500;
      const senders: SyncKey[] = Array.from({ length: count }, (_, i) => `U:${i}` as SyncKey);
      const payload = (i: number) => ({ rowId: String(i), name: `r${i}`, refId: `id-${i}`, attributes: { n: i } });
      for (let i = 0; i < count; i++) await runtime.store.syncMerge({ stackId: stack.id, traversalId: t, node: "U:hub", sender: senders[i] as SyncKey, payload: payload(i), counted: true, required: count });
      // A small one is read whole by the script.
      await runtime.store.syncMerge({ stackId: stack.id, traversalId: t, node: "U:small", sender: "U:1", payload: payload(1), counted: true, required: 1 });
      assert.deepEqual([...((await runtime.store.readSync(stack.id, t, "U:small")) ?? new Map()).keys()], ["U:1"]);

      const { result: read, ran } = await commandsDuring(admin, () => runtime.store.readSync(stack.id, t, "U:hub"));
      assert.ok(read !== null);
      assert.equal(read.size, count);
      assert.deepEqual(read.get("U:1234"), payload(1234));
      assert.equal(ran("hgetall"), 0, "the large sync point was read by one HGETALL");
      assert.ok(ran("hscan") >= 2, `read in ${ran("hscan")} HSCAN pages`);

      await admin.del(k.graph(t));
      assert.equal(await runtime.store.readSync(stack.id, t, "U:hub"), null, "a gone traversal's sync point was read");
    });
  });
});
