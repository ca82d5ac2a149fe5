/**
 * Conformance cases of the sync points (DESIGN.md section 5): syncMerge counting, readiness,
 * uncounted self-reports, payloads, isolation, atomicity, and "gone" once the traversal's
 * graph no longer exists; readSync.
 */
import assert from "node:assert/strict";
import type { NodeKey, NodePayload } from "../../model/types.js";
import { TRICKY_VALUES, fixtureStack, fixtureTemplate, installStack, supersede } from "./fixtures.js";
import type { CaseSpec } from "./target.js";
import { nodeKey } from "../../model/types.js";

const payload = (rowId: string, extra: Record<string, unknown> = {}): NodePayload => ({
  rowId,
  name: `res-${rowId}`,
  refId: `phys-${rowId}`,
  attributes: { a: "value", ...extra },
});

/** The cases of the sync points. */
export const syncCases: readonly CaseSpec[] = [
  {
    name: "syncMerge counts each counted sender once and answers ready once the count reaches required",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId } = await installStack(runtime, 1);
      const merge = (sender: NodeKey, counted = true): Promise<string> => store.syncMerge({ stackId: stack.id, traversalId, node: "U:9", sender, payload: payload(sender), counted, required: 2 });
      assert.equal(await merge("U:1"), "waiting");
      assert.equal(await merge("U:1"), "waiting", "a re-sent sender was counted twice");
      assert.equal(await merge("U:2"), "ready");
      assert.equal(await merge("U:2"), "ready", "a re-send after the point is complete must answer ready again");
      assert.equal(await merge("U:3"), "ready");
    },
  },
  {
    name: "syncMerge stores uncounted senders (self-reports) without counting them; required 0 is ready at once",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId } = await installStack(runtime, 1);
      assert.equal(await store.syncMerge({ stackId: stack.id, traversalId, node: "U:5", sender: "U:5", payload: null, counted: false, required: 1 }), "waiting", "an uncounted sender was counted");
      const entries = await store.readSync(stack.id, traversalId, "U:5");
      assert.deepEqual(entries && [...entries], [["U:5", null]]);
      assert.equal(await store.syncMerge({ stackId: stack.id, traversalId, node: "U:5", sender: "U:4", payload: null, counted: true, required: 1 }), "ready");
      assert.equal(await store.syncMerge({ stackId: stack.id, traversalId, node: "C:6", sender: "C:6", payload: null, counted: false, required: 0 }), "ready");
    },
  },
  {
    name: "readSync returns the latest payload of every sender exactly; an untouched node of a live traversal is empty",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId } = await installStack(runtime, 1);
      const empty = await store.readSync(stack.id, traversalId, "U:77");
      assert.ok(empty !== null, "readSync of a live traversal must not answer null");
      assert.equal(empty.size, 0);
      await store.syncMerge({ stackId: stack.id, traversalId, node: "U:9", sender: "U:1", payload: payload("1"), counted: true, required: 3 });
      await store.syncMerge({ stackId: stack.id, traversalId, node: "U:9", sender: "U:1", payload: payload("1", { a: "second", tricky: { ...TRICKY_VALUES } }), counted: true, required: 3 });
      await store.syncMerge({ stackId: stack.id, traversalId, node: "U:9", sender: "C:2", payload: null, counted: true, required: 3 });
      const read = await store.readSync(stack.id, traversalId, "U:9");
      assert.ok(read !== null);
      assert.deepEqual(new Map(read), new Map([["C:2", null], ["U:1", payload("1", { a: "second", tricky: { ...TRICKY_VALUES } })]]));
    },
  },
  {
    name: "syncHas answers whether one sender reported, and false once the traversal is gone",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId } = await installStack(runtime, 1);
      assert.equal(await store.syncHas(stack.id, traversalId, "U:9", "U:1"), false, "an untouched point has no entry");
      await store.syncMerge({ stackId: stack.id, traversalId, node: "U:9", sender: "U:1", payload: payload("1"), counted: true, required: 3 });
      await store.syncMerge({ stackId: stack.id, traversalId, node: "U:9", sender: "U:9", payload: null, counted: false, required: 3 });
      assert.equal(await store.syncHas(stack.id, traversalId, "U:9", "U:1"), true);
      assert.equal(await store.syncHas(stack.id, traversalId, "U:9", "U:9"), true, "an uncounted entry is an entry");
      assert.equal(await store.syncHas(stack.id, traversalId, "U:9", "U:2"), false);
      assert.equal(await store.syncHas(stack.id, traversalId, "U:8", "U:1"), false, "entries leaked between nodes");
      await supersede(runtime, stack);
      assert.equal(await store.syncHas(stack.id, traversalId, "U:9", "U:1"), false, "a superseded traversal's entries are still visible");
    },
  },
  {
    name: "sync points are per node and per traversal",
    async body({ runtime }) {
      const { store } = runtime;
      const a = await installStack(runtime, 1);
      const b = await installStack(runtime, 1);
      assert.equal(await store.syncMerge({ stackId: a.stack.id, traversalId: a.traversalId, node: "U:1", sender: "U:0", payload: null, counted: true, required: 1 }), "ready");
      assert.equal(await store.syncMerge({ stackId: a.stack.id, traversalId: a.traversalId, node: "U:2", sender: "U:9", payload: null, counted: true, required: 2 }), "waiting", "counts leaked between nodes");
      assert.equal((await store.readSync(a.stack.id, a.traversalId, "U:2"))?.has("U:0"), false, "entries leaked between nodes");
      assert.equal(await store.syncMerge({ stackId: b.stack.id, traversalId: b.traversalId, node: "U:1", sender: "U:8", payload: null, counted: true, required: 2 }), "waiting", "counts leaked between stacks");
      assert.equal((await store.readSync(b.stack.id, b.traversalId, "U:1"))?.size, 1);
    },
  },
  {
    name: "syncMerge is atomic: of concurrent merges completing a point, exactly one answers ready first",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId } = await installStack(runtime, 1);
      const senders = Array.from({ length: 24 }, (_, i) => nodeKey("U", String(i + 100)));
      const results = await Promise.all(senders.map((s) => store.syncMerge({ stackId: stack.id, traversalId, node: "U:1", sender: s, payload: payload(s), counted: true, required: senders.length })));
      assert.equal(results.filter((r) => r === "ready").length, 1, `expected one ready among ${results.join(",")}`);
      assert.equal((await store.readSync(stack.id, traversalId, "U:1"))?.size, senders.length);
    },
  },
  {
    name: "syncMerge answers gone and readSync null when the traversal has no graph (not yet installed, superseded)",
    async body({ runtime }) {
      const { store } = runtime;
      const stack = fixtureStack();
      await store.createStack(stack, fixtureTemplate());
      assert.equal(await store.syncMerge({ stackId: stack.id, traversalId: stack.currentTraversal, node: "U:1", sender: "U:0", payload: null, counted: true, required: 1 }), "gone", "no graph installed yet");
      assert.equal(await store.readSync(stack.id, stack.currentTraversal, "U:1"), null);
      assert.equal(await store.syncMerge({ stackId: "no-such-id", traversalId: "t-x", node: "U:1", sender: "U:0", payload: null, counted: true, required: 1 }), "gone", "unknown stack");
      const installed = await installStack(runtime, 1);
      await supersede(runtime, installed.stack);
      assert.equal(await store.syncMerge({ stackId: installed.stack.id, traversalId: installed.traversalId, node: "U:1", sender: "U:0", payload: null, counted: true, required: 1 }), "gone", "superseded traversal");
    },
  },
];
