import { describe, expect, it } from "vitest";
import type { TraversalGraph } from "../model/types.js";
import type { CompiledTemplate } from "../template/types.js";
import { cachedTemplate, loadGraph, loadTemplate } from "./engine-cache.js";
import type { CheckEnv } from "./env.js";

const template = (tag: string): CompiledTemplate => ({ resources: {}, outputs: {}, attributeRefs: {}, description: tag });

/** A cache environment over a store that counts its loads and answers `${stackId}/${templateId}`. */
function cacheEnv() {
  const loads: string[] = [];
  const env = {
    templateCache: new Map(),
    graphCache: new Map(),
    store: {
      loadTemplate: async (stackId: string, templateId: string) => {
        loads.push(`${stackId}/${templateId}`);
        return templateId === "missing" ? null : template(`${stackId}/${templateId}`);
      },
      loadGraph: async (stackId: string, traversalId: string): Promise<TraversalGraph> => {
        loads.push(`${stackId}#${traversalId}`);
        return { traversalId, templateId: "t", nodes: {}, roots: [], leaves: [] };
      },
    },
  } as unknown as CheckEnv;
  return { env, loads };
}

describe("engine caches", () => {
  it("keeps templates per stack: the same template id of two stacks are two entries", async () => {
    const { env, loads } = cacheEnv();
    expect((await loadTemplate(env, "s1", "t"))?.description).toBe("s1/t");
    expect((await loadTemplate(env, "s2", "t"))?.description).toBe("s2/t");
    expect(cachedTemplate(env, "s1", "t")?.description).toBe("s1/t");
    expect(cachedTemplate(env, "s2", "t")?.description).toBe("s2/t");
    expect(cachedTemplate(env, "s3", "t")).toBeUndefined();
    // A hit is given at once, with no load.
    expect(loadTemplate(env, "s1", "t")).not.toBeInstanceOf(Promise);
    expect(loads).toEqual(["s1/t", "s2/t"]);
  });

  it("shares one load between concurrent misses and keeps no missing template", async () => {
    const { env, loads } = cacheEnv();
    const [a, b] = await Promise.all([loadTemplate(env, "s", "t"), loadTemplate(env, "s", "t")]);
    expect(a).toBe(b);
    expect(await loadTemplate(env, "s", "missing")).toBeNull();
    expect(cachedTemplate(env, "s", "missing")).toBeUndefined();
    expect(loads).toEqual(["s/t", "s/missing"]);
  });

  it("is bounded: 4 templates per stack, 64 templates and 64 graphs in all (the oldest go first)", async () => {
    const { env } = cacheEnv();
    const kept = () => [...env.templateCache.values()].reduce((n, templates) => n + templates.size, 0);
    for (let i = 0; i < 6; i++) await loadTemplate(env, "s", `t${i}`);
    expect([0, 1, 2, 3, 4, 5].map((i) => cachedTemplate(env, "s", `t${i}`) !== undefined)).toEqual([false, false, true, true, true, true]);
    for (let i = 0; i < 70; i++) await loadTemplate(env, `stack${i}`, "t");
    expect(kept()).toBe(64);
    expect(cachedTemplate(env, "s", "t5")).toBeUndefined(); // the least recent stack went first
    expect(cachedTemplate(env, "stack0", "t")).toBeUndefined();
    expect(cachedTemplate(env, "stack69", "t")).toBeDefined();
    for (let i = 0; i < 20; i++) for (let j = 0; j < 4; j++) await loadTemplate(env, `many${i}`, `t${j}`);
    expect(kept()).toBe(64);
    expect(cachedTemplate(env, "many19", "t3")).toBeDefined();
    // A load that found nothing keeps nothing, not even an empty entry for its stack.
    await loadTemplate(env, "nothing", "missing");
    expect(env.templateCache.has("nothing")).toBe(false);
    for (let i = 0; i < 70; i++) await loadGraph(env, "s", `tr${i}`);
    expect(env.graphCache.size).toBe(64);
    expect(env.graphCache.has("tr69")).toBe(true);
    expect(env.graphCache.has("tr0")).toBe(false);
  });
});
