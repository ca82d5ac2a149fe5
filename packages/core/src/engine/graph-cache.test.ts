import { describe, expect, it } from "vitest";
import type { TraversalGraph } from "../model/types.js";
import { GraphCache } from "./graph-cache.js";

const graph = (traversalId: string): TraversalGraph => ({ traversalId, templateId: "t", nodes: {}, roots: [], leaves: [] });

describe("the engine's graph cache", () => {
  it("keeps the newest stored graph of each stack", () => {
    const cache = new GraphCache();
    cache.set("s1/a", graph("a"));
    cache.set("s2/x", graph("x"));
    cache.set("s1/b", graph("b"));
    expect([...cache.keys()].sort()).toEqual(["s1/b", "s2/x"]);
    cache.set("s1/b", graph("b"));
    expect(cache.get("s1/b")?.traversalId).toBe("b");
    // A late check of an older traversal that loads its graph again replaces the newer one.
    cache.set("s1/a", graph("a"));
    expect([...cache.keys()].sort()).toEqual(["s1/a", "s2/x"]);
  });

  it("forgets a deleted or cleared key (a later graph of the stack is kept with the others)", () => {
    const cache = new GraphCache();
    cache.set("s1/a", graph("a"));
    cache.delete("s1/a");
    cache.set("s2/x", graph("x"));
    cache.set("s1/b", graph("b"));
    expect([...cache.keys()].sort()).toEqual(["s1/b", "s2/x"]);
    cache.clear();
    cache.set("s1/c", graph("c"));
    expect([...cache.keys()]).toEqual(["s1/c"]);
  });

  it("takes stack ids that hold a slash", () => {
    const cache = new GraphCache();
    cache.set("a/b/t1", graph("t1"));
    cache.set("a/t1", graph("t1"));
    cache.set("a/b/t2", graph("t2"));
    expect([...cache.keys()].sort()).toEqual(["a/b/t2", "a/t1"]);
  });
});
