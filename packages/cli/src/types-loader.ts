/**
 * Loading resource types: the `@converge/plugins` set by default, plus every module named by
 * `--types` (a file path, or a package resolved from the working directory).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidOptionsError, isResourceType, errorMessage } from "@converge/core";
import type { AnyResourceType } from "@converge/core";
import { allTypes } from "@converge/plugins";

/** Options of {@link loadResourceTypes}. */
export interface LoadTypesOptions {
  /** Modules to load, in order (a later module's type replaces an earlier one of the same name). */
  readonly modules: readonly string[];
  /** Include `@converge/plugins`' `allTypes` first. @default true */
  readonly defaults?: boolean;
  /** Directory relative paths and package names resolve from. */
  readonly cwd: string;
}

/**
 * The resource types of a module's exports: every export that is a resource type, every
 * array of them, and the members of a `types` or `default` export that is an array or an
 * object of them.
 */
export function typesOfModule(exports: Readonly<Record<string, unknown>>): AnyResourceType[] {
  const found: AnyResourceType[] = [];
  const add = (value: unknown, depth: number): void => {
    if (isResourceType(value)) {
      if (!found.includes(value)) found.push(value);
    } else if (Array.isArray(value)) {
      for (const item of value) if (isResourceType(item) && !found.includes(item)) found.push(item);
    } else if (depth === 0 && typeof value === "object" && value !== null) {
      for (const item of Object.values(value)) add(item, 1);
    }
  };
  for (const [name, value] of Object.entries(exports)) add(value, name === "default" || name === "types" ? 0 : 1);
  return found;
}

/** Resolve a `--types` argument to an importable URL. */
function moduleUrl(spec: string, cwd: string): string {
  const looksLikePath = spec.startsWith(".") || isAbsolute(spec) || /\.(m|c)?(j|t)s$/.test(spec);
  if (looksLikePath) {
    const path = resolve(cwd, spec);
    if (!existsSync(path)) throw new InvalidOptionsError("--types", `module file "${spec}" does not exist (looked at ${path})`);
    return pathToFileURL(path).href;
  }
  try {
    return pathToFileURL(createRequire(resolve(cwd, "package.json")).resolve(spec)).href;
  } catch {
    throw new InvalidOptionsError("--types", `cannot find package "${spec}" from ${cwd}`);
  }
}

/**
 * Load the resource types. @throws InvalidOptionsError (`--types`) when a module cannot be
 * found or loaded, or exports no resource type.
 */
export async function loadResourceTypes(options: LoadTypesOptions): Promise<AnyResourceType[]> {
  const byName = new Map<string, AnyResourceType>();
  if (options.defaults ?? true) for (const type of allTypes) byName.set(type.type, type);
  for (const spec of options.modules) {
    const url = moduleUrl(spec, options.cwd);
    let exports: Record<string, unknown>;
    try {
      exports = (await import(url)) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidOptionsError("--types", `cannot load "${spec}": ${errorMessage(error)}`);
    }
    const types = typesOfModule(exports);
    if (types.length === 0) {
      throw new InvalidOptionsError("--types", `"${spec}" exports no resource type (export values made with defineResourceType, or a \`types\` array)`);
    }
    for (const type of types) byName.set(type.type, type);
  }
  return [...byName.values()];
}
