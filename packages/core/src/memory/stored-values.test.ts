import { describe, expect, it } from "vitest";
import type { RowWriteEvent } from "../model/events.js";
import { completeRowEvent } from "../model/events.js";
import type { NewStackEvent, ResourceRow } from "../model/types.js";
import { NEVER_CHECKED } from "../model/types.js";
import { storedEvent, storedRowEvent } from "./stored-event.js";
import { patchedRow, storedRow } from "./stored-row.js";

const newRow = {
  id: "7",
  name: "web",
  type: "test:Thing",
  templateId: "tpl",
  physicalId: null,
  properties: { size: 2, tags: ["a", "b"] },
  attributes: {},
  action: "INIT" as const,
  status: "COMPLETE" as const,
  statusReason: "",
  requires: ["3"],
  replaces: null,
  replacedBy: null,
  createdTraversal: "t1",
  deletionPolicy: "delete" as const,
  updatedAt: 5,
};

/** Whether `value` and everything in it is frozen. */
function deeplyFrozen(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  return Object.isFrozen(value) && Object.values(value).every(deeplyFrozen);
}

describe("stored rows", () => {
  it("equal what spreading the row and the patch gives, frozen through", () => {
    const row = storedRow(newRow, null, 1);
    expect(row).toStrictEqual({ ...NEVER_CHECKED, ...newRow, lockHolder: null, version: 1 });
    expect(deeplyFrozen(row)).toBe(true);
    const patch = { action: "CREATE", status: "IN_PROGRESS", physicalId: "p-1", properties: { size: 3 } };
    const next = patchedRow(row, patch, "e1#a1", 2);
    expect(next).toStrictEqual({ ...row, ...patch, lockHolder: "e1#a1", version: 2 });
    expect(deeplyFrozen(next)).toBe(true);
  });

  it("copy what comes in: the caller's later changes never reach the stored row", () => {
    const patch = { attributes: { id: "x" }, requires: ["1"] };
    const row = patchedRow(storedRow(newRow, null, 1), patch, null, 2);
    patch.attributes.id = "changed";
    patch.requires.push("2");
    expect(row.attributes).toEqual({ id: "x" });
    expect(row.requires).toEqual(["1"]);
  });

  it("keep a patch's explicit undefined, and a field a row does not have, as spreading would", () => {
    const row = storedRow(newRow, null, 1);
    const cleared = patchedRow(row, { physicalId: undefined }, null, 2);
    expect("physicalId" in cleared && cleared.physicalId === undefined).toBe(true);
    const extra = patchedRow(row, { extra: 1 }, null, 2) as ResourceRow & { extra?: number };
    expect(extra.extra).toBe(1);
    expect(Object.isFrozen(extra)).toBe(true);
  });
});

describe("stored events", () => {
  const write: RowWriteEvent = { time: 9, stackName: "s", traversalId: "t1", action: "CREATE", status: "COMPLETE", reason: "ok" };
  const row = { id: "7", name: "web", physicalId: "p-1" };

  it("equal the spread of the event and its sequence number, frozen", () => {
    const resource = completeRowEvent(write, row);
    expect(storedEvent(resource, "4")).toStrictEqual({ ...resource, seq: "4" });
    expect(storedRowEvent(write, row, "4")).toStrictEqual({ ...resource, seq: "4" });
    const stack: NewStackEvent = { time: 1, kind: "stack", stackName: "s", traversalId: "t1", action: "CREATE", status: "COMPLETE", reason: "done" };
    expect(storedEvent(stack, "5")).toStrictEqual({ ...stack, seq: "5" });
    const odd = { ...stack, nestedStack: "app" };
    expect(storedEvent(odd, "6")).toStrictEqual({ ...odd, seq: "6" });
    for (const event of [storedEvent(resource, "4"), storedEvent(stack, "5"), storedEvent(odd, "6")]) expect(Object.isFrozen(event)).toBe(true);
  });
});
