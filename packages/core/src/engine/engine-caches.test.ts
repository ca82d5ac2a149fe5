import { describe, expect, it } from "vitest";
import type { TraversalGraph } from "../model/types.js";
import type { CompiledTemplate } from "../template/types.js";
import { GraphCache, TemplateCache } from "./engine-caches.js";

const graph = (traversalId: string, templateId = "t"): TraversalGraph => ({ traversalId, templateId, nodes: {}, roots: [], leaves: [] });
const template = {} as CompiledTemplate;

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

describe("the engine's template cache", () => {
  it("keeps a stack's target and previous templates when a newer traversal's graph comes in", () => {
    const templates = new TemplateCache();
    const graphs = new GraphCache(templates);
    for (const key of ["s1/t1", "s1/t2", "s2/t1"]) templates.set(key, template);
    graphs.set("s1/a", graph("a", "t2"));
    // The stack's first graph here: only its target is known to be needed.
    expect([...templates.keys()].sort()).toEqual(["s1/t2", "s2/t1"]);
    templates.set("s1/t3", template);
    templates.set("s1/t1", template); // an old row's template, loaded again by its cleanup
    graphs.set("s1/a", graph("a", "t2")); // the same traversal: nothing dropped
    expect([...templates.keys()].sort()).toEqual(["s1/t1", "s1/t2", "s1/t3", "s2/t1"]);
    graphs.set("s1/b", graph("b", "t3"));
    expect([...templates.keys()].sort()).toEqual(["s1/t2", "s1/t3", "s2/t1"]);
  });

  it("forgets deleted and cleared keys", () => {
    const templates = new TemplateCache();
    templates.set("s1/t1", template);
    templates.delete("s1/t1");
    templates.set("s1/t2", template);
    templates.keepOnly("s1", ["t2"]);
    expect([...templates.keys()]).toEqual(["s1/t2"]);
    templates.clear();
    templates.keepOnly("s1", []);
    expect(templates.size).toBe(0);
  });
});

describe("a finished traversal", () => {
  it("leaves the caches with the stack's templates but its target", () => {
    const templates = new TemplateCache();
    const graphs = new GraphCache(templates);
    for (const key of ["s1/t1", "s1/t2", "s2/t1"]) templates.set(key, template);
    graphs.set("s1/a", graph("a", "t2"));
    templates.set("s1/t1", template);
    graphs.set("s2/x", graph("x", "t1"));
    graphs.finished("s1", "b"); // not cached: nothing to do
    expect([...templates.keys()].sort()).toEqual(["s1/t1", "s1/t2", "s2/t1"]);
    graphs.finished("s1", "a");
    expect([...graphs.keys()]).toEqual(["s2/x"]);
    expect([...templates.keys()].sort()).toEqual(["s1/t2", "s2/t1"]);
  });
});
