/**
 * `readEventMarks` (what `waitForStack` reads) on Redis: from every point of the stream, the
 * last stack event's sequence number and whether one came - the same as read from
 * `readEvents` - from the stack-event marks alone, so a traversal's resource events (compact,
 * written with their rows, or appended) neither wake a waiting read nor are read by it. The
 * marks go with the stack's events when it is deleted.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { createEngine } from "@converge/core";
import type { EventMarks, RuntimeStore, StackEvent, Template } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();
const template: Template = { resources: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`r${i}`, { type: SCENARIO_TYPE, properties: { a: String(i) } }])) };

/** The marks of `events` read plainly: the last stack event's sequence number, and whether one came. */
function marksOf(events: readonly StackEvent[]): EventMarks {
  const stack = events.filter((e) => e.kind === "stack");
  return { last: stack[stack.length - 1]?.seq ?? null, stackEvent: stack.length > 0 };
}

/** The marks of every suffix of the stream: read both ways from each event on. */
async function compareFrom(store: RuntimeStore, stackId: string, events: readonly StackEvent[]): Promise<void> {
  const readMarks = store.readEventMarks?.bind(store);
  assert.ok(readMarks !== undefined, "the Redis store reads event marks");
  for (const after of [null, ...events.map((e) => e.seq)]) {
    const expected = marksOf(await store.readEvents(stackId, after));
    assert.deepEqual(await readMarks(stackId, after, { blockMs: 1 }), expected, `after ${after}`);
  }
}

describe("readEventMarks on Redis", () => {
  it("answers what the events read say, from every point of the stream", { timeout: 30_000 }, async () => {
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("marks"), mode: "manual", checkPermissions: false, logger: quiet });
    const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], logger: quiet });
    try {
      const { id } = await engine.createStack("s", template);
      // Mid-traversal the stream ends with resource events (compact, written with their rows).
      for (let i = 0; i < 3; i++) assert.ok(await runtime.step());
      const midway = await runtime.store.readEvents(id, null);
      assert.equal(midway[0]?.kind, "stack");
      assert.ok(midway.length > 1 && midway.slice(1).every((e) => e.kind === "resource"), "resource events after the stack's first");
      await compareFrom(runtime.store, id, midway);
      while (await runtime.step());
      const events = await runtime.store.readEvents(id, null);
      assert.equal(events[events.length - 1]?.kind, "stack", "the stream ends with the stack's completion");
      await compareFrom(runtime.store, id, events);
      // Appended resource events do not wake a waiting read; a stack event does.
      const end = events[events.length - 1]?.seq ?? null;
      const base = { time: 1, stackName: "s", traversalId: "t", action: "UPDATE" as const, status: "IN_PROGRESS" as const, reason: "test" };
      await runtime.store.appendEvents(id, [{ ...base, kind: "resource", resourceName: "r0", rowId: "1", physicalId: null }]);
      assert.deepEqual(await runtime.store.readEventMarks?.(id, end, { blockMs: 1 }), { last: null, stackEvent: false });
      await runtime.store.appendEvents(id, [{ ...base, kind: "stack" }, { ...base, kind: "resource", resourceName: "r0", rowId: "1", physicalId: null }]);
      const appended = await runtime.store.readEvents(id, end);
      assert.deepEqual(await runtime.store.readEventMarks?.(id, end, { blockMs: 1000 }), { last: appended[1]?.seq, stackEvent: true });
    } finally {
      await engine.close();
      await runtime.close();
    }
  });
});
