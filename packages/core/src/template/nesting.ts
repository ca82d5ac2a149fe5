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

/** One open container of the walk: its members (keys or a length) and the next to visit. */
interface Frame {
  readonly value: object;
  readonly keys: readonly string[] | null;
  readonly size: number;
  next: number;
}

function frameOf(value: object): Frame {
  if (Array.isArray(value)) return { value, keys: null, size: value.length, next: 0 };
  const keys = Object.keys(value);
  return { value, keys, size: keys.length, next: 0 };
}

/**
 * Check that `value` nests mappings and lists at most `limit` levels deep (`value` itself,
 * when a mapping or list, is level 1). Iterative: safe on any depth; linear in the size.
 * @param path the template path of `value` (prefix of the error's path).
 * @throws TemplateNestingError at the path of the first container past the limit.
 */
export function checkNesting(value: unknown, path = "", limit = MAX_TEMPLATE_DEPTH): void {
  const tooDeep = findTooDeep(value, limit);
  if (tooDeep !== null) throw new TemplateNestingError(tooDeep.reduce<string>(joinPath, path), limit);
}

/**
 * The keys and indexes leading from `value` to its first mapping or list nested more than
 * `limit` levels deep, or null when there is none. Iterative: safe on any depth.
 */
export function findTooDeep(value: unknown, limit = MAX_TEMPLATE_DEPTH): (string | number)[] | null {
  if (typeof value !== "object" || value === null) return null;
  const stack: Frame[] = [frameOf(value)];
  for (;;) {
    const top = stack[stack.length - 1];
    if (top === undefined) return null;
    if (top.next >= top.size) {
      stack.pop();
      continue;
    }
    const index = top.next++;
    const child: unknown = top.keys === null ? (top.value as unknown[])[index] : (top.value as Record<string, unknown>)[top.keys[index] as string];
    if (typeof child !== "object" || child === null) continue;
    if (stack.length >= limit) return stack.map((frame) => (frame.keys === null ? frame.next - 1 : (frame.keys[frame.next - 1] as string)));
    stack.push(frameOf(child));
  }
}
