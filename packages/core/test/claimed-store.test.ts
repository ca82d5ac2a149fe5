/**
 * The store a check reads first through (`claimedStore`, runtime/delivery/claimed-store.ts):
 * its optional operations exist exactly when the store has them - `insertRows` included, so a
 * traversal a check begins still inserts its rows in chunks - every operation reaches the
 * store on the store itself, and a claimed value answers one read, only until the first write.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import type { DeliveryClaim, ResourceRow, RuntimeStore } from "../src/index.js";
import { claimedStore } from "../src/runtime/delivery/claimed-store.js";

const OPTIONAL = ["writeRowWithEvent", "reportNode", "nodeReported", "insertRows"];

/** A store whose every operation records its name (and checks its receiver) and answers `answer`. */
function recordingStore(optional: readonly string[], calls: string[], answer: unknown): RuntimeStore {
  const store: RuntimeStore = new Proxy({} as RuntimeStore, {
    get(_target, prop) {
      if (typeof prop !== "string" || (OPTIONAL.includes(prop) && !optional.includes(prop))) return undefined;
      return function (this: unknown) {
        assert.equal(this, store, `${prop} called on another receiver`);
        calls.push(prop);
        return Promise.resolve(answer);
      };
    },
  });
  return store;
}

const claimedRow = { id: "7", name: "claimed" } as unknown as ResourceRow;
const storedRow = { id: "7", name: "stored" } as unknown as ResourceRow;
const claim: DeliveryClaim = { stack: null, row: { rowId: "7", value: claimedRow }, reported: { traversalId: "t", node: "U:7", value: true } };

describe("claimedStore", () => {
  it("has the optional operations exactly when the store has them", () => {
    for (const optional of [[], OPTIONAL, ["insertRows"], ["reportNode", "nodeReported"]]) {
      const claimed = claimedStore(recordingStore(optional, [], null), claim) as unknown as Record<string, unknown>;
      for (const op of OPTIONAL) assert.equal(typeof claimed[op], optional.includes(op) ? "function" : "undefined", `${op} with ${optional.join(",")}`);
    }
  });

  it("answers a claimed read once, and none after a write (insertRows counts), on the store itself", async () => {
    const calls: string[] = [];
    const claimed = claimedStore(recordingStore(OPTIONAL, calls, storedRow), claim);
    assert.equal(await claimed.nodeReported?.("s", "t", "U:7"), true);
    assert.equal(await claimed.loadRow("s", "7"), claimedRow);
    assert.equal(await claimed.loadRow("s", "7"), storedRow);
    assert.deepEqual(calls, ["loadRow"]);
    const again = claimedStore(recordingStore(OPTIONAL, calls, storedRow), claim);
    await again.insertRows?.("s", "t", []);
    assert.equal(await again.loadRow("s", "7"), storedRow);
    assert.equal(await again.nodeReported?.("s", "t", "U:7"), storedRow);
    assert.deepEqual(calls, ["loadRow", "insertRows", "loadRow", "nodeReported"]);
  });
});
