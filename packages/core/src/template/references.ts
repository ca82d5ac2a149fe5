/**
 * What a compiled value reads from other resources.
 */
import { intrinsicArgument, intrinsicName } from "./intrinsics.js";
import { isPlainObject } from "./plain-data.js";

/** The resources and attributes a value reads. */
export interface ValueReferences {
  /** Resource names read by `get_resource` or `get_attr`, sorted, unique. */
  readonly resources: readonly string[];
  /** Attribute names read by `get_attr`, per resource name, sorted, unique. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
}

/**
 * The resources and attributes a compiled (or raw) value reads through `get_resource` and
 * `get_attr`, at any depth (including inside `list_join` / `str_replace`). Malformed
 * intrinsics are skipped; {@link compileTemplate} reports those.
 */
export function collectReferences(value: unknown): ValueReferences {
  const resources = new Set<string>();
  const attributes = new Map<string, Set<string>>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
      continue;
    }
    if (!isPlainObject(v)) continue;
    const fn = intrinsicName(v);
    if (fn === "get_resource") {
      const name = intrinsicArgument(v, fn);
      if (typeof name === "string") resources.add(name);
      continue;
    }
    if (fn === "get_attr") {
      const arg = intrinsicArgument(v, fn);
      const [name, attribute, ...keys] = Array.isArray(arg) ? (arg as unknown[]) : [];
      // A key may be a function (a nested get_attr) that reads other resources.
      for (const key of keys) if (isPlainObject(key)) stack.push(key);
      if (typeof name === "string") {
        resources.add(name);
        if (typeof attribute === "string") {
          let set = attributes.get(name);
          if (set === undefined) attributes.set(name, (set = new Set()));
          set.add(attribute);
        }
      }
      continue;
    }
    for (const key in v) if (Object.prototype.hasOwnProperty.call(v, key)) stack.push(v[key]);
  }
  const byResource: Record<string, readonly string[]> = {};
  for (const name of [...attributes.keys()].sort()) {
    Object.defineProperty(byResource, name, { value: [...(attributes.get(name) ?? [])].sort(), enumerable: true, writable: true, configurable: true });
  }
  return { resources: [...resources].sort(), attributes: byResource };
}
