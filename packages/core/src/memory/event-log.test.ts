import { describe, expect, it } from "vitest";
import type { NewStackEvent } from "../model/types.js";
import { DELETED_EVENTS_KEPT, EventLog } from "./event-log.js";

const event = (i: number): NewStackEvent => ({
  time: i,
  kind: "stack",
  stackName: "s",
  traversalId: "t",
  action: "UPDATE",
  status: "IN_PROGRESS",
  reason: `event ${i}`,
});

describe("EventLog blocked readers", () => {
  it("are woken once a turn with what the turn appended, not once per append", async () => {
    const log = new EventLog();
    const reading = log.read("s1", null, { blockMs: 10_000 });
    // Appends from the microtask queue, as checks make them.
    for (let i = 1; i <= 3; i++) {
      log.append("s1", [event(i)]);
      for (let tick = 0; tick < 4; tick++) await Promise.resolve();
    }
    expect((await reading).map((e) => e.reason)).toEqual(["event 1", "event 2", "event 3"]);
  });

  it("of other stacks stay blocked", async () => {
    const log = new EventLog();
    let woken = false;
    const other = log.read("s2", null, { blockMs: 100 }).then((events) => ((woken = true), events));
    log.append("s1", [event(1)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toBe(false);
    expect(await other).toEqual([]);
  });
});

describe("EventLog retention", () => {
  it("keeps the newest events of a deleted stack's stream, readable from where a reader was", async () => {
    const log = new EventLog();
    log.append("s1", Array.from({ length: DELETED_EVENTS_KEPT + 5 }, (_, i) => event(i + 1)));
    const [first] = await log.read("s1", null, { limit: 1 });
    log.retire("s1");
    const kept = await log.read("s1", first?.seq ?? null, { limit: 2 * DELETED_EVENTS_KEPT });
    expect(kept).toHaveLength(DELETED_EVENTS_KEPT);
    expect(kept[0]?.reason).toBe("event 6");
    expect(kept[kept.length - 1]?.reason).toBe(`event ${DELETED_EVENTS_KEPT + 5}`);
  });
});
