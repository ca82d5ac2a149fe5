/**
 * `defineResourceType`: the single factory a plugin author uses.
 */
import { z } from "zod";
import { InvalidResourceTypeError } from "../errors.js";
import type { PropertySchema, ResourceType, ResourceTypeSpec } from "./types.js";

const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_-]*((::|:)[A-Za-z0-9_-]+)+$/;

/**
 * Whether `value` is a zod 3 schema: zod 3 keeps its definition in `_def`, zod 4 (whose
 * schemas also have `_def`, for compatibility) in `_zod`.
 */
function isZod3Schema(value: unknown): boolean {
  return typeof value === "object" && value !== null && "_def" in value && !("_zod" in value);
}

/**
 * Validate and freeze a resource type definition.
 *
 * ```ts
 * const Bucket = defineResourceType({
 *   type: "acme:storage:Bucket",
 *   properties: z.object({ name: z.string(), versioning: z.boolean().default(false) }),
 *   attributes: ["arn"],
 *   updatable: ["versioning"],
 *   async create(ctx) { ... return { physicalId, attributes: { arn } }; },
 *   async update(ctx) { ... },
 *   async delete(ctx) { ... },
 * });
 * ```
 *
 * @throws InvalidResourceTypeError when the definition is malformed (bad type name, schema
 *   not a zod 4 object - a zod 3 schema says "zod 4 required" -, missing handlers, `updatable` naming unknown properties).
 */
export function defineResourceType<S extends PropertySchema, A extends string = string>(
  spec: ResourceTypeSpec<S, A>,
): ResourceType<S, A> {
  const name = typeof spec?.type === "string" ? spec.type : String(spec?.type);
  if (typeof spec !== "object" || spec === null) {
    throw new InvalidResourceTypeError(name, "the definition must be an object");
  }
  if (!TYPE_NAME.test(name)) {
    throw new InvalidResourceTypeError(
      name,
      'type names look like "vendor:module:Type" or "OS::Heat::TestResource"',
    );
  }
  if (isZod3Schema(spec.properties)) {
    throw new InvalidResourceTypeError(
      name,
      "`properties` is a zod 3 schema: zod 4 required (install zod@^4 - a peer dependency of @converge/core - and build the schema with its z.object)",
    );
  }
  if (!(spec.properties instanceof z.ZodObject)) {
    throw new InvalidResourceTypeError(name, "`properties` must be a zod object schema (z.object({...}))");
  }
  for (const handler of ["create", "delete"] as const) {
    if (typeof spec[handler] !== "function") {
      throw new InvalidResourceTypeError(name, `the \`${handler}\` handler is required`);
    }
  }
  for (const hook of ["update", "read", "diff", "getAttribute", "referenceId"] as const) {
    if (spec[hook] !== undefined && typeof spec[hook] !== "function") {
      throw new InvalidResourceTypeError(name, `\`${hook}\` must be a function when given`);
    }
  }
  const propertyNames = Object.keys(spec.properties.shape);
  const catchall = (spec.properties as { _zod: { def: { catchall?: { _zod: { def: { type: string } } } } } })._zod
    .def.catchall;
  const acceptsUnknownProperties = catchall !== undefined && catchall._zod.def.type !== "never";
  const attributeNames: string[] = Array.isArray(spec.attributes)
    ? [...(spec.attributes as readonly string[])]
    : Object.keys(spec.attributes ?? {});
  const updatable = spec.updatable ?? (spec.update === undefined ? [] : "all");
  if (updatable !== "all") {
    if (!Array.isArray(updatable)) throw new InvalidResourceTypeError(name, '`updatable` must be a list or "all"');
    if (updatable.length > 0 && spec.update === undefined) {
      throw new InvalidResourceTypeError(name, "`updatable` lists properties but no `update` handler is given");
    }
    for (const p of updatable) {
      if (!propertyNames.includes(p) && !acceptsUnknownProperties) {
        throw new InvalidResourceTypeError(name, `\`updatable\` names "${p}", which the property schema does not declare`);
      }
    }
  }
  for (const p of spec.secretProperties ?? []) {
    if (!propertyNames.includes(p) && !acceptsUnknownProperties) {
      throw new InvalidResourceTypeError(name, `\`secretProperties\` names "${p}", which the property schema does not declare`);
    }
  }
  const updatableSet = updatable === "all" ? null : new Set(updatable);
  const type: ResourceType<S, A> = {
    ...spec,
    __converge: "resource-type",
    attributeNames,
    propertyNames,
    acceptsUnknownProperties,
    isUpdatable: (property: string) =>
      spec.update !== undefined && (updatableSet === null || updatableSet.has(property)),
  };
  return Object.freeze(type);
}

/** True when `value` was produced by {@link defineResourceType}. */
export function isResourceType(value: unknown): value is ResourceType {
  return typeof value === "object" && value !== null && (value as { __converge?: unknown }).__converge === "resource-type";
}
