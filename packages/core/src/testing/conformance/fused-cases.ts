/**
 * Conformance cases of the optional fused operations (`writeRowWithEvent`, `reportNode`,
 * `nodeReported`). Each case goes through the protocol's own entry points, which use the
 * runtime's operation when it has one and compose the basic operations when it has not -
 * so a runtime with the fused operations is held to exactly what the composition does.
 */
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import type { CheckMessage, NodeKey, NodePayload, StackEvent } from "../../model/types.js";
import { nodeReported, reportNode, reportTargets } from "../../protocol/report.js";
import { writeWithEvent } from "../../protocol/row-writes.js";
import type { NodeReportResult, RowWrite, RowWriteEvent, Runtime } from "../../runtime/contract.js";
import type { SeenDelivery } from "./delivery-cases.js";
import { recordingHandler } from "./delivery-cases.js";
import { installStack, mustLoadRow, supersede } from "./fixtures.js";
import type { CaseSpec } from "./target.js";
import { nodeKey } from "../../model/types.js";

const payload = (rowId: string): NodePayload => ({ rowId, name: `res-${rowId}`, refId: `phys-${rowId}`, attributes: { a: [], b: { c: "ü\"" } } });

const event = (traversalId: string, stackName: string, reason: string): RowWriteEvent => ({
  time: 1_700_000_000_123,
  stackName,
  traversalId,
  action: "CREATE",
  status: "COMPLETE",
  reason,
});

/** A report's answer without `enqueued` (whether the runtime enqueued the ready checks itself). */
function answer(result: NodeReportResult): NodeReportResult {
  return result.kind === "reported" ? { kind: "reported", ready: result.ready } : result;
}

async function events(runtime: Runtime, stackId: string): Promise<StackEvent[]> {
  return runtime.store.readEvents(stackId, null);
}

/** An event without its store-assigned sequence number, for comparing. */
function withoutSeq(stored: StackEvent): Omit<StackEvent, "seq"> {
  return Object.fromEntries(Object.entries(stored).filter(([key]) => key !== "seq")) as Omit<StackEvent, "seq">;
}

