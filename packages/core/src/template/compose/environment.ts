/**
 * Heat environments: `parameters`, `parameter_defaults` and `resource_registry`, one object
 * (or YAML/JSON text) or a list of them merged in order like several `-e` files.
 *
 * ```yaml
 * parameters: { flavor: m1.small }              # values of the top-level template's parameters
 * parameter_defaults: { image: cirros }         # defaults of any template's parameters (nested too)
 * resource_registry:
 *   My::Server: server.yaml                     # a type name -> a template file
 *   My::Alias: My::Server                       # -> another type name (followed)
 *   "OS::Net::*": "Acme::Net::*"                # prefix mapping
 * ```
 */
import { EnvironmentError } from "../../errors.js";
import { parseTemplate } from "../parse.js";
import { isPlainObject, joinPath, kindOf, setOwn } from "../plain-data.js";
import type { PlainObject } from "../plain-data.js";

/** One environment as Heat's `-e` files write it. */
export interface Environment {
  /** Values of the top-level template's parameters (the API's `parameters` win). */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Defaults for parameters of every template of the stack, nested ones included. */
  readonly parameter_defaults?: Readonly<Record<string, unknown>>;
  /** Type name → type name or template file name (`resources` entries are per resource name). */
  readonly resource_registry?: Readonly<Record<string, unknown>>;
  /** Accepted and ignored (Converge seals hidden parameters itself). */
  readonly encrypted_param_names?: readonly string[];
  /** Accepted and ignored. */
  readonly event_sinks?: readonly unknown[];
}

/** An environment, its text, or a list of them (merged in order, later wins). */
export type EnvironmentInput = Environment | string | readonly (Environment | string)[];

