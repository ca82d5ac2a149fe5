/**
 * Conformance cases of the event streams: append order, cursors and limits, per-stack
 * streams, blocking reads woken by an append (no polling), time limits, aborts, and streams
 * that stay readable after their stack was deleted.
 */
import assert from "node:assert/strict";
import type { NewStackEvent, StackEvent } from "../../model/types.js";
import { installStack } from "./fixtures.js";
import type { CaseSpec } from "./target.js";

const event = (stackName: string, i: number, extra: Partial<NewStackEvent> = {}): NewStackEvent => ({
  time: 1_700_000_000_000 + i,
  kind: "resource",
  stackName,
  traversalId: "t-events",
  resourceName: `res-${i}`,
  rowId: String(i),
  physicalId: i % 2 === 0 ? null : `phys-${i}`,
  action: "CREATE",
  status: "COMPLETE",
  reason: `event ${i} ✓ "quoted"`,
  ...extra,
});

const stackEvent = (stackName: string, i: number): NewStackEvent => ({
  time: 1_700_000_000_000 + i,
  kind: "stack",
  stackName,
  traversalId: "t-events",
  action: "UPDATE",
  status: "IN_PROGRESS",
  reason: "Stack UPDATE started",
});

/** The events without their runtime-assigned sequence numbers. */
const strip = (events: readonly StackEvent[]): NewStackEvent[] =>
  events.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== "seq")) as unknown as NewStackEvent);

/** Real time, whatever the runtime's clock (a blocking read waits in real time). */
const realDelay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The cases of the event streams. */
export const eventCases: readonly CaseSpec[] = [
  {
    name: "readEvents returns appended events in order with distinct sequence numbers; after is exclusive; limit caps",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack } = await installStack(runtime, 0);
      const firstClean = [event(stack.name, 1), stackEvent(stack.name, 2), event(stack.name, 3)];
      await store.appendEvents(stack.id, firstClean);
      await store.appendEvents(stack.id, [event(stack.name, 4), event(stack.name, 5)]);
      const all = await store.readEvents(stack.id, null);
      assert.deepEqual(strip(all), [...firstClean, event(stack.name, 4), event(stack.name, 5)]);
      assert.equal(new Set(all.map((e) => e.seq)).size, 5, "sequence numbers must be distinct");
      const third = all[2] as StackEvent;
      assert.deepEqual(strip(await store.readEvents(stack.id, third.seq)), [event(stack.name, 4), event(stack.name, 5)]);
      assert.deepEqual(await store.readEvents(stack.id, (all[4] as StackEvent).seq), []);
      assert.deepEqual(strip(await store.readEvents(stack.id, null, { limit: 2 })), firstClean.slice(0, 2));
      const later = await store.readEvents(stack.id, (all[1] as StackEvent).seq, { limit: 2 });
      assert.deepEqual(later.map((e) => e.seq), [all[2]?.seq, all[3]?.seq]);
    },
  },
  {
    name: "each stack has its own stream",
    async body({ runtime }) {
      const { store } = runtime;
      const a = await installStack(runtime, 0);
      const b = await installStack(runtime, 0);
      await store.appendEvents(a.stack.id, [event(a.stack.name, 1)]);
      await store.appendEvents(b.stack.id, [event(b.stack.name, 2), event(b.stack.name, 3)]);
      assert.deepEqual(strip(await store.readEvents(a.stack.id, null)), [event(a.stack.name, 1)]);
      assert.deepEqual(strip(await store.readEvents(b.stack.id, null)), [event(b.stack.name, 2), event(b.stack.name, 3)]);
      assert.deepEqual(await store.readEvents("no-such-id", null), []);
    },
  },
  {
    name: "a blocking read waiting for new events returns them when they are appended",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack } = await installStack(runtime, 0);
      await store.appendEvents(stack.id, [event(stack.name, 1)]);
      const [seen] = await store.readEvents(stack.id, null);
      const reading = store.readEvents(stack.id, seen?.seq ?? null, { blockMs: 20_000 });
      await realDelay(50);
      await store.appendEvents(stack.id, [event(stack.name, 2)]);
      assert.deepEqual(strip(await reading), [event(stack.name, 2)], "the blocked read was not woken by the append");
      const other = await installStack(runtime, 0);
      const first = store.readEvents(other.stack.id, null, { blockMs: 20_000 });
      await realDelay(50);
      await store.appendEvents(other.stack.id, [event(other.stack.name, 7)]);
      assert.deepEqual(strip(await first), [event(other.stack.name, 7)], "a blocked read of an empty stream was not woken");
    },
  },
  {
    name: "a blocking read returns nothing after blockMs, and ends early when its signal aborts",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack } = await installStack(runtime, 0);
      assert.deepEqual(await store.readEvents(stack.id, null, { blockMs: 50 }), []);
      const controller = new AbortController();
      const reading = store.readEvents(stack.id, null, { blockMs: 600_000, signal: controller.signal });
      await realDelay(50);
      controller.abort();
      assert.deepEqual(await reading, [], "an aborted blocking read must resolve with no events");
    },
  },
  {
    name: "events appended before deleteStack stay readable after it (followers see the last events)",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId } = await installStack(runtime, 0);
      await store.appendEvents(stack.id, [event(stack.name, 1), event(stack.name, 2, { kind: "stack", action: "DELETE" })]);
      assert.equal(await store.deleteStack(stack.id, traversalId, 1_000), true);
      assert.deepEqual(strip(await store.readEvents(stack.id, null)), [event(stack.name, 1), event(stack.name, 2, { kind: "stack", action: "DELETE" })]);
    },
  },
];
