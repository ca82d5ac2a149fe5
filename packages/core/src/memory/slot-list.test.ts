import { describe, expect, it } from "vitest";
import { SlotList } from "./slot-list.js";

describe("SlotList", () => {
  it("adds, removes from any slot, and knows what it holds", () => {
    const list = new SlotList<{ slot: number; name: string }>();
    const [a, b, c] = ["a", "b", "c"].map((name) => ({ slot: -1, name })) as [{ slot: number; name: string }, { slot: number; name: string }, { slot: number; name: string }];
    for (const item of [a, b, c]) list.add(item);
    expect(list.size).toBe(3);
    expect(list.delete(a)).toBe(true);
    expect(list.delete(a)).toBe(false);
    expect(list.has(a)).toBe(false);
    expect(list.has(c)).toBe(true);
    expect([...list].map((i) => i.name).sort()).toEqual(["b", "c"]);
    expect(list.delete(c)).toBe(true);
    expect(list.toArray().map((i) => i.name)).toEqual(["b"]);
    const other = new SlotList<{ slot: number; name: string }>();
    expect(other.delete(b)).toBe(false);
    expect(list.has(b)).toBe(true);
  });
});
