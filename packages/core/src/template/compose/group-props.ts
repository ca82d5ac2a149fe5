/**
 * The properties of `OS::Heat::ResourceGroup` and `OS::Heat::ResourceChain`, checked, and the
 * member definitions they expand to.
 */
import { TemplateValidationError } from "../../errors.js";
import { intrinsicName } from "../intrinsics.js";
import { isPlainObject, joinPath, kindOf, setOwn, show } from "../plain-data.js";
import type { PlainObject } from "../plain-data.js";

/** One member of a group or chain before it is instantiated. */
export interface MemberDefinition {
  /** Index key (the member's name in the group: `"0"`, `"1"`, ...). */
  readonly index: string;
  /** Its type name (before registry mapping). */
  readonly type: string;
  /** Its compiled properties. */
  readonly properties: PlainObject;
}

/** A checked ResourceGroup. */
export interface GroupDefinition {
  readonly count: number;
  readonly indexVar: string;
  readonly type: string;
  readonly properties: PlainObject;
  /** Index keys that `removal_policies` leave out. */
  readonly removed: ReadonlySet<string>;
}

const GROUP_PROPS = new Set(["count", "index_var", "resource_def", "removal_policies", "removal_policies_mode"]);
const CHAIN_PROPS = new Set(["resources", "concurrent", "resource_properties"]);

function checkKnown(props: PlainObject, known: ReadonlySet<string>, typeName: string, propsPath: string): void {
  for (const key of Object.keys(props)) {
    if (!known.has(key)) throw new TemplateValidationError(joinPath(propsPath, key), `unknown property "${key}" for type ${typeName}; its properties are ${[...known].join(", ")}`);
  }
}

/** @throws TemplateValidationError when the value at `path` is not known at compile time. */
function requireLiteral(props: PlainObject, runtime: ReadonlySet<string>, key: string, propsPath: string): void {
  if (runtime.has(key)) {
    throw new TemplateValidationError(
      joinPath(propsPath, key),
      `${key} must be known when the template compiles (a literal, a parameter or a condition); it depends on a resource attribute (${show(props[key])})`,
    );
  }
}

/** Check a ResourceGroup's properties. @throws TemplateValidationError at `PATH.properties.X`. */
export function parseGroup(props: PlainObject, runtime: ReadonlySet<string>, path: string): GroupDefinition {
  const propsPath = joinPath(path, "properties");
  checkKnown(props, GROUP_PROPS, "OS::Heat::ResourceGroup", propsPath);
  for (const key of ["count", "index_var", "removal_policies", "removal_policies_mode"]) requireLiteral(props, runtime, key, propsPath);
  const count = groupCount(props.count ?? 1, joinPath(propsPath, "count"));
  const indexVar = props.index_var ?? "%index%";
  if (typeof indexVar !== "string" || indexVar === "") throw new TemplateValidationError(joinPath(propsPath, "index_var"), `must be a non-empty string, got ${kindOf(indexVar)}`);
  const mode = props.removal_policies_mode ?? "append";
  if (mode !== "append" && mode !== "update") throw new TemplateValidationError(joinPath(propsPath, "removal_policies_mode"), `must be append or update, got ${show(mode)}`);
  const defPath = joinPath(propsPath, "resource_def");
  const def = props.resource_def;
  if (!isPlainObject(def)) throw new TemplateValidationError(defPath, def === undefined ? "required property \"resource_def\" is missing" : `must be a mapping, got ${kindOf(def)}`);
  for (const key of Object.keys(def)) {
    if (key !== "type" && key !== "properties" && key !== "metadata") throw new TemplateValidationError(joinPath(defPath, key), `unknown key "${key}" in resource_def (allowed: type, properties, metadata)`);
  }
  if (typeof def.type !== "string" || def.type === "") throw new TemplateValidationError(joinPath(defPath, "type"), `the member type must be a string known at compile time, got ${show(def.type)}`);
  const properties = def.properties ?? {};
  if (!isPlainObject(properties)) throw new TemplateValidationError(joinPath(defPath, "properties"), `must be a mapping, got ${kindOf(properties)}`);
  return { count, indexVar, type: def.type, properties, removed: removalList(props.removal_policies, joinPath(propsPath, "removal_policies")) };
}

/** A group's count: a non-negative integer (or its decimal text). */
function groupCount(value: unknown, path: string): number {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new TemplateValidationError(path, `count must be a non-negative integer, got ${show(value)}`);
  }
  return n;
}

function removalList(value: unknown, path: string): ReadonlySet<string> {
  const removed = new Set<string>();
  if (value === undefined || value === null) return removed;
  if (!Array.isArray(value)) throw new TemplateValidationError(path, `must be a list of { resource_list: [...] }, got ${kindOf(value)}`);
  value.forEach((policy: unknown, i) => {
    const at = joinPath(path, i);
    if (!isPlainObject(policy)) throw new TemplateValidationError(at, `must be a mapping with resource_list, got ${kindOf(policy)}`);
    const list = policy.resource_list ?? [];
    if (!Array.isArray(list)) throw new TemplateValidationError(joinPath(at, "resource_list"), `must be a list of member names, got ${kindOf(list)}`);
    list.forEach((name: unknown, j) => {
      if (typeof name !== "string" && !(typeof name === "number" && Number.isInteger(name))) {
        throw new TemplateValidationError(joinPath(joinPath(at, "resource_list"), j), `must be a member name, got ${kindOf(name)}`);
      }
      removed.add(String(name));
    });
  });
  return removed;
}

