/**
 * A handler's context as a plugin sees it: plain fields plus `signal`, an own enumerable
 * property that a spread of the context keeps, aborted with the call's traversal.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createEngine, createMemoryRuntime, defineResourceType } from "@converge/core";
import { silentLogger } from "./support/protocol-kit.js";

describe("a handler's context", () => {
  it("has its fields and signal as own enumerable properties, kept by a spread", async () => {
    const seen: Array<Record<string, unknown>> = [];
    let spreadSignal: unknown;
    const type = defineResourceType({
      type: "test:ctx:Thing",
      properties: z.object({ v: z.number() }),
      attributes: [],
      async create(ctx) {
        const copy = { ...ctx };
        seen.push(copy);
        spreadSignal = copy.signal;
        return { physicalId: `p-${ctx.resourceName}` };
      },
      async update() {
        return {};
      },
      async delete() {},
    });
    const runtime = createMemoryRuntime({ mode: "auto" });
    const engine = createEngine({ runtime, types: [type], logger: silentLogger });
    await engine.createStack("s", { resources: { a: { type: "test:ctx:Thing", properties: { v: 1 } }, b: { type: "test:ctx:Thing", properties: { v: 2 } } } });
    expect((await engine.waitForStack("s")).state).toBe("CREATE_COMPLETE");
    expect(seen.map((c) => c.resourceName).sort()).toEqual(["a", "b"]);
    for (const copy of seen) {
      expect(Object.keys(copy)).toEqual(expect.arrayContaining(["stackName", "resourceName", "rowId", "signal", "deadline", "logger", "idempotencyKey", "properties", "setPhysicalId"]));
      expect(copy.stackName).toBe("s");
    }
    expect(spreadSignal).toBeInstanceOf(AbortSignal);
    expect((spreadSignal as AbortSignal).aborted).toBe(false);
    await engine.close();
    await runtime.close();
  });
});
