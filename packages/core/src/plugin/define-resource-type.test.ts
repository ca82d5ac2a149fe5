import { describe, expect, it } from "vitest";
import { z } from "zod";
import { z as z3 } from "zod3";
import { ConvergeError, InvalidOptionsError, InvalidResourceTypeError, ResourceError, RetryableError, UpdateReplace } from "../errors.js";
import { defineResourceType, isResourceType } from "./define-resource-type.js";
import { createTypeRegistry } from "./registry.js";

const base = {
  properties: z.object({ size: z.number(), label: z.string().optional() }),
  create: async () => ({ physicalId: "x" }),
  delete: async () => undefined,
};

describe("defineResourceType", () => {
  it("accepts a valid definition and normalizes it", () => {
    const t = defineResourceType({ ...base, type: "acme:disk:Volume", attributes: { arn: "the ARN" }, update: async () => undefined, updatable: ["label"] });
    expect(isResourceType(t)).toBe(true);
    expect(t.attributeNames).toEqual(["arn"]);
    expect(t.propertyNames).toEqual(["size", "label"]);
    expect(t.isUpdatable("label")).toBe(true);
    expect(t.isUpdatable("size")).toBe(false);
    expect(t.acceptsUnknownProperties).toBe(false);
    expect(Object.isFrozen(t)).toBe(true);
  });

  it("defaults: every property updatable with an update handler, none without", () => {
    expect(defineResourceType({ ...base, type: "a:b:C", update: async () => undefined }).isUpdatable("size")).toBe(true);
    expect(defineResourceType({ ...base, type: "a:b:C" }).isUpdatable("size")).toBe(false);
  });

  it("accepts Heat-style names and loose schemas", () => {
    const t = defineResourceType({ ...base, type: "OS::Heat::None", properties: z.object({}).loose() });
    expect(t.acceptsUnknownProperties).toBe(true);
  });

  it.each([
    [{ ...base, type: "nocolon" }, /type names look like/],
    [{ ...base, type: "a:b:C", properties: { size: "number" } }, /zod object schema/],
    [{ ...base, type: "a:b:C", create: undefined }, /`create` handler is required/],
    [{ ...base, type: "a:b:C", delete: undefined }, /`delete` handler is required/],
    [{ ...base, type: "a:b:C", read: "yes" }, /`read` must be a function/],
    [{ ...base, type: "a:b:C", update: async () => undefined, updatable: ["nope"] }, /does not declare/],
    [{ ...base, type: "a:b:C", updatable: ["size"] }, /no `update` handler/],
    [{ ...base, type: "a:b:C", secretProperties: ["nope"] }, /does not declare/],
  ])("rejects a malformed definition %#", (spec, message) => {
    expect(() => defineResourceType(spec as never)).toThrow(InvalidResourceTypeError);
    expect(() => defineResourceType(spec as never)).toThrow(message);
  });
});

describe("defineResourceType with a zod 3 schema", () => {
  it("says zod 4 is required, for an object schema and for any other zod 3 schema", () => {
    for (const properties of [z3.object({ size: z3.number() }), z3.string()]) {
      const define = (): unknown => defineResourceType({ ...base, type: "acme:disk:Volume", properties } as never);
      expect(define).toThrow(InvalidResourceTypeError);
      expect(define).toThrow(/resource type "acme:disk:Volume".*zod 3 schema: zod 4 required/);
    }
    // A zod 4 schema is accepted; one that is not an object still gets the object message.
    expect(defineResourceType({ ...base, type: "a:b:C" }).propertyNames).toEqual(["size", "label"]);
    expect(() => defineResourceType({ ...base, type: "a:b:C", properties: z.string() } as never)).toThrow(/must be a zod object schema/);
  });
});

describe("createTypeRegistry", () => {
  it("looks types up by name and lists them sorted", () => {
    const b = defineResourceType({ ...base, type: "z:z:B" });
    const a = defineResourceType({ ...base, type: "a:a:A" });
    const registry = createTypeRegistry([b, a]);
    expect(registry.names()).toEqual(["a:a:A", "z:z:B"]);
    expect(registry.get("a:a:A")).toBe(a);
    expect(registry.get("missing")).toBeUndefined();
  });

  it("rejects duplicates and non-types, naming the index", () => {
    const a = defineResourceType({ ...base, type: "a:a:A" });
    expect(() => createTypeRegistry([a, a])).toThrow(/types\[1\].*duplicate/);
    expect(() => createTypeRegistry([{ type: "x" } as never])).toThrow(InvalidOptionsError);
  });
});

describe("errors", () => {
  it("carry codes and survive duplicated class identities through brands", () => {
    const e = new RetryableError("slow down", { retryAfterMs: 50 });
    expect(e).toBeInstanceOf(ResourceError);
    expect(e).toBeInstanceOf(ConvergeError);
    expect(e.retryable).toBe(true);
    expect(e.code).toBe("RETRYABLE");
    expect(new UpdateReplace().code).toBe("UPDATE_REPLACE");
    expect(new UpdateReplace()).not.toBeInstanceOf(RetryableError);
    // A structurally identical error from "another copy" of the package is still recognized.
    const foreign = Object.create(null) as object;
    Object.defineProperty(foreign, Symbol.for("@converge/core/error/brands"), {
      value: new Set([Symbol.for("@converge/core/error/ConvergeError"), Symbol.for("@converge/core/error/ResourceError")]),
    });
    expect(foreign).toBeInstanceOf(ResourceError);
    expect(foreign).not.toBeInstanceOf(RetryableError);
  });
});
