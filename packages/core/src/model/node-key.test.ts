import { describe, expect, it } from "vitest";
import { ConvergeError, ErrorCode, ProtocolError } from "../errors.js";
import { STACK_NODE, graphNodes, isCleanupKey, isNodeKey, isUpdateKey, nodeKey, parseNodeKey, toSyncKey } from "./types.js";

describe("node keys", () => {
  it("are made by nodeKey and split back by parseNodeKey, also for row ids with colons", () => {
    expect(nodeKey("U", "r1")).toBe("U:r1");
    expect(parseNodeKey(nodeKey("C", "a:b"))).toEqual({ direction: "C", rowId: "a:b" });
    expect(isCleanupKey(nodeKey("C", "r1"))).toBe(true);
    expect(isUpdateKey(nodeKey("C", "r1"))).toBe(false);
    expect(isUpdateKey(nodeKey("U", "r1"))).toBe(true);
    expect(isCleanupKey(STACK_NODE)).toBe(false);
  });

  it("reject anything else with a ProtocolError naming the key", () => {
    for (const bad of ["X:r1", "U-r1", "", STACK_NODE]) {
      let caught: unknown;
      try {
        parseNodeKey(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ProtocolError);
      expect(caught).toBeInstanceOf(ConvergeError);
      expect((caught as ProtocolError).code).toBe(ErrorCode.PROTOCOL_INVARIANT);
      expect((caught as ProtocolError).message).toContain(JSON.stringify(bad));
    }
  });

  it("toSyncKey accepts node keys and STACK_NODE read back from a store, nothing else", () => {
    expect(toSyncKey("U:r1")).toBe("U:r1");
    expect(toSyncKey("C:r1")).toBe("C:r1");
    expect(toSyncKey(STACK_NODE)).toBe(STACK_NODE);
    expect(isNodeKey(STACK_NODE)).toBe(false);
    expect(() => toSyncKey("r1")).toThrow(ProtocolError);
    expect(() => toSyncKey("$stack#again")).toThrow(/not a sync point key: "\$stack#again"/);
  });

  it("graphNodes lists a graph's nodes with typed keys", () => {
    const graph = { nodes: { "U:a": { requires: [], requiredBy: ["C:b" as const] }, "C:b": { requires: ["U:a" as const], requiredBy: [] } } };
    expect(graphNodes(graph).map(([key]) => key)).toEqual(["U:a", "C:b"]);
  });
});
