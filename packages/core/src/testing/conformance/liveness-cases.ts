/**
 * Conformance cases of worker registration and liveness (isAlive), the cancel broadcast and
 * the clock; plus, for runtimes with a peer (another process over the same state), the same
 * rules across runtimes.
 */
import assert from "node:assert/strict";
import { RuntimeStateError } from "../../errors.js";
import type { CheckMessage } from "../../model/types.js";
import type { Runtime } from "../../runtime/contract.js";
import { nodeCheck, recordingHandler } from "./delivery-cases.js";
import type { SeenDelivery } from "./delivery-cases.js";
import { installStack } from "./fixtures.js";
import type { CaseSpec } from "./target.js";
import { nodeKey } from "../../model/types.js";

/** Wait (in real time, polling) until `done()` holds; for effects that cross runtimes asynchronously. */
async function eventually(done: () => boolean | Promise<boolean>, what: string, limitMs = 15_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await done())) {
    if (Date.now() > until) throw new assert.AssertionError({ message: `${what}: did not happen within ${limitMs} ms` });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The cases of the worker registration, liveness, cancel broadcast and clock. */
export const livenessCases: readonly CaseSpec[] = [
  {
    name: "isAlive is true for a registered engine and false for unknown, closed and dead ones",
    async body(t) {
      const { runtime } = t;
      assert.equal(await runtime.isAlive("conf-never-registered"), false);
      const a = await runtime.registerWorker("conf-a", async () => undefined);
      const b = await runtime.registerWorker("conf-b", async () => undefined);
      const c = await runtime.registerWorker("conf-c", async () => undefined);
      assert.equal(await runtime.isAlive("conf-a"), true);
      await a.close();
      assert.equal(await runtime.isAlive("conf-a"), false, "a closed engine is still alive");
      await t.killEngine("conf-b");
      assert.equal(await runtime.isAlive("conf-b"), false, "a dead engine is still alive");
      assert.equal(await runtime.isAlive("conf-c"), true, "killing one engine killed another");
      await Promise.all([b.close(), c.close()]);
    },
  },
  {
    name: "registerWorker refuses an engine id that is registered and not closed; after close the id can register again",
    async body({ runtime }) {
      const first = await runtime.registerWorker("conf-dup", async () => undefined);
      await assert.rejects(
        async () => runtime.registerWorker("conf-dup", async () => undefined),
        (error: unknown) => error instanceof RuntimeStateError,
        "registering a live engine id twice must throw RuntimeStateError",
      );
      await first.close();
      const again = await runtime.registerWorker("conf-dup", async () => undefined);
      assert.equal(await runtime.isAlive("conf-dup"), true);
      await again.close();
    },
  },
  {
    name: "publishCancel reaches every cancel listener with the stack and traversal; unsubscribed ones no more",
    async body({ runtime }) {
      const got: Array<[string, string, string]> = [];
      const offA = runtime.onCancel((s, tr) => void got.push(["a", s, tr]));
      const offB = runtime.onCancel((s, tr) => void got.push(["b", s, tr]));
      await runtime.publishCancel("stack-1", "trav-1");
      assert.deepEqual(got.sort(), [["a", "stack-1", "trav-1"], ["b", "stack-1", "trav-1"]], "publishCancel resolved before its listeners ran");
      offA();
      await runtime.publishCancel("stack-2", "trav-2");
      assert.deepEqual(got.filter(([, s]) => s === "stack-2"), [["b", "stack-2", "trav-2"]]);
      offB();
      await runtime.publishCancel("stack-3", "trav-3");
      assert.equal(got.filter(([, s]) => s === "stack-3").length, 0);
    },
  },
  {
    name: "the clock does not go backwards; sleep resolves, and rejects when its signal is aborted",
    async body({ runtime }) {
      const a = runtime.now();
      await runtime.sleep(5);
      const b = runtime.now();
      assert.ok(Number.isFinite(a) && b >= a, `now() went from ${a} to ${b}`);
      const aborted = AbortSignal.abort(new Error("stop"));
      await assert.rejects(runtime.sleep(10, aborted), "sleep with an aborted signal must reject");
    },
  },
];

/** Cases run only when the target offers a peer runtime over the same state. */
export const peerCases: readonly CaseSpec[] = [
  {
    name: "peer: a check enqueued on one runtime is delivered to a worker registered on another, whose engine it sees alive",
    async body(t) {
      const peer = await (t.peer as () => Promise<Runtime>)();
      const { stack } = await installStack(t.runtime, 0);
      const seen: SeenDelivery[] = [];
      const reg = await peer.registerWorker("conf-peer", recordingHandler("conf-peer", seen));
      assert.equal(await t.runtime.isAlive("conf-peer"), true, "an engine registered on the peer is not alive here");
      const message: CheckMessage = nodeCheck(stack, "1");
      await t.runtime.enqueue([message]);
      await eventually(() => seen.length >= 1, "the peer's worker received the check");
      assert.deepEqual(seen[0]?.message, message);
      await reg.close();
      assert.equal(await t.runtime.isAlive("conf-peer"), false, "a closed peer engine is still alive here");
    },
  },
  {
    name: "peer: state written through one runtime is read through the other, and wakes its blocking reads",
    async body(t) {
      const peer = await (t.peer as () => Promise<Runtime>)();
      const { stack, traversalId, rowIds } = await installStack(t.runtime, 2);
      assert.deepEqual(await peer.store.loadStack(stack.id), stack);
      assert.equal(await peer.store.syncMerge({ stackId: stack.id, traversalId, node: nodeKey("U", String(rowIds[1])), sender: nodeKey("U", String(rowIds[0])), payload: null, counted: true, required: 1 }), "ready");
      assert.deepEqual([...((await t.runtime.store.readSync(stack.id, traversalId, nodeKey("U", String(rowIds[1])))) ?? [])], [[nodeKey("U", String(rowIds[0])), null]]);
      const reading = t.runtime.store.readEvents(stack.id, null, { blockMs: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const event = { time: 1, kind: "stack", stackName: stack.name, traversalId, action: "UPDATE", status: "COMPLETE", reason: "peer" } as const;
      await peer.store.appendEvents(stack.id, [event]);
      const [read] = await reading;
      assert.deepEqual(read && { ...read, seq: "" }, { ...event, seq: "" });
    },
  },
  {
    name: "peer: a cancellation published on one runtime reaches the listeners of the other",
    async body(t) {
      const peer = await (t.peer as () => Promise<Runtime>)();
      const got: string[] = [];
      const off = peer.onCancel((s, tr) => void got.push(`${s}/${tr}`));
      // A registered worker is the runtime's signal that its listeners must be live.
      const reg = await peer.registerWorker("conf-listener", async () => undefined);
      await t.runtime.publishCancel("stack-x", "trav-x");
      await eventually(() => got.includes("stack-x/trav-x"), "the peer's cancel listener was called");
      off();
      await reg.close();
    },
  },
];
