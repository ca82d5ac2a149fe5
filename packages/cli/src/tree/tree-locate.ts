/**
 * Pointing an error of a template tree at the file and line it is about. A validation error
 * of a nested template names its path through the nesting
 * (`resources.app.resources.db.properties.size`): the path is followed from the root
 * template through each template resource's file (its type, directly or through the
 * environments' `resource_registry`; a ResourceGroup's or ResourceChain's member by its
 * index; an `OS::Heat::Stack`'s `template: {get_file: …}`) as far as the files go, and the
 * rest of the path is located in the last file reached:
 *
 * ```
 *   resources.app.resources.db.properties.size
 *   └ site.yaml ─┘└─ app.yaml (type of app) ─┘   → app.yaml:7:7
 * ```
 */
import { parseTemplate } from "@converge/core";
import { locate } from "../template-file.js";
import type { TreeFile } from "./environment-file.js";
import type { TemplateTree } from "./template-tree.js";

type Data = Record<string, unknown>;

const isData = (value: unknown): value is Data => typeof value === "object" && value !== null && !Array.isArray(value);

/** Where in which file a path points. */
export interface TreeLocation {
  /** The file. */
  readonly source: TreeFile;
  /** The path inside that file. */
  readonly path: string;
}

/** How deep the walk follows nesting (the engine's limit is lower; this only bounds a cycle). */
const MAX_STEPS = 64;
/** How many aliases a registry lookup follows. */
const MAX_ALIASES = 16;

/** The file and the path inside it that a tree path names. */
export function locateTreePath(tree: TemplateTree, path: string): TreeLocation {
  let template: unknown = tree.source.template;
  let location: TreeLocation = { source: tree.source, path };
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = nestedStep(tree, template, location.path);
    if (next === undefined) break;
    if (next.file === undefined) return { source: location.source, path: next.path };
    const origin = tree.origins.get(next.file);
    const text = tree.files[next.file];
    if (origin === undefined || text === undefined) break;
    try {
      template = parseTemplate(text);
    } catch {
      break;
    }
    location = { source: origin, path: next.path };
  }
  return location;
}

/** Keys of a resource definition: a path through one of them stays in the file that defines it. */
const RESOURCE_KEYS = new Set(["type", "properties", "metadata", "depends_on", "update_policy", "deletion_policy", "condition", "external_id", "description"]);

/**
 * One step down: the file of the nested template the path goes into and the path inside it,
 * or (no `file`) a path of the same file (a group member's property is its `resource_def`'s).
 */
function nestedStep(tree: TemplateTree, template: unknown, path: string): { file?: string; path: string } | undefined {
  const resources = isData(template) ? template.resources : undefined;
  if (!isData(resources)) return undefined;
  const name = longestPrefix(Object.keys(resources), path, "resources.", ".");
  const resource = name === undefined ? undefined : resources[name];
  if (name === undefined || !isData(resource)) return undefined;
  const inner = path.slice(`resources.${name}.`.length);
  const first = inner.split(".")[0] ?? "";
  if (RESOURCE_KEYS.has(first)) return undefined;
  const properties = isData(resource.properties) ? resource.properties : {};
  if (resource.type === "OS::Heat::ResourceGroup" || resource.type === "OS::Heat::ResourceChain") {
    return memberStep(tree, name, resource.type === "OS::Heat::ResourceGroup", properties, inner);
  }
  const file = typeof resource.type === "string" ? templateFile(tree, resource.type, name) : undefined;
  const stack = file ?? stackTemplateFile(resource, properties);
  return stack === undefined ? undefined : { file: stack, path: inner };
}

/**
 * A step into member `resources.N` of a group (whose members are its `resource_def`) or a
 * chain (member N is its `resources[N]`, with the `resource_properties`).
 */
function memberStep(tree: TemplateTree, name: string, group: boolean, properties: Data, inner: string): { file?: string; path: string } | undefined {
  const index = /^resources\.([^.]+)(?:\.(.*))?$/.exec(inner);
  if (index === null) return undefined;
  const more = index[2] ?? "";
  const definition = isData(properties.resource_def) ? properties.resource_def : {};
  const member = group ? definition.type : Array.isArray(properties.resources) ? properties.resources[Number(index[1])] : undefined;
  const file = typeof member === "string" ? templateFile(tree, member, undefined) : undefined;
  const first = more.split(".")[0] ?? "";
  if (file !== undefined && more !== "" && !RESOURCE_KEYS.has(first)) return { file, path: more };
  const props = `resources.${name}.properties`;
  if (group) return { path: more === "" ? `${props}.resource_def` : `${props}.resource_def.${more}` };
  if (first === "type") return { path: `${props}.resources.${index[1] ?? ""}` };
  return { path: first === "properties" ? `${props}.resource_properties${more.slice("properties".length)}` : `${props}.resources.${index[1] ?? ""}` };
}

function stackTemplateFile(resource: Data, properties: Data): string | undefined {
  if (resource.type !== "OS::Heat::Stack" || !isData(properties.template)) return undefined;
  const named = properties.template.get_file;
  return typeof named === "string" ? named : undefined;
}

/** The longest key `k` such that `path` starts with `${before}${k}${after}`. */
function longestPrefix(keys: readonly string[], path: string, before: string, after: string): string | undefined {
  let best: string | undefined;
  for (const key of keys) {
    if (path.startsWith(`${before}${key}${after}`) && (best === undefined || key.length > best.length)) best = key;
  }
  return best;
}

/** The file a resource type stands for: a file name of the tree, or a registry alias of one. */
function templateFile(tree: TemplateTree, type: string, resourceName: string | undefined): string | undefined {
  let current = type;
  for (let hop = 0; hop < MAX_ALIASES; hop++) {
    if (Object.hasOwn(tree.files, current)) return current;
    const mapped = registryLookup(tree, current, resourceName);
    if (mapped === undefined || mapped === current) return undefined;
    current = mapped;
  }
  return undefined;
}

/**
 * What the environments' registries map a type to: a per-resource entry of any environment
 * first (as in Heat's merged registry), else the global entry of the last environment that
 * has one.
 */
function registryLookup(tree: TemplateTree, type: string, resourceName: string | undefined): string | undefined {
  const registries = tree.environments.map((env) => env.resource_registry).filter(isData).reverse();
  for (const registry of registries) {
    const own = resourceName !== undefined && isData(registry.resources) ? registry.resources[resourceName] : undefined;
    if (isData(own) && typeof own[type] === "string") return own[type];
  }
  for (const registry of registries) if (typeof registry[type] === "string") return registry[type];
  return undefined;
}

/** Turn an error of the tree into one located in its file (see {@link locateTreePath}). */
export function locateInTree(tree: TemplateTree, error: unknown): unknown {
  const path = (error as { path?: unknown }).path;
  if (typeof path !== "string" || path === "") return locate(tree.source, error);
  // An environment's error (the engine names the list entry: `environment[1].parameters.x`).
  const env = /^environment(?:\[(\d+)\])?(?:\.(.*))?$/.exec(path);
  const envSource = env === null ? undefined : tree.environmentSources[Number(env[1] ?? 0)];
  if (env !== null && envSource !== undefined) return locate(envSource, error, env[2] ?? "");
  const target = locateTreePath(tree, path);
  return locate(target.source, error, target.path);
}

/** Run `action`; a template validation error it throws is rethrown located in the tree's files. */
export async function withTemplateTree<T>(tree: TemplateTree, action: () => T | Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw locateInTree(tree, error);
  }
}
