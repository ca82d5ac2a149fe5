/**
 * Validation and compilation of a template's `resources` section.
 */
import type { z } from "zod";
import { TemplateValidationError, UnknownResourceTypeError } from "../errors.js";
import type { TypeRegistry } from "../plugin/registry.js";
import type { AnyResourceType } from "../plugin/types.js";
import { isPlainObject, joinPath, kindOf, ownValue, setOwn } from "./plain-data.js";
import type { PlainObject } from "./plain-data.js";
import type { Conditions } from "./conditions.js";
import { sealMarker } from "../secrets/seal.js";
import type { CompiledResource } from "./types.js";
import { OMITTED, checkData } from "./validate-value.js";
import type { ValueCompiler } from "./validate-value.js";

/** Keys a resource declaration may have. */
export const RESOURCE_KEYS: readonly string[] = ["type", "properties", "depends_on", "deletion_policy", "metadata", "description", "condition", "external_id", "update_policy"];
const RESOURCE_KEY_SET: ReadonlySet<string> = new Set(RESOURCE_KEYS);

/** Which resources of the template are part of the stack. */
export interface ResourceSelection {
  /** Every resource name of the template, in key order. */
  readonly names: ReadonlySet<string>;
  /** The resources whose `condition` is false, each with the reason shown in errors. */
  readonly dropped: ReadonlyMap<string, string>;
}

/**
 * Check each resource declaration's kind and keys and decide its `condition` (a condition
 * name, a boolean or a condition function), in key order. `names`: the section's keys as a
 * set, when the caller has made it already.
 * @throws TemplateValidationError at `resources.NAME`, an unknown key, or `resources.NAME.condition…`.
 */
export function selectResources(section: PlainObject, conditions: Conditions, names?: ReadonlySet<string>): ResourceSelection {
  const dropped = new Map<string, string>();
  for (const name of Object.keys(section)) {
    const path = joinPath("resources", name);
    const decl = section[name];
    if (!isPlainObject(decl)) throw new TemplateValidationError(path, `a resource must be a mapping, got ${kindOf(decl)}`);
    for (const key of Object.keys(decl)) {
      if (!RESOURCE_KEY_SET.has(key)) {
        throw new TemplateValidationError(joinPath(path, key), `unknown key "${key}" in a resource (allowed: ${RESOURCE_KEYS.join(", ")})`);
      }
    }
    const condition = decl.condition;
    if (condition === undefined || condition === null) continue;
    if (!conditions.decide(condition, joinPath(path, "condition"))) {
      dropped.set(name, typeof condition === "string" ? `its condition "${condition}" is false` : "its condition is false");
    }
  }
  return { names: names ?? new Set(Object.keys(section)), dropped };
}

/** What compiling the resources produced. */
export interface CompiledResources {
  /** The compiled resources as `[name, resource]` entries, in template key order. */
  readonly entries: readonly (readonly [string, CompiledResource])[];
  /** Property paths (`resources.X.properties.P`) a hidden parameter flowed into. */
  readonly hiddenPaths: readonly string[];
}

/** Where the resources of a nested template go in the compiled (flattened) template. */
export interface ResourceScope {
  /** The compiled name of a resource of this template (`app/db` for `db` under `app`). */
  qualify(name: string): string;
  /** Resources that are nested stacks: compiled elsewhere (`compose/`), skipped here. */
  readonly nested: ReadonlySet<string>;
  /** Compiled names every resource of this template also depends on (its parent's `depends_on`). */
  readonly inherited: readonly string[];
  /** The registered type a resource's type name maps to through the environment's registry. */
  mapType(name: string): string | undefined;
}

/** Per-type facts computed once per compilation. */
interface TypeFacts {
  readonly shape: Readonly<Record<string, z.ZodType>>;
  readonly declared: ReadonlySet<string>;
  readonly required: readonly string[];
}

/** One resource's type while its properties are compiled. */
interface PropertyContext {
  readonly type: AnyResourceType;
  readonly fact: TypeFacts;
  /** The type name as written (errors name it). */
  readonly typeName: string;
  readonly compiler: ValueCompiler;
  /** Where the paths of properties that use hidden values are collected. */
  readonly hiddenPaths: string[];
}

/** A resource's compiled properties and the resources they refer to. */
interface CompiledProperties {
  readonly properties: PlainObject;
  readonly references: Set<string> | undefined;
}

