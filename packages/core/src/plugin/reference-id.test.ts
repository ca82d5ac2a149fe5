import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createEngine } from "../engine/create-engine.js";
import { InvalidResourceTypeError } from "../errors.js";
import { createMemoryRuntime } from "../memory/memory-runtime.js";
import { defineResourceType } from "./define-resource-type.js";
import { referenceIdOf } from "./reference-id.js";
import { silentLogger } from "../testing/loggers.js";


/** A type referenced by its `token` attribute, as Heat's RandomString is by its value. */
const Token = defineResourceType({
  type: "test:ref:Token",
  properties: z.object({ seed: z.string() }),
  attributes: ["token"],
  async create(ctx) {
    return { physicalId: `token-${ctx.rowId}`, attributes: { token: `tok-${ctx.properties.seed}` } };
  },
  async delete() {},
  referenceId: (_physicalId, attributes) => attributes.token as string,
});

const Holder = defineResourceType({
  type: "test:ref:Holder",
  properties: z.object({ ref: z.string() }),
  updatable: "all",
  async create(ctx) {
    return { physicalId: `holder-${ctx.rowId}` };
  },
  async update() {},
  async delete() {},
});

describe("referenceId", () => {
  it("falls back to the physical id without a hook or with an unusable answer", () => {
    expect(referenceIdOf(Holder, "p", {})).toBe("p");
    expect(referenceIdOf(undefined, "p", {})).toBe("p");
    expect(referenceIdOf(Token, "p", { token: "t" })).toBe("t");
    expect(referenceIdOf(Token, "p", {})).toBe("p");
    expect(referenceIdOf(Token, null, { token: "t" })).toBeNull();
  });

  it("is what get_resource gives to other resources, outputs and previews", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = createEngine({ runtime, types: [Token, Holder], logger: silentLogger });
    const template = (seed: string) => ({
      resources: {
        token: { type: "test:ref:Token", properties: { seed } },
        holder: { type: "test:ref:Holder", properties: { ref: { get_resource: "token" } } },
      },
      outputs: { ref: { value: { get_resource: "token" } } },
    });
    await engine.createStack("s", template("a"));
    await runtime.runUntilIdle();
    const stack = await engine.getStack("s");
    expect(stack.state).toBe("CREATE_COMPLETE");
    expect(stack.outputs.ref).toBe("tok-a");
    const rows = await engine.listResources("s");
    expect(rows.find((r) => r.name === "holder")?.properties).toEqual({ ref: "tok-a" });
    expect(rows.find((r) => r.name === "token")?.physicalId).toMatch(/^token-/);
    // Same template: the preview resolves the reference from the stored attributes.
    const preview = await engine.previewUpdate("s", template("a"));
    expect(preview.resources.map((r) => `${r.name}:${r.action}`)).toEqual(["token:no_change", "holder:no_change"]);
  });

  it("must be a function when given", () => {
    expect(() =>
      defineResourceType({ ...Holder, type: "test:ref:Bad", referenceId: "token" as never }),
    ).toThrow(InvalidResourceTypeError);
  });
});