/** Several environments merged into one. */
export interface ResolvedEnvironment {
  /** Top-level parameter values. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Defaults of every template's parameters. */
  readonly parameterDefaults: Readonly<Record<string, unknown>>;
  /** Global registry: type name (or `Prefix::*`) → mapped name. */
  readonly registry: ReadonlyMap<string, string>;
  /** Per resource name (as written in its template): type name → mapped name. */
  readonly perResource: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

const SECTIONS = new Set(["parameters", "parameter_defaults", "resource_registry", "encrypted_param_names", "event_sinks", "parameter_merge_strategies"]);

/** The empty environment. */
export const EMPTY_ENVIRONMENT: ResolvedEnvironment = {
  parameters: {},
  parameterDefaults: {},
  registry: new Map(),
  perResource: new Map(),
};

/**
 * Validate and merge environments in order: `parameters` and `parameter_defaults` key by key
 * (later wins), registry entries key by key (later wins; an entry mapped to null removes it).
 * @throws EnvironmentError at `environment[i].SECTION.KEY` (`environment.SECTION...` for one).
 */
export function resolveEnvironment(input: unknown): ResolvedEnvironment {
  if (input === undefined || input === null) return EMPTY_ENVIRONMENT;
  const list: readonly unknown[] = Array.isArray(input) ? input : [input];
  const parameters: PlainObject = {};
  const parameterDefaults: PlainObject = {};
  const registry = new Map<string, string>();
  const perResource = new Map<string, Map<string, string>>();
  list.forEach((raw, i) => {
    const path = Array.isArray(input) ? `environment[${i}]` : "environment";
    const env = typeof raw === "string" ? parseEnvironmentText(raw, path) : raw;
    if (env === null || env === undefined) return;
    if (!isPlainObject(env)) throw new EnvironmentError(path, `an environment must be a mapping, got ${kindOf(env)}`);
    for (const key of Object.keys(env)) {
      if (!SECTIONS.has(key)) throw new EnvironmentError(joinPath(path, key), `unknown environment section "${key}" (allowed: ${[...SECTIONS].join(", ")})`);
    }
    mergeValues(parameters, env.parameters, joinPath(path, "parameters"));
    mergeValues(parameterDefaults, env.parameter_defaults, joinPath(path, "parameter_defaults"));
    mergeRegistry(registry, perResource, env.resource_registry, joinPath(path, "resource_registry"));
    checkMergeStrategies(env.parameter_merge_strategies, joinPath(path, "parameter_merge_strategies"));
  });
  return { parameters, parameterDefaults, registry, perResource };
}

function parseEnvironmentText(text: string, path: string): unknown {
  try {
    return parseTemplate(text);
  } catch (error) {
    throw new EnvironmentError(path, error instanceof Error ? error.message : String(error));
  }
}

function mergeValues(into: PlainObject, section: unknown, path: string): void {
  if (section === undefined || section === null) return;
  if (!isPlainObject(section)) throw new EnvironmentError(path, `must be a mapping of parameter name to value, got ${kindOf(section)}`);
  for (const key of Object.keys(section)) setOwn(into, key, section[key]);
}

function mergeRegistry(registry: Map<string, string>, perResource: Map<string, Map<string, string>>, section: unknown, path: string): void {
  if (section === undefined || section === null) return;
  if (!isPlainObject(section)) throw new EnvironmentError(path, `must be a mapping of type name to type or file name, got ${kindOf(section)}`);
  for (const key of Object.keys(section)) {
    const value = section[key];
    const at = joinPath(path, key);
    if (key === "base_url") continue;
    if (key === "resources") {
      mergePerResource(perResource, value, at);
      continue;
    }
    if (value === null) {
      registry.delete(key);
      continue;
    }
    if (typeof value !== "string" || value === "") throw new EnvironmentError(at, `must map to a type name or a file name, got ${kindOf(value)}`);
    if (key.endsWith("*") !== value.endsWith("*")) throw new EnvironmentError(at, `a prefix mapping ("X::*") must map to a prefix ("Y::*"), got ${JSON.stringify(value)}`);
    registry.set(key, value);
  }
}

function mergePerResource(perResource: Map<string, Map<string, string>>, section: unknown, path: string): void {
  if (!isPlainObject(section)) throw new EnvironmentError(path, `must be a mapping of resource name to registry entries, got ${kindOf(section)}`);
  for (const name of Object.keys(section)) {
    const entries = section[name];
    const at = joinPath(path, name);
    if (!isPlainObject(entries)) throw new EnvironmentError(at, `must be a mapping, got ${kindOf(entries)}`);
    let map = perResource.get(name);
    if (map === undefined) perResource.set(name, (map = new Map()));
    for (const key of Object.keys(entries)) {
      const value = entries[key];
      // Hooks (pre-create, pre-update, ...) are breakpoints of Heat's API: not applicable here.
      if (key === "hooks" || key === "restricted_actions") continue;
      if (typeof value !== "string" || value === "") throw new EnvironmentError(joinPath(at, key), `must map to a type name or a file name, got ${kindOf(value)}`);
      map.set(key, value);
    }
  }
}

function checkMergeStrategies(section: unknown, path: string): void {
  if (section === undefined || section === null) return;
  if (!isPlainObject(section)) throw new EnvironmentError(path, `must be a mapping, got ${kindOf(section)}`);
  for (const key of Object.keys(section)) {
    if (section[key] !== "overwrite") {
      throw new EnvironmentError(joinPath(path, key), `only the "overwrite" merge strategy is supported, got ${JSON.stringify(section[key])}`);
    }
  }
}

/** How many registry hops a type name may take before it counts as a loop. */
const MAX_ALIAS_HOPS = 32;

/**
 * The name a type name maps to through the registry (aliases to aliases followed), or the
 * name itself when unmapped. `resourceName` selects the per-resource entries first. Inside
 * the template file `fromFile`, an entry that maps to that very file is not followed (as in
 * Heat: `OS::Heat::RandomString: random.yaml` lets random.yaml use the real RandomString).
 * @throws EnvironmentError on a loop of aliases.
 */
export function mapTypeName(env: ResolvedEnvironment, typeName: string, resourceName: string, path: string, fromFile?: string): string {
  // No registry (the common case): every name is its own, with nothing to allocate per resource.
  if (env.registry.size === 0 && env.perResource.size === 0) return typeName;
  let current = typeName;
  const seen: string[] = [typeName];
  const own = env.perResource.get(resourceName);
  for (let hop = 0; hop < MAX_ALIAS_HOPS; hop++) {
    const next = own?.get(current) ?? env.registry.get(current) ?? prefixMapping(env.registry, current);
    if (next === undefined || next === current || (fromFile !== undefined && next === fromFile)) return current;
    if (seen.includes(next)) throw new EnvironmentError(path, `resource_registry aliases loop: ${[...seen, next].join(" -> ")}`);
    seen.push(next);
    current = next;
  }
  throw new EnvironmentError(path, `resource_registry aliases are chained more than ${MAX_ALIAS_HOPS} times: ${seen.join(" -> ")}`);
}

function prefixMapping(registry: ReadonlyMap<string, string>, name: string): string | undefined {
  let best: string | undefined;
  for (const key of registry.keys()) {
    if (key.endsWith("*") && name.startsWith(key.slice(0, -1)) && (best === undefined || key.length > best.length)) best = key;
  }
  if (best === undefined) return undefined;
  return (registry.get(best) as string).slice(0, -1) + name.slice(best.length - 1);
}

/**
 * One environment equivalent to the merged `env` (what a stack stores: the list it was given,
 * merged once).
 */
export function environmentObject(env: ResolvedEnvironment): Environment {
  const registry: Record<string, unknown> = {};
  for (const [key, value] of env.registry) setOwn(registry, key, value);
  if (env.perResource.size > 0) {
    const resources: Record<string, unknown> = {};
    for (const [name, entries] of env.perResource) setOwn(resources, name, Object.fromEntries(entries));
    setOwn(registry, "resources", resources);
  }
  return {
    ...(Object.keys(env.parameters).length === 0 ? {} : { parameters: { ...env.parameters } }),
    ...(Object.keys(env.parameterDefaults).length === 0 ? {} : { parameter_defaults: { ...env.parameterDefaults } }),
    ...(Object.keys(registry).length === 0 ? {} : { resource_registry: registry }),
  };
}