/** Validate one given property's name. @throws TemplateValidationError at `propPath` */
function checkPropertyName(ctx: PropertyContext, prop: string, propPath: string): void {
  const { type, typeName } = ctx;
  if (prop === "__proto__") {
    // A zod object schema drops this key from its result: refuse it rather than lose it.
    throw new TemplateValidationError(propPath, `a property cannot be named "__proto__" (type ${typeName} would never receive it)`);
  }
  if (!ctx.fact.declared.has(prop) && !type.acceptsUnknownProperties) {
    const known = type.propertyNames.length > 0 ? `its properties are ${type.propertyNames.join(", ")}` : "it has no properties";
    throw new TemplateValidationError(propPath, `unknown property "${prop}" for type ${typeName}; ${known}`);
  }
}

/** Check a literal value against its property's schema. @throws TemplateValidationError at the offending sub-path */
function checkLiteralProperty(field: z.ZodType, value: unknown, propPath: string): void {
  const result = field.safeParse(value);
  if (result.success) return;
  const issue = result.error.issues[0];
  const sub = (issue?.path ?? []).reduce<string>((p, k) => joinPath(p, String(k)), propPath);
  throw new TemplateValidationError(sub, issue?.message ?? "invalid value");
}

/**
 * Compile a resource's given properties: each name, its intrinsics, its schema when literal;
 * then the required ones, the whole object when all are literal, and the sealing of hidden
 * and secret values. @throws TemplateValidationError at the offending property
 */
function compileProperties(ctx: PropertyContext, given: PlainObject, propsPath: string): CompiledProperties {
  const { type, fact, typeName, compiler } = ctx;
  const properties: PlainObject = {};
  let references: Set<string> | undefined;
  let allLiteral = true;
  let omitted: Set<string> | undefined;
  const hiddenProps: string[] = [];
  for (const prop of Object.keys(given)) {
    const raw = given[prop];
    if (raw === undefined) continue;
    const propPath = joinPath(propsPath, prop);
    checkPropertyName(ctx, prop, propPath);
    const compiled = compiler.compile(raw, propPath);
    if (compiled.value === OMITTED) {
      (omitted ??= new Set()).add(prop);
      continue;
    }
    if (compiler.references.length > 0) references = addAll(references, compiler.references);
    if (compiler.usedHidden) {
      ctx.hiddenPaths.push(propPath);
      hiddenProps.push(prop);
    }
    allLiteral &&= compiled.literal;
    const field = ownValue(fact.shape, prop) as z.ZodType | undefined;
    if (compiled.literal && field !== undefined) checkLiteralProperty(field, compiled.value, propPath);
    setOwn(properties, prop, compiled.value);
  }
  for (const prop of fact.required) {
    if (ownValue(properties, prop) === undefined) {
      const why = omitted?.has(prop) === true ? " (an if without a value for a false condition left it out)" : "";
      throw new TemplateValidationError(joinPath(propsPath, prop), `required property "${prop}" of type ${typeName} is missing${why}`);
    }
  }
  if (allLiteral) checkWholeObject(type, properties, propsPath);
  // Validated in clear, stored sealed: no stored template holds a hidden parameter's value
  // or a secret property in clear.
  if (hiddenProps.length > 0 || (type.secretProperties?.length ?? 0) > 0) {
    for (const prop of new Set([...hiddenProps, ...(type.secretProperties ?? [])])) {
      if (ownValue(properties, prop) !== undefined) setOwn(properties, prop, sealMarker(properties[prop]));
    }
  }
  return { properties, references };
}

/**
 * Validate and compile every resource of the stack, in key order (after
 * {@link selectResources}): `type`, each given property (unknown name, then intrinsics, then
 * the property schema when the value is literal), missing required properties, `depends_on`,
 * `deletion_policy`, `description`. A resource whose condition is false is left out of the
 * result; only its `type` (a string), `properties` (JSON data), `depends_on` (names),
 * `deletion_policy` and `description` are checked.
 * @throws TemplateValidationError (or UnknownResourceTypeError) at the offending node.
 */
