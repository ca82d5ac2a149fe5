/**
 * Conformance cases of check delivery: enqueue (batches, before a worker registers, again
 * after a run, again while running - no lost wake-up), redelivery after a failure or the
 * death of an engine, schedule, and activity counts.
 */
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { EngineDeadError } from "../../errors.js";
import type { CheckMessage, StackRecord } from "../../model/types.js";
import { nodeKey } from "../../model/types.js";
import type { CheckHandler, Delivery } from "../../runtime/contract.js";
import { installStack } from "./fixtures.js";
import type { CaseSpec } from "./target.js";

/** One delivery as a worker saw it. */
export interface SeenDelivery {
  /** Engine the check was delivered to. */
  readonly engineId: string;
  /** The message. */
  readonly message: CheckMessage;
}

/** A handler recording deliveries into `seen`, then running `then` (if given). */
export function recordingHandler(engineId: string, seen: SeenDelivery[], then?: (d: Delivery, nth: number) => Promise<void>): CheckHandler {
  return async (delivery) => {
    seen.push({ engineId, message: delivery.message as CheckMessage });
    await then?.(delivery, seen.length);
  };
}

/** A node check message. */
export function nodeCheck(stack: StackRecord, rowId: string, direction: "U" | "C" = "U"): CheckMessage {
  return { kind: "node", stackId: stack.id, traversalId: stack.currentTraversal, rowId, direction };
}

const key = (m: CheckMessage): string => JSON.stringify(m, Object.keys(m).sort());
const count = (seen: readonly SeenDelivery[], m: CheckMessage): number => seen.filter((s) => key(s.message) === key(m)).length;

