import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createMemoryRuntime } from "../memory/memory-runtime.js";
import { defineResourceType } from "../plugin/define-resource-type.js";
import type { Template } from "../template/types.js";
import { createEngine } from "./create-engine.js";

/** A type with defaulted properties, one of them fixed (changing it needs a replacement). */
const Defaulted = defineResourceType({
  type: "test:preview:Defaulted",
  properties: z.object({ value: z.string(), size: z.number().default(1), zone: z.string().default("a"), tag: z.string().optional() }),
  attributes: ["value"],
  updatable: ["value", "size", "tag"],
  async create(ctx) {
    return { physicalId: `${ctx.resourceName}-1`, attributes: { value: ctx.properties.value } };
  },
  async update() {},
  async delete() {},
});

const template = (value: string, extra: Record<string, unknown> = {}): Template => ({
  resources: {
    a: { type: Defaulted.type, properties: { value } },
    b: { type: Defaulted.type, properties: { value: { get_attr: ["a", "value"] }, ...extra } },
  },
});

async function stack() {
  const runtime = createMemoryRuntime({ mode: "manual" });
  const engine = createEngine({ runtime, types: [Defaulted] });
  await engine.createStack("s", template("one"));
  await runtime.runUntilIdle();
  const preview = async (t: Template) => Object.fromEntries((await engine.previewUpdate("s", t)).resources.map((r) => [r.name, { action: r.action, changed: r.changed }]));
  return { engine, preview };
}

describe("previewUpdate: changed properties", () => {
  it("a value known only during the update: lists it, not the properties left to their defaults", async () => {
    const { engine, preview } = await stack();
    expect(await preview(template("two"))).toEqual({
      a: { action: "update", changed: ["value"] },
      b: { action: "unknown", changed: ["value"] },
    });
    await engine.close();
  });

  it("a known change beside an unknown value is listed with it; a defaulted fixed property does not force a replacement", async () => {
    const { engine, preview } = await stack();
    expect(await preview(template("two", { tag: "x" }))).toEqual({
      a: { action: "update", changed: ["value"] },
      b: { action: "unknown", changed: ["tag", "value"] },
    });
    expect((await preview(template("two", { zone: "b" }))).b).toEqual({ action: "replace", changed: ["zone"] });
    // Setting a property to its default changes nothing.
    expect((await preview(template("two", { size: 1, zone: "a" }))).b).toEqual({ action: "unknown", changed: ["value"] });
    await engine.close();
  });
});