export function compileResources(
  section: PlainObject,
  selection: ResourceSelection,
  types: TypeRegistry,
  compiler: ValueCompiler,
  scope?: ResourceScope,
): CompiledResources {
  const entries: (readonly [string, CompiledResource])[] = [];
  const hiddenPaths: string[] = [];
  const facts = new Map<AnyResourceType, TypeFacts>();
  const { names, dropped } = selection;
  for (const name of names) {
    const path = joinPath("resources", name);
    const decl = section[name] as PlainObject;
    const typeName = decl.type;
    if (typeof typeName !== "string") {
      const problem = typeName === undefined ? "is missing" : `must be a string, got ${kindOf(typeName)}`;
      throw new TemplateValidationError(joinPath(path, "type"), `the resource type ${problem}`);
    }
    if (dropped.has(name)) {
      checkDropped(decl, path);
      continue;
    }
    if (scope?.nested.has(name) === true) continue;
    const mappedName = scope?.mapType(name) ?? typeName;
    const type = types.get(mappedName);
    if (type === undefined) throw new UnknownResourceTypeError(joinPath(path, "type"), mappedName, types.names());
    let fact = facts.get(type);
    if (fact === undefined) facts.set(type, (fact = typeFacts(type)));

    const propsPath = joinPath(path, "properties");
    const given = decl.properties ?? NO_PROPERTIES;
    if (!isPlainObject(given)) throw new TemplateValidationError(propsPath, `properties must be a mapping, got ${kindOf(given)}`);
    const compiledProps = compileProperties({ type, fact, typeName, compiler, hiddenPaths }, given, propsPath);
    const properties = compiledProps.properties;
    let dependsOn = compiledProps.references;
    const explicit = explicitDependencies(decl.depends_on, name, selection, path);
    if (explicit.length > 0) dependsOn = addAll(dependsOn, scope === undefined ? explicit : explicit.map((dep) => scope.qualify(dep)));
    if (scope !== undefined && scope.inherited.length > 0) dependsOn = addAll(dependsOn, scope.inherited);
    const deletionPolicy = normalizeDeletionPolicy(decl.deletion_policy, path);
    checkUpdatePolicy(decl.update_policy, path);
    if (decl.description !== undefined && typeof decl.description !== "string") {
      throw new TemplateValidationError(joinPath(path, "description"), "description must be a string");
    }
    const externalId = compileExternalId(decl.external_id, type, path, compiler);
    const resource: CompiledResource = {
      type: mappedName,
      properties,
      dependsOn: dependsOn === undefined ? NO_NAMES : [...dependsOn].sort(),
      deletionPolicy,
      ...(externalId === undefined ? {} : { externalId }),
      ...(mappedName === typeName ? {} : { displayType: typeName }),
    };
    entries.push([scope === undefined ? name : scope.qualify(name), resource]);
  }
  return { entries, hiddenPaths };
}

const NO_PROPERTIES: PlainObject = Object.freeze({});
/** Shared (frozen) empty list: most resources have no dependency, and 100,000 of them add up. */
const NO_NAMES: readonly string[] = Object.freeze([]);

function addAll(set: Set<string> | undefined, items: readonly string[]): Set<string> {
  const out = set ?? new Set<string>();
  for (const item of items) out.add(item);
  return out;
}

/**
 * Run the type's whole schema over properties that are all known at validation time, so
 * cross-property rules (refinements over several properties) fail before anything is written.
 */
function checkWholeObject(type: AnyResourceType, properties: PlainObject, propsPath: string): void {
  const result: z.ZodSafeParseResult<unknown> = (type.properties as z.ZodType).safeParse(properties);
  if (result.success) return;
  const issue = result.error.issues[0];
  const path: readonly PropertyKey[] = issue?.path ?? [];
  const at = path.reduce<string>((p, k) => joinPath(p, String(k)), propsPath);
  throw new TemplateValidationError(at, issue?.message ?? `rejected by the schema of ${type.type}`);
}

function typeFacts(type: AnyResourceType): TypeFacts {
  const shape = (type.properties as z.ZodObject).shape as Record<string, z.ZodType>;
  const required = Object.keys(shape).filter((p) => !(shape[p] as z.ZodType).safeParse(undefined).success);
  return { shape, declared: new Set(Object.keys(shape)), required };
}

/**
 * The names in a `depends_on` (a name or a list of names), each checked to be another
 * resource of the stack (not one whose condition is false). `resourcePath` is `resources.NAME`.
 */
