import { describe, expect, it } from "vitest";
import type { TraversalGraph } from "../model/types.js";
import type { CompiledTemplate } from "../template/types.js";
import { cachedTemplate, loadTemplate } from "./engine-cache.js";
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
});