/** The cases of the check delivery. */
export const deliveryCases: readonly CaseSpec[] = [
  {
    name: "enqueue delivers every message of a batch to a registered worker, whose delivery runtime reads the same store",
    async body(t) {
      const { runtime } = t;
      const { stack } = await installStack(runtime, 0);
      const seen: SeenDelivery[] = [];
      const loaded: Array<StackRecord | null> = [];
      const reg = await runtime.registerWorker("conf-e1", recordingHandler("conf-e1", seen, async (d) => void loaded.push(await d.runtime.store.loadStack(stack.id))));
      const batch: CheckMessage[] = [nodeCheck(stack, "1"), nodeCheck(stack, "2", "C"), { kind: "complete", stackId: stack.id, traversalId: stack.currentTraversal }];
      await runtime.enqueue(batch);
      await t.deliverUntil(() => batch.every((m) => count(seen, m) > 0), "every message of the batch delivered");
      for (const s of seen) assert.deepEqual(s.message, batch.find((m) => key(m) === key(s.message)), "a delivered message is not one of the batch, as enqueued");
      for (const stored of loaded) assert.deepEqual(stored, stack, "the delivery's store does not see the stack");
      await reg.close();
    },
  },
  {
    name: "checks enqueued before any worker registered are delivered once one registers",
    async body(t) {
      const { runtime } = t;
      const { stack } = await installStack(runtime, 0);
      const batch = [nodeCheck(stack, "1"), nodeCheck(stack, "2")];
      await runtime.enqueue(batch);
      const seen: SeenDelivery[] = [];
      const reg = await runtime.registerWorker("conf-late", recordingHandler("conf-late", seen));
      await t.deliverUntil(() => batch.every((m) => count(seen, m) > 0), "the checks enqueued earlier delivered");
      await reg.close();
    },
  },
  {
    name: "a check enqueued again after it ran is delivered again",
    async body(t) {
      const { runtime } = t;
      const { stack } = await installStack(runtime, 0);
      const message = nodeCheck(stack, "1");
      const seen: SeenDelivery[] = [];
      const reg = await runtime.registerWorker("conf-e1", recordingHandler("conf-e1", seen));
      await runtime.enqueue([message]);
      await t.deliverUntil(() => count(seen, message) >= 1, "the first delivery");
      await t.settle();
      const before = count(seen, message);
      await runtime.enqueue([message]);
      await t.deliverUntil(() => count(seen, message) > before, "the check enqueued again delivered again");
      await reg.close();
    },
  },
  {
    name: "a check that enqueues its own message while running is delivered again (no lost wake-up)",
    async body(t) {
      const { runtime } = t;
      const { stack } = await installStack(runtime, 0);
      const message = nodeCheck(stack, "1");
      const seen: SeenDelivery[] = [];
      const handler = recordingHandler("conf-e1", seen, async (d, nth) => {
        if (nth === 1) await d.runtime.enqueue([message]);
      });
      const reg = await runtime.registerWorker("conf-e1", handler);
      await runtime.enqueue([message]);
      await t.deliverUntil(() => count(seen, message) >= 2, "the re-enqueued check delivered after the running one");
      await reg.close();
    },
  },
  {
    name: "a check whose handler throws is delivered again",
    async body(t) {
      const { runtime } = t;
      const { stack } = await installStack(runtime, 0);
      const message = nodeCheck(stack, "1");
      const seen: SeenDelivery[] = [];
      const reg = await runtime.registerWorker(
        "conf-e1",
        recordingHandler("conf-e1", seen, async (_d, nth) => {
          if (nth === 1) throw new Error("transient infrastructure failure (injected)");
        }),
      );
      await runtime.enqueue([message]);
      await t.deliverUntil(() => count(seen, message) >= 2, "the failed check delivered again");
      await reg.close();
    },
  },
  {
    name: "a dead engine's operations fail with EngineDeadError and its check is delivered again to a live engine",
    async body(t) {
      const { runtime } = t;
      const { stack } = await installStack(runtime, 0);
      const message = nodeCheck(stack, "1");
      const seen: SeenDelivery[] = [];
      const fenced: unknown[] = [];
      const dying = async (engineId: string, d: Delivery, nth: number): Promise<void> => {
        if (nth !== 1) return;
        await t.killEngine(engineId);
        try {
          await d.runtime.store.loadStack(stack.id);
        } catch (error) {
          fenced.push(error);
          throw error;
        }
      };
      const regs = await Promise.all(
        ["conf-a", "conf-b"].map((id) => runtime.registerWorker(id, recordingHandler(id, seen, (d, nth) => dying(id, d, nth)))),
      );
      await runtime.enqueue([message]);
      await t.deliverUntil(() => seen.length >= 2, "the check of the dead engine delivered again");
      const [first, second] = seen as [SeenDelivery, SeenDelivery];
      assert.equal(fenced.length, 1, "the dead engine's store operation succeeded");
      assert.ok(fenced[0] instanceof EngineDeadError, `expected EngineDeadError, got ${String(fenced[0])}`);
      assert.notEqual(second.engineId, first.engineId, "the check went back to the dead engine");
      assert.equal(await runtime.isAlive(first.engineId), false);
      await Promise.all(regs.map((r) => r.close()));
    },
  },
  {
    name: "schedule delivers a check once its time has come, not before",
    async body(t) {
      const { runtime } = t;
      const { stack } = await installStack(runtime, 0);
      const seen: SeenDelivery[] = [];
      const reg = await runtime.registerWorker("conf-e1", recordingHandler("conf-e1", seen));
      const far: CheckMessage = { kind: "timeout", stackId: stack.id, traversalId: stack.currentTraversal };
      const near: CheckMessage = { kind: "watchdog", stackId: stack.id, traversalId: stack.currentTraversal };
      await runtime.schedule(far, runtime.now() + 3_600_000);
      await runtime.schedule(near, runtime.now() + 300);
      await t.settle();
      assert.equal(count(seen, near) + count(seen, far), 0, "a scheduled check was delivered before its time");
      await t.advanceTime(400);
      await t.deliverUntil(() => count(seen, near) >= 1, "the scheduled check delivered after its time");
      assert.equal(count(seen, far), 0, "a check scheduled an hour ahead was delivered");
      await reg.close();
    },
  },
  {
    name: "activity counts a stack's queued and running checks (watchdog excluded) and drops to zero when done",
    async body(t) {
      const { runtime } = t;
      const { stack } = await installStack(runtime, 0);
      const other = await installStack(runtime, 0);
      assert.deepEqual(await runtime.activity(stack.id), { queued: 0, running: 0 });
      const watchdog: CheckMessage = { kind: "watchdog", stackId: stack.id, traversalId: stack.currentTraversal };
      await runtime.enqueue([nodeCheck(stack, "1"), nodeCheck(stack, "2"), watchdog, nodeCheck(other.stack, "1")]);
      assert.deepEqual(await runtime.activity(stack.id), { queued: 2, running: 0 });
      const during: Array<{ queued: number; running: number }> = [];
      const seen: SeenDelivery[] = [];
      const reg = await runtime.registerWorker(
        "conf-e1",
        recordingHandler("conf-e1", seen, async (d) => {
          const message = d.message as CheckMessage;
          if (message.stackId === stack.id && message.kind === "node") during.push(await d.runtime.activity(stack.id));
        }),
      );
      await t.deliverUntil(() => seen.length >= 4, "the four checks delivered");
      await t.settle();
      assert.equal(during.length, 2);
      for (const a of during) assert.ok(a.running >= 1, `a running check was not counted as running: ${JSON.stringify(a)}`);
      assert.deepEqual(await runtime.activity(stack.id), { queued: 0, running: 0 });
      assert.deepEqual(await runtime.activity(other.stack.id), { queued: 0, running: 0 });
      await reg.close();
    },
  },
  {
    name: "a delivery's claim, when the runtime gives one, holds the state as the store has it at the claim",
    async body(t) {
      const { runtime } = t;
      const { stack, rowIds } = await installStack(runtime, 2);
      const [first, second] = rowIds.map(String) as [string, string];
      await runtime.store.syncMerge({ stackId: stack.id, traversalId: stack.currentTraversal, node: nodeKey("U", second), sender: nodeKey("U", first), payload: { rowId: first, name: "r", refId: null, attributes: {} }, counted: true, required: 1 });
      const problems: string[] = [];
      const seen: SeenDelivery[] = [];
      const reg = await runtime.registerWorker(
        "conf-claim",
        recordingHandler("conf-claim", seen, async (d) => {
          const claim = d.claim;
          if (claim === undefined) return;
          const m = d.message as CheckMessage;
          const store = runtime.store;
          const same = (what: string, claimed: unknown, stored: unknown): void => {
            if (!isDeepStrictEqual(claimed, stored)) problems.push(`${what} of ${key(m)}: claimed ${JSON.stringify(claimed)}, stored ${JSON.stringify(stored)}`);
          };
          same("stack", claim.stack, await store.loadStack(m.stackId));
          if (claim.row !== undefined) same("row", claim.row.value, await store.loadRow(m.stackId, claim.row.rowId));
          if (claim.row !== undefined && (m.kind !== "node" || claim.row.rowId !== m.rowId)) problems.push(`the claim of ${key(m)} holds row ${claim.row.rowId}`);
          if (claim.sync !== undefined) {
            const stored = await store.readSync(m.stackId, claim.sync.traversalId, claim.sync.node);
            same("sync point", claim.sync.value === null ? null : [...claim.sync.value], stored === null ? null : [...stored]);
          }
          if (claim.reported !== undefined) same("reported", claim.reported.value, (await store.nodeReported?.(m.stackId, claim.reported.traversalId, claim.reported.node)) ?? claim.reported.value);
        }),
      );
      const batch: CheckMessage[] = [nodeCheck(stack, first), nodeCheck(stack, second), nodeCheck(stack, first, "C"), { kind: "complete", stackId: stack.id, traversalId: stack.currentTraversal }];
      await runtime.enqueue(batch);
      await t.deliverUntil(() => batch.every((m) => count(seen, m) > 0), "every check delivered");
      assert.deepEqual(problems, [], "a claim differs from the store");
      await reg.close();
    },
  },
];
