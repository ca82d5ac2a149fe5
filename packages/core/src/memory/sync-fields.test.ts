import { describe, expect, it } from "vitest";
import type { SyncKey } from "../model/types.js";
import { SyncFields } from "./sync-fields.js";

const key = (s: string): SyncKey => s as SyncKey;

describe("SyncFields", () => {
  it("answers as a Map would, from one entry to many", () => {
    const fields = new SyncFields();
    const map = new Map<SyncKey, unknown>();
    expect([...fields]).toEqual([]);
    const steps: Array<[string, unknown]> = [["U:1", { a: 1 }], ["U:1", { a: 2 }], ["U:2", null], ["U:3", { b: 3 }], ["U:2", { c: 4 }]];
    for (const [sender, payload] of steps) {
      fields.set(key(sender), payload as never);
      map.set(key(sender), payload);
      expect(fields.size).toBe(map.size);
      expect([...fields]).toEqual([...map]);
      for (const probe of ["U:1", "U:2", "U:3", "U:4"]) {
        expect(fields.has(key(probe))).toBe(map.has(key(probe)));
        expect(fields.get(key(probe))).toEqual(map.get(key(probe)));
      }
    }
  });
});
