/**
 * The file names a template or an environment refers to, for a client that reads a template
 * tree from disk (as `openstack stack create -t -e` does) and passes it as `files`.
 */
import { intrinsicName } from "../intrinsics.js";
import { isPlainObject } from "../plain-data.js";
import { looksLikeTemplateFile } from "./files.js";

/**
 * The file names a (parsed) template refers to, sorted, without duplicates: every
 * `get_file` argument that is a string, and every `type` whose value looks like a template
 * file (`*.yaml`, `*.yml`, `*.template`, `*.json`, a URL) - resource types, a group's
 * `resource_def` type, and the like. Names are as written (relative to the template's file).
 */
export function templateFileReferences(template: unknown): string[] {
  const found = new Set<string>();
  const stack: unknown[] = [template];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
      continue;
    }
    if (!isPlainObject(value)) continue;
    if (intrinsicName(value) === "get_file" && typeof value.get_file === "string") {
      found.add(value.get_file);
      continue;
    }
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (key === "type" && typeof item === "string" && looksLikeTemplateFile(item)) found.add(item);
      else stack.push(item);
    }
  }
  return [...found].sort();
}

/** The file names an environment's `resource_registry` maps types to (global and per resource), sorted. */
export function environmentFileReferences(environment: unknown): string[] {
  const found = new Set<string>();
  const registry = isPlainObject(environment) ? environment.resource_registry : undefined;
  if (!isPlainObject(registry)) return [];
  for (const key of Object.keys(registry)) {
    const value = registry[key];
    if (typeof value === "string" && looksLikeTemplateFile(value)) found.add(value);
    if (key === "resources" && isPlainObject(value)) {
      for (const entries of Object.values(value)) {
        if (!isPlainObject(entries)) continue;
        for (const target of Object.values(entries)) if (typeof target === "string" && looksLikeTemplateFile(target)) found.add(target);
      }
    }
  }
  return [...found].sort();
}
