/**
 * The nesting limit of templates. Compiling, resolving, storing and snapshotting a template
 * all walk its values recursively; checking the depth once, iteratively, before any of them
 * runs turns a too-deep template into a {@link TemplateNestingError} instead of a stack
 * overflow somewhere later (at create time or in a worker).
 */
import { TemplateNestingError } from "../errors.js";
import { joinPath } from "./plain-data.js";

/**
 * How deeply mappings and lists may nest in a template, counting the template's own mapping
 * as level 1 (a resource's `properties` mapping is level 4, so a property value may nest 96
 * levels). Each parameter value given for a stack may nest as deeply.
 */
export const MAX_TEMPLATE_DEPTH = 100;

/**
 * Check that `value` nests mappings and lists at most `limit` levels deep (`value` itself,
 * when a mapping or list, is level 1). Safe on any depth; linear in the size.
 * @param path the template path of `value` (prefix of the error's path).
 * @throws TemplateNestingError at the path of the first container past the limit.
 */
export function checkNesting(value: unknown, path = "", limit = MAX_TEMPLATE_DEPTH): void {
  const tooDeep = findTooDeep(value, limit);
  if (tooDeep !== null) throw new TemplateNestingError(tooDeep.reduce<string>(joinPath, path), limit);
}

/**
 * The keys and indexes leading from `value` to its first mapping or list nested more than
 * `limit` levels deep, or null when there is none. Safe on any depth: the walk recurses at
 * most `limit` levels (it stops at the first container past the limit), and it allocates
 * nothing unless it finds one (every compile walks the whole template: 100,000 resources
 * made a frame object and a key list per container).
 */
export function findTooDeep(value: unknown, limit = MAX_TEMPLATE_DEPTH): (string | number)[] | null {
  if (typeof value !== "object" || value === null) return null;
  const path: (string | number)[] = [];
  return tooDeepBelow(value, 1, limit, path) ? path.reverse() : null;
}

/**
 * Whether a container below `container` (at level `level`) is nested past `limit`; when it
 * is, `path` gets the keys leading to it, innermost first.
 */
function tooDeepBelow(container: object, level: number, limit: number, path: (string | number)[]): boolean {
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) {
      if (tooDeepAt(container[i], level, limit, path)) return path.push(i) > 0;
    }
    return false;
  }
  for (const key in container) {
    if (!Object.prototype.hasOwnProperty.call(container, key)) continue;
    if (tooDeepAt((container as Record<string, unknown>)[key], level, limit, path)) return path.push(key) > 0;
  }
  return false;
}

/** Whether `child` (a member of a container at `level`) is, or holds, a container past `limit`. */
function tooDeepAt(child: unknown, level: number, limit: number, path: (string | number)[]): boolean {
  if (typeof child !== "object" || child === null) return false;
  return level >= limit || tooDeepBelow(child, level + 1, limit, path);
}
