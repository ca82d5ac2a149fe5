import { describe, expect, it } from "vitest";
import type { ResourceRow } from "../model/types.js";
import { deletionOrder } from "./check-complete.js";

const row = (id: string, requires: string[] = []): ResourceRow => ({
  id, name: `r${id}`, type: "t:t:T", templateId: "t1", physicalId: `p${id}`, properties: {}, attributes: {},
  action: "CREATE", status: "COMPLETE", statusReason: "", requires, replaces: null, replacedBy: null,
  createdTraversal: "x", deletionPolicy: "delete", lockHolder: null, version: 1, updatedAt: 0, checkStatus: null, driftedProperties: [], checkedAt: null,
});

const ids = (rows: readonly ResourceRow[]): string[] => rows.map((r) => r.id);

describe("deletionOrder (the completion sweep's order)", () => {
  it("puts a row before every row it requires", () => {
    // 1 requires 2 and 3, 2 requires 3; 4 requires a row outside the sweep.
    const order = ids(deletionOrder([row("3"), row("2", ["3", "3"]), row("1", ["2", "3"]), row("4", ["9"])]));
    expect(order).toEqual(["1", "4", "2", "3"]);
  });

  it("places each row once, rows of a requires-cycle last", () => {
    const order = ids(deletionOrder([row("a", ["b"]), row("b", ["a"]), row("c", ["a"]), row("d", ["d"])]));
    expect(order).toEqual(["c", "d", "a", "b"]);
  });

  it("orders a long chain and many independent rows, each once", () => {
    const chain = Array.from({ length: 5000 }, (_, i) => row(`c${i}`, i === 0 ? [] : [`c${i - 1}`]));
    const loose = Array.from({ length: 5000 }, (_, i) => row(`w${i}`));
    const order = ids(deletionOrder([...chain, ...loose]));
    expect(new Set(order).size).toBe(10_000);
    expect(order.indexOf("c4999")).toBeLessThan(order.indexOf("c0"));
    for (let i = 1; i < 5000; i++) expect(order.indexOf(`c${i}`)).toBeLessThan(order.indexOf(`c${i - 1}`));
  });
});
