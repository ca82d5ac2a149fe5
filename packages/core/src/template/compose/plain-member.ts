/**
 * A member of a group or chain whose type is a registered resource type: its properties were
 * compiled in the parent's template, so here they are only checked against the type's schema
 * (the literal ones) and added.
 */
import type { z } from "zod";
import { TemplateValidationError } from "../../errors.js";
import type { AnyResourceType } from "../../plugin/types.js";
import { sealMarker } from "../../secrets/seal.js";
import { containsIntrinsic } from "../intrinsics.js";
import { joinPath, ownValue, setOwn } from "../plain-data.js";
import type { PlainObject } from "../plain-data.js";
import { collectReferences } from "../references.js";
import { countResources } from "./checks.js";
import type { Composition } from "./context.js";

/** Per-type schema facts, computed once per type and compilation. */
const SHAPES = new WeakMap<AnyResourceType, { shape: Record<string, z.ZodType>; required: string[] }>();

function shapeOf(type: AnyResourceType): { shape: Record<string, z.ZodType>; required: string[] } {
  let facts = SHAPES.get(type);
  if (facts === undefined) {
    const shape = (type.properties as z.ZodObject).shape as Record<string, z.ZodType>;
    const required = Object.keys(shape).filter((p) => !(shape[p] as z.ZodType).safeParse(undefined).success);
    SHAPES.set(type, (facts = { shape, required }));
  }
  return facts;
}

/**
 * Check a member's compiled properties against its type and add it.
 * @throws TemplateValidationError at `PATH.properties.P`.
 */
export function addPlainMember(
  comp: Composition,
  name: string,
  type: AnyResourceType,
  props: PlainObject,
  explicit: readonly string[],
  path: string,
  declaredType: string = type.type,
): void {
  countResources(comp, 1, name, path);
  const propsPath = joinPath(path, "properties");
  const { shape, required } = shapeOf(type);
  let allLiteral = true;
  for (const prop of Object.keys(props)) {
    const at = joinPath(propsPath, prop);
    const field = ownValue(shape, prop) as z.ZodType | undefined;
    if (field === undefined && !type.acceptsUnknownProperties) {
      throw new TemplateValidationError(at, `unknown property "${prop}" for type ${type.type}; its properties are ${type.propertyNames.join(", ") || "none"}`);
    }
    if (containsIntrinsic(props[prop])) {
      allLiteral = false;
      continue;
    }
    if (field !== undefined) {
      const result = field.safeParse(props[prop]);
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new TemplateValidationError((issue?.path ?? []).reduce<string>((p, k) => joinPath(p, String(k)), at), issue?.message ?? "invalid value");
      }
    }
  }
  for (const prop of required) {
    if (ownValue(props, prop) === undefined) throw new TemplateValidationError(joinPath(propsPath, prop), `required property "${prop}" of type ${type.type} is missing`);
  }
  if (allLiteral) {
    const result: z.ZodSafeParseResult<unknown> = (type.properties as z.ZodType).safeParse(props);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new TemplateValidationError((issue?.path ?? []).reduce<string>((p, k) => joinPath(p, String(k)), propsPath), issue?.message ?? `rejected by the schema of ${type.type}`);
    }
  }
  const properties: PlainObject = {};
  for (const prop of Object.keys(props)) setOwn(properties, prop, props[prop]);
  for (const prop of type.secretProperties ?? []) {
    if (ownValue(properties, prop) !== undefined) setOwn(properties, prop, sealMarker(properties[prop]));
  }
  const deps = new Set(collectReferences(props).resources);
  for (const dep of explicit) deps.add(dep);
  const display = declaredType === type.type ? {} : { displayType: declaredType };
  setOwn(comp.resources, name, { type: type.type, properties, dependsOn: [...deps].sort(), deletionPolicy: "delete", ...display });
  comp.explicit.set(name, explicit);
}
