/**
 * A lookup table of resource types by type name, built once per engine or worker.
 */
import { InvalidOptionsError } from "../errors.js";
import { isResourceType } from "./define-resource-type.js";
import type { AnyResourceType } from "./types.js";

/** Read-only view of the resource types an engine knows. */
export interface TypeRegistry {
  /** The type registered under `name`, if any. */
  get(name: string): AnyResourceType | undefined;
  /** Every registered type name, sorted. */
  names(): readonly string[];
}

/**
 * Build a registry from a list of types (or a record of them, as a module's exports).
 * @throws InvalidOptionsError on a value that is not a resource type, or a duplicate name.
 */
export function createTypeRegistry(
  types: readonly AnyResourceType[] | Readonly<Record<string, AnyResourceType>>,
): TypeRegistry {
  const list = Array.isArray(types) ? types : Object.values(types);
  const map = new Map<string, AnyResourceType>();
  list.forEach((t, i) => {
    if (!isResourceType(t)) {
      throw new InvalidOptionsError(`types[${i}]`, "not a resource type; build it with defineResourceType({...})");
    }
    if (map.has(t.type)) throw new InvalidOptionsError(`types[${i}]`, `duplicate resource type "${t.type}"`);
    map.set(t.type, t);
  });
  const names = [...map.keys()].sort();
  return { get: (name) => map.get(name), names: () => names };
}
