/**
 * Test-only fixtures for the template tests (beside their modules in src/template/): a few
 * resource types and a registry.
 */
import { expect } from "vitest";
import { z } from "zod";
import { defineResourceType } from "../../src/plugin/define-resource-type.js";
import { createTypeRegistry } from "../../src/plugin/registry.js";
import type { TypeRegistry } from "../../src/plugin/registry.js";
import { TemplateValidationError } from "../../src/errors.js";
import { compileTemplate } from "../../src/template/compile.js";
import { resolveValue } from "../../src/template/resolve.js";
import type { ResolveContext } from "../../src/template/resolve.js";

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

/** Where {@link compileProperty} puts the value: the property `v` of resource `any`. */
export const PROPERTY_PATH = "resources.any.properties.v";

/** What {@link compileProperty} may add to its template. */
export interface PropertyTemplate {
  /** Parameter declarations. */
  readonly parameters?: Record<string, unknown>;
  /** Parameter values. */
  readonly values?: Record<string, unknown>;
  /** The `conditions` section. */
  readonly conditions?: Record<string, unknown>;
}

/**
 * Compile `value` as the property `v` of resource `any` (type test:misc:Anything) in a
 * template that also has resource `src` (test:misc:Anything, attribute `out`), and return
 * the compiled property (absent when an `if` left it out).
 */
export function compileProperty(value: unknown, extra: PropertyTemplate = {}): unknown {
  const template = {
    ...(extra.parameters === undefined ? {} : { parameters: extra.parameters }),
    ...(extra.conditions === undefined ? {} : { conditions: extra.conditions }),
    resources: { src: { type: "test:misc:Anything" }, any: { type: "test:misc:Anything", properties: { v: value } } },
  };
  return compileTemplate(template, { types: testTypes, parameters: extra.values }).resources.any?.properties.v;
}

/** The TemplateValidationError `fn` throws; fails when it throws nothing or something else. */
export function validationError(fn: () => unknown): TemplateValidationError {
  const error = thrownBy(fn);
  if (!(error instanceof TemplateValidationError)) throw new Error(`expected a TemplateValidationError, got ${String(error)}`);
  return error;
}

/** A resolve context where `src.out` is `out` and `get_resource: src` is "src-id". */
export function contextWith(out: unknown): ResolveContext {
  return {
    getResource: (name) => (name === "src" ? "src-id" : undefined),
    getAttr: (name, attribute) => (name === "src" && attribute === "out" ? out : undefined),
  };
}

/** Resolve a compiled property at run time with `src.out` = `out` (use UNKNOWN for previews). */
export function resolveProperty(compiled: unknown, out: unknown): unknown {
  return resolveValue(compiled, contextWith(out), PROPERTY_PATH);
}

/** Expect compiling `value` as a property to fail at `path`, with a message matching `message`. */
export function expectCompileError(value: unknown, message: RegExp, path = PROPERTY_PATH): void {
  const error = validationError(() => compileProperty(value));
  expect(error.path).toBe(path);
  expect(error.message).toMatch(message);
}

/** Expect resolving the compiled property `value`, with `src.out` = `data`, to fail at the property. */
export function expectRunTimeError(value: unknown, data: unknown, message: RegExp): void {
  const compiled = compileProperty(value);
  const error = validationError(() => resolveProperty(compiled, data));
  expect(error.path).toBe(PROPERTY_PATH);
  expect(error.message).toMatch(message);
}