export function explicitDependencies(value: unknown, self: string, selection: ResourceSelection, resourcePath: string): readonly string[] {
  const path = joinPath(resourcePath, "depends_on");
  const list = dependencyNames(value, path);
  list.forEach((dep, i) => {
    const at = typeof value === "string" ? path : joinPath(path, i);
    if (dep === self) throw new TemplateValidationError(at, `resource "${self}" cannot depend on itself`);
    if (!selection.names.has(dep)) throw new TemplateValidationError(at, `depends_on refers to unknown resource "${dep}"`);
    const reason = selection.dropped.get(dep);
    if (reason !== undefined) {
      throw new TemplateValidationError(at, `depends_on refers to resource "${dep}", which is not part of the stack: ${reason}`);
    }
  });
  return list;
}

/** The names of a `depends_on` (a name or a list of names), checked to be strings. */
function dependencyNames(value: unknown, path: string): readonly string[] {
  if (value === undefined || value === null) return NO_NAMES;
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list)) {
    throw new TemplateValidationError(path, `depends_on must be a resource name or a list of names, got ${kindOf(value)}`);
  }
  list.forEach((dep: unknown, i) => {
    const at = typeof value === "string" ? path : joinPath(path, i);
    if (typeof dep !== "string") throw new TemplateValidationError(at, `depends_on names must be strings, got ${kindOf(dep)}`);
  });
  return list as string[];
}

/** The checks of a resource whose condition is false: it is not compiled, only checked to be well-formed data. */
function checkDropped(decl: PlainObject, path: string): void {
  const propsPath = joinPath(path, "properties");
  const given = decl.properties ?? NO_PROPERTIES;
  if (!isPlainObject(given)) throw new TemplateValidationError(propsPath, `properties must be a mapping, got ${kindOf(given)}`);
  checkData(given, propsPath);
  dependencyNames(decl.depends_on, joinPath(path, "depends_on"));
  normalizeDeletionPolicy(decl.deletion_policy, path);
  checkUpdatePolicy(decl.update_policy, path);
  if (decl.description !== undefined && typeof decl.description !== "string") {
    throw new TemplateValidationError(joinPath(path, "description"), "description must be a string");
  }
}

/**
 * A resource's `external_id`: a non-empty string, or a function that folds to one at
 * compile time (`get_param`, `list_join` of literals, ...), of a type that has `read`.
 * @throws TemplateValidationError at `resources.NAME.external_id`.
 */
function compileExternalId(value: unknown, type: AnyResourceType, resourcePath: string, compiler: ValueCompiler): string | undefined {
  if (value === undefined || value === null) return undefined;
  const path = joinPath(resourcePath, "external_id");
  const compiled = compiler.compile(value, path);
  if (!compiled.literal || compiler.references.length > 0) {
    throw new TemplateValidationError(path, "external_id must be known at compile time (a string, or a function of parameters such as get_param); it cannot refer to resources");
  }
  if (compiler.usedHidden) throw new TemplateValidationError(path, "external_id cannot use a hidden parameter: a physical id is shown in every view");
  if (typeof compiled.value !== "string" || compiled.value === "") {
    throw new TemplateValidationError(path, `external_id must be a non-empty string, got ${compiled.value === "" ? "an empty string" : kindOf(compiled.value)}`);
  }
  if (type.read === undefined) {
    throw new TemplateValidationError(path, `type ${type.type} has no read, so it cannot import an existing resource`);
  }
  return compiled.value;
}

function normalizeDeletionPolicy(value: unknown, resourcePath: string): "delete" | "retain" {
  if (value === undefined || value === null) return "delete";
  const policy = typeof value === "string" ? value.toLowerCase() : undefined;
  if (policy === "delete" || policy === "retain") return policy;
  throw new TemplateValidationError(joinPath(resourcePath, "deletion_policy"), `deletion_policy must be Delete or Retain, got ${JSON.stringify(value)}`);
}

/**
 * A resource's `update_policy` (Heat's section of update settings, e.g. a group's
 * `rolling_update`): accepted on every resource as a mapping (or null), as Heat's template
 * accepts it; the types that act on it read it from the declaration.
 */
function checkUpdatePolicy(value: unknown, resourcePath: string): void {
  if (value === undefined || value === null || isPlainObject(value)) return;
  throw new TemplateValidationError(joinPath(resourcePath, "update_policy"), `update_policy must be a mapping, got ${kindOf(value)}`);
}
