/**
 * Test-only fixtures for the template tests: a few resource types and a registry.
 * Not exported from the package.
 */
import { z } from "zod";
import { defineResourceType } from "../plugin/define-resource-type.js";
import { createTypeRegistry } from "../plugin/registry.js";
import type { TypeRegistry } from "../plugin/registry.js";

const handlers = {
  create: async () => ({ physicalId: "p-1" }),
  delete: async () => undefined,
};

/** A server: required `image`, defaulted `flavor`, optional lists and a nested config. */
export const Server = defineResourceType({
  type: "test:compute:Server",
  properties: z.object({
    image: z.string(),
    flavor: z.string().default("small"),
    tags: z.array(z.string()).optional(),
    networks: z.array(z.string()).optional(),
    user_data: z.string().optional(),
    config: z.object({ port: z.number() }).optional(),
  }),
  attributes: ["ip", "networks", "name"],
  ...handlers,
});

/** A database: required integer `size` ≥ 1. */
export const Database = defineResourceType({
  type: "test:db:Database",
  properties: z.object({ size: z.number().int().min(1), name: z.string().optional() }),
  attributes: ["url", "host", "port"],
  ...handlers,
});

/** A type accepting any property. */
export const Anything = defineResourceType({
  type: "test:misc:Anything",
  properties: z.object({ label: z.string().optional() }).loose(),
  attributes: ["out"],
  ...handlers,
});

/** A type with no properties and no attributes. */
export const Nothing = defineResourceType({
  type: "test:misc:Nothing",
  properties: z.object({}),
  ...handlers,
});

/** Registry of every fixture type. */
export const testTypes: TypeRegistry = createTypeRegistry([Server, Database, Anything, Nothing]);

/** Run `fn` and return what it throws; fails when it does not throw. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

/** Deep-freeze a value (to prove an input is never mutated). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