/**
 * The members of a group: the first `count` indexes not removed, each with `index_var`
 * replaced by its index in every string of its type and properties.
 */
export function groupMembers(group: GroupDefinition): MemberDefinition[] {
  const members: MemberDefinition[] = [];
  for (let i = 0; members.length < group.count; i++) {
    const index = String(i);
    if (group.removed.has(index)) continue;
    members.push({ index, type: group.type.split(group.indexVar).join(index), properties: replaceIndex(group.properties, group.indexVar, index) as PlainObject });
  }
  return members;
}

/** A copy of `value` with `token` replaced by `index` in every string (keys of plain mappings too, not function names). */
function replaceIndex(value: unknown, token: string, index: string): unknown {
  if (typeof value === "string") return value.includes(token) ? value.split(token).join(index) : value;
  if (Array.isArray(value)) return value.map((item) => replaceIndex(item, token, index));
  if (!isPlainObject(value)) return value;
  const fn = intrinsicName(value);
  const out: PlainObject = {};
  for (const key of Object.keys(value)) {
    setOwn(out, fn === undefined ? key.split(token).join(index) : key, replaceIndex(value[key], token, index));
  }
  return out;
}

/** A checked ResourceChain's members. @throws TemplateValidationError at `PATH.properties.X`. */
export function chainMembers(props: PlainObject, runtime: ReadonlySet<string>, path: string): { members: MemberDefinition[]; concurrent: boolean } {
  const propsPath = joinPath(path, "properties");
  checkKnown(props, CHAIN_PROPS, "OS::Heat::ResourceChain", propsPath);
  requireLiteral(props, runtime, "resources", propsPath);
  requireLiteral(props, runtime, "concurrent", propsPath);
  const types = props.resources ?? [];
  if (!Array.isArray(types)) throw new TemplateValidationError(joinPath(propsPath, "resources"), `must be a list of type names, got ${kindOf(types)}`);
  const concurrent = props.concurrent ?? false;
  if (typeof concurrent !== "boolean") throw new TemplateValidationError(joinPath(propsPath, "concurrent"), `must be true or false, got ${show(concurrent)}`);
  const properties = props.resource_properties ?? {};
  if (!isPlainObject(properties)) throw new TemplateValidationError(joinPath(propsPath, "resource_properties"), `must be a mapping, got ${kindOf(properties)}`);
  const members = types.map((type: unknown, i): MemberDefinition => {
    if (typeof type !== "string" || type === "") throw new TemplateValidationError(joinPath(joinPath(propsPath, "resources"), i), `must be a type name, got ${show(type)}`);
    return { index: String(i), type, properties };
  });
  return { members, concurrent };
}

/** A group's batching policy (`update_policy.rolling_update` or `batch_create`). */
export interface BatchPolicy {
  readonly maxBatchSize: number;
  readonly minInService: number;
  readonly pauseTimeMs: number;
}

/**
 * The batching a group's `update_policy` asks for in this compilation: `batch_create` for a
 * create, `rolling_update` for an update; null when none applies.
 * @throws TemplateValidationError at `PATH.update_policy...`.
 */
export function batchPolicy(value: unknown, update: boolean, path: string): BatchPolicy | null {
  if (value === undefined || value === null) return null;
  const at = joinPath(path, "update_policy");
  if (!isPlainObject(value)) throw new TemplateValidationError(at, `must be a mapping, got ${kindOf(value)}`);
  for (const key of Object.keys(value)) {
    if (key !== "rolling_update" && key !== "batch_create") throw new TemplateValidationError(joinPath(at, key), `unknown update policy "${key}" (allowed: rolling_update, batch_create)`);
  }
  const rolling = value.rolling_update === undefined || value.rolling_update === null ? null : parsePolicy(value.rolling_update, joinPath(at, "rolling_update"), true);
  const batch = value.batch_create === undefined || value.batch_create === null ? null : parsePolicy(value.batch_create, joinPath(at, "batch_create"), false);
  return update ? rolling : batch;
}

function parsePolicy(value: unknown, path: string, rolling: boolean): BatchPolicy {
  if (!isPlainObject(value)) throw new TemplateValidationError(path, `must be a mapping, got ${kindOf(value)}`);
  const keys = rolling ? ["max_batch_size", "min_in_service", "pause_time"] : ["max_batch_size", "pause_time"];
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new TemplateValidationError(joinPath(path, key), `unknown key "${key}" (allowed: ${keys.join(", ")})`);
  }
  const int = (key: string, fallback: number, min: number): number => {
    const raw = value[key] ?? fallback;
    const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== "number" || !Number.isFinite(n) || n < min) throw new TemplateValidationError(joinPath(path, key), `must be a number >= ${min}, got ${show(raw)}`);
    return n;
  };
  return { maxBatchSize: Math.floor(int("max_batch_size", 1, 1)), minInService: Math.floor(int("min_in_service", 0, 0)), pauseTimeMs: int("pause_time", 0, 0) * 1000 };
}
