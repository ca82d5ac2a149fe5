/**
 * A check's buffered events (`EventBuffer` of delivery-view.ts): appended in order, grouped by
 * stack; a flush with nothing buffered still waits for an append that is running (the check's
 * outcome must not be reported before its events are in the stream) and throws its failure;
 * a buffer is `untouched()` (its check skips the flush) only while nothing was ever added.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import type { NewStackEvent } from "@converge/core";
import { EventBuffer } from "../src/delivery-view.js";

const event = (reason: string): NewStackEvent => ({ time: 1, stackName: "s", traversalId: "t", action: "CREATE", status: "IN_PROGRESS", reason, kind: "stack" });

describe("EventBuffer", () => {
  it("appends in order, one call per run of the same stack", async () => {
    const calls: Array<[string, string[]]> = [];
    const buffer = new EventBuffer({
      async appendEvents(stackId, events) {
        calls.push([stackId, events.map((e) => e.reason)]);
      },
    });
    buffer.add("a", [event("1"), event("2")]);
    buffer.add("a", [event("3")]);
    buffer.add("b", [event("4")]);
    await buffer.flush();
    assert.deepEqual(calls, [["a", ["1", "2", "3"]], ["b", ["4"]]]);
    assert.equal(buffer.hasPending(), false);
  });

  it("a flush with nothing buffered waits for a running append and throws its failure", async () => {
    let release = (): void => undefined;
    const appended: string[] = [];
    const buffer = new EventBuffer({
      async appendEvents(_stackId, events) {
        await new Promise<void>((resolve) => (release = resolve));
        appended.push(...events.map((e) => e.reason));
        throw new Error("append failed");
      },
    });
    buffer.add("a", [event("1")]);
    const first = buffer.flush();
    let settled = false;
    const second = buffer.flush().finally(() => (settled = true));
    assert.equal(buffer.hasPending(), false);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(settled, false, "the empty flush returned while an append was running");
    release();
    await assert.rejects(first, /append failed/);
    await assert.rejects(second, /append failed/);
    assert.deepEqual(appended, ["1"]);
  });

  it("is untouched until events are added, and stays touched after they were appended (a failure still to report)", async () => {
    const buffer = new EventBuffer({
      async appendEvents() {
        throw new Error("append failed");
      },
    });
    assert.equal(buffer.untouched(), true);
    await buffer.flush();
    assert.equal(buffer.untouched(), true);
    buffer.add("a", [event("1")]);
    assert.equal(buffer.untouched(), false);
    await assert.rejects(buffer.flush(), /append failed/);
    assert.equal(buffer.untouched(), false);
    await assert.rejects(buffer.flush(), /append failed/);
  });
});