/** The cases of the fused operations. */
export const fusedCases: readonly CaseSpec[] = [
  {
    name: "writeRowWithEvent: an accepted write records its event, completed from the row as written; a refused one records nothing",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds } = await installStack(runtime, 1);
      const rowId = rowIds[0] as string;
      const row = await mustLoadRow(store, stack.id, rowId);
      const before = (await events(runtime, stack.id)).length;
      const write: RowWrite = { stackId: stack.id, rowId, ifVersion: row.version, ifHolder: null, patch: { physicalId: "phys \"1\"", status: "COMPLETE" } };
      const written = await writeWithEvent({ store }, write, event(traversalId, stack.name, "made"));
      assert.equal(written.ok, true, "the write was refused");
      const kept = await writeWithEvent({ store }, { stackId: stack.id, rowId, ifHolder: null, patch: { statusReason: "again" } }, event(traversalId, stack.name, "kept id"));
      assert.equal(kept.ok, true);
      const refused = await writeWithEvent({ store }, write, event(traversalId, stack.name, "stale"));
      assert.deepEqual(refused.ok ? "accepted" : refused.reason, "version");
      const added = (await events(runtime, stack.id)).slice(before);
      const common = { kind: "resource", stackName: stack.name, traversalId, resourceName: row.name, rowId, physicalId: "phys \"1\"", action: "CREATE", status: "COMPLETE", time: 1_700_000_000_123 };
      assert.deepEqual(
        added.map(withoutSeq),
        [
          { ...common, reason: "made" },
          { ...common, reason: "kept id" },
        ],
        "the events are not those of the accepted writes, completed from the written row",
      );
    },
  },
  {
    name: "reportNode: after an accepted write, merges the sender into every target, answers the ready ones and records the report",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds, graph } = await installStack(runtime, 3);
      const [first, second] = rowIds as [string, string];
      const sender = nodeKey("U", first);
      const before = (await events(runtime, stack.id)).length;
      assert.equal(await nodeReported({ store }, stack.id, graph, sender), false, "reported before any report");
      const write: RowWrite = { stackId: stack.id, rowId: first, ifHolder: null, patch: { physicalId: "p-1", action: "CREATE", status: "COMPLETE" } };
      const result = await reportNode({ store }, { stackId: stack.id, traversalId, sender, targets: reportTargets(graph, sender, payload(first)), write, event: event(traversalId, stack.name, "done") });
      assert.deepEqual(answer(result), { kind: "reported", ready: [nodeKey("U", second)] });
      const sync = await store.readSync(stack.id, traversalId, nodeKey("U", second));
      assert.deepEqual(sync === null ? null : [...sync], [[sender, payload(first)]], "the target's sync point does not hold the sender's payload");
      assert.equal((await mustLoadRow(store, stack.id, first)).physicalId, "p-1", "the write was not made");
      assert.deepEqual((await events(runtime, stack.id)).slice(before).map((e) => [e.rowId, e.physicalId, e.reason]), [[first, "p-1", "done"]]);
      assert.equal(await nodeReported({ store }, stack.id, graph, sender), true, "the report was not recorded");
      assert.equal(await nodeReported({ store }, stack.id, graph, nodeKey("U", second)), false, "a node that never reported counts as reported");
    },
  },
  {
    name: "reportNode counts like syncMerge: a re-sent report is not counted twice, and a complete point answers ready again",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId } = await installStack(runtime, 1);
      const report = async (sender: NodeKey) =>
        answer(await reportNode({ store }, { stackId: stack.id, traversalId, sender, targets: [{ node: "U:9", required: 2, payload: null }, { node: "U:8", required: 1, payload: payload("7") }] }));
      assert.deepEqual(await report("U:1"), { kind: "reported", ready: ["U:8"] });
      assert.deepEqual(await report("U:1"), { kind: "reported", ready: ["U:8"] }, "a re-sent report was counted twice");
      assert.deepEqual(await report("U:2"), { kind: "reported", ready: ["U:9", "U:8"] });
      assert.equal(await store.syncMerge({ stackId: stack.id, traversalId, node: "U:9", sender: "U:3", payload: null, counted: true, required: 4 }), "waiting", "the report's merges were not counted as syncMerge counts");
    },
  },
  {
    name: "reportNode: a refused write writes, merges and records nothing",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds, graph } = await installStack(runtime, 2);
      const [first, second] = rowIds as [string, string];
      const sender = nodeKey("U", first);
      const before = (await events(runtime, stack.id)).length;
      const write: RowWrite = { stackId: stack.id, rowId: first, ifHolder: "someone-else", patch: { physicalId: "p-1" } };
      const result = await reportNode({ store }, { stackId: stack.id, traversalId, sender, targets: reportTargets(graph, sender, payload(first)), write, event: event(traversalId, stack.name, "done") });
      assert.equal(result.kind === "refused" ? result.reason : result.kind, "locked");
      assert.equal((await mustLoadRow(store, stack.id, first)).physicalId, null, "the refused write was made");
      assert.equal((await store.readSync(stack.id, traversalId, nodeKey("U", second)))?.size, 0, "a refused report merged");
      assert.equal((await events(runtime, stack.id)).length, before, "a refused write recorded its event");
      assert.equal(await nodeReported({ store }, stack.id, graph, sender), false);
    },
  },
  {
    name: "reportNode: once the traversal is gone the write is still made, but nothing is merged",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds, graph } = await installStack(runtime, 2);
      const [first] = rowIds as [string, string];
      const sender = nodeKey("U", first);
      await supersede(runtime, stack);
      const write: RowWrite = { stackId: stack.id, rowId: first, ifHolder: null, patch: { statusReason: "finished late" } };
      const result = await reportNode({ store }, { stackId: stack.id, traversalId, sender, targets: reportTargets(graph, sender, payload(first)), write });
      assert.deepEqual(result, { kind: "gone" });
      assert.equal((await mustLoadRow(store, stack.id, first)).statusReason, "finished late", "the write of a gone traversal was not made");
      assert.equal(await store.syncHas(stack.id, traversalId, nodeKey("U", rowIds[1] ?? ""), sender), false);
      assert.equal(await nodeReported({ store }, stack.id, graph, sender), false, "a gone traversal answers reported");
    },
  },
  {
    name: "reportNode that answers enqueued has enqueued the checks of the ready targets",
    async body(t) {
      const { runtime } = t;
      const { store } = runtime;
      const { stack, traversalId, rowIds, graph } = await installStack(runtime, 2);
      const [first, second] = rowIds as [string, string];
      const sender = nodeKey("U", first);
      const result = await reportNode({ store }, { stackId: stack.id, traversalId, sender, targets: reportTargets(graph, sender, payload(first)) });
      assert.deepEqual(answer(result), { kind: "reported", ready: [nodeKey("U", second)] });
      if (result.kind !== "reported" || result.enqueued !== true) return;
      const seen: SeenDelivery[] = [];
      const reg = await runtime.registerWorker("conf-enqueued", recordingHandler("conf-enqueued", seen));
      const ready: CheckMessage = { kind: "node", stackId: stack.id, traversalId, rowId: second, direction: "U" };
      await t.deliverUntil(() => seen.some((s) => isDeepStrictEqual(s.message, ready)), "the ready target's check delivered");
      await reg.close();
    },
  },
];
