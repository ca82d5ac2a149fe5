/**
 * List and map functions: `list_concat`, `list_concat_unique`, `filter`, `contains`,
 * `map_merge` and `map_replace`. Items compare as JSON data (key order ignored).
 *
 * ```yaml
 * all:    { list_concat: [[a, b], { get_param: more }] }          # [a, b, ...more]
 * once:   { list_concat_unique: [[a, b], [b, c]] }                # [a, b, c]
 * kept:   { filter: [[b], [a, b, c]] }                            # [a, c]
 * has:    { contains: [b, [a, b]] }                               # true
 * merged: { map_merge: [{ a: 1, b: 2 }, { b: 3 }] }               # { a: 1, b: 3 }
 * moved:  { map_replace: [{ a: 1, b: x }, { keys: { a: A }, values: { x: X } }] }  # { A: 1, b: X }
 * ```
 */
import { jsonEqual, kindOf, setOwn } from "../plain-data.js";
import type { PlainObject } from "../plain-data.js";
import { fail } from "./definition.js";
import type { TemplateFunction } from "./definition.js";
import { slot, value } from "./shape.js";

const hasOwn = (target: object, key: string): boolean => Object.prototype.hasOwnProperty.call(target, key);

/** Concatenate lists; null lists are skipped. */
function concat(lists: readonly (readonly unknown[] | null)[]): unknown[] {
  const out: unknown[] = [];
  for (const list of lists) if (list !== null) out.push(...list);
  return out;
}

/** `list_concat: [list, ...]`: the lists' items in order (null lists are ignored). */
export const LIST_CONCAT: TemplateFunction = {
  name: "list_concat",
  takes: "[list, list, ...]",
  shape: { form: "list", min: 0, items: [], rest: slot("argument", value(["list", "null"])) },
  yields: ["list"],
  evaluate: (arg) => concat(arg as (unknown[] | null)[]),
};

/**
 * `list_concat_unique: [list, ...]`: `list_concat` without repeated items. As in Heat, each
 * repeated item stays at its last occurrence: `[[a, b], [a, c]]` gives `[b, a, c]`. (Heat's
 * loop deletes while it iterates and so keeps a repeat for a few inputs, such as
 * `[b, a, c, a, d, b, c]` → `[a, a, d, b, c]`; here the result never repeats, as documented.)
 */
export const LIST_CONCAT_UNIQUE: TemplateFunction = {
  name: "list_concat_unique",
  takes: "[list, list, ...]",
  shape: LIST_CONCAT.shape,
  yields: ["list"],
  evaluate(arg) {
    const all = concat(arg as (unknown[] | null)[]);
    return all.filter((item, i) => !all.some((later, j) => j > i && jsonEqual(item, later)));
  },
};

/** `filter: [values, list]`: the list without the given values (a null list stays null). */
export const FILTER: TemplateFunction = {
  name: "filter",
  takes: "[values to remove, list]",
  shape: {
    form: "list",
    literal: true,
    min: 2,
    items: [slot("the values to remove", value(["list", "null"])), slot("the list", value(["list", "null"]))],
  },
  yields: ["list", "null"],
  evaluate(arg) {
    const [remove, list] = arg as [unknown[] | null, unknown[] | null];
    if (list === null) return null;
    if (remove === null) return [...list];
    return list.filter((item) => !remove.some((r) => jsonEqual(item, r)));
  },
};

/** `contains: [value, sequence]`: whether the list holds the value (or the string holds the substring). */
export const CONTAINS: TemplateFunction = {
  name: "contains",
  takes: "[value, list or string]",
  shape: { form: "list", literal: true, min: 2, items: [slot("the value", value()), slot("the sequence", value(["list", "string"]))] },
  yields: ["boolean"],
  inConditions: true,
  evaluate(arg) {
    const [needle, sequence] = arg as [unknown, unknown[] | string];
    if (typeof sequence === "string") {
      if (typeof needle !== "string") fail(`to look for a value in a string, the value must be a string, got ${kindOf(needle)}`);
      return sequence.includes(needle);
    }
    return sequence.some((item) => jsonEqual(item, needle));
  },
};

/** `map_merge: [map, ...]`: one map with every key; later maps win (null maps are ignored). */
export const MAP_MERGE: TemplateFunction = {
  name: "map_merge",
  takes: "[map, map, ...]",
  shape: { form: "list", min: 0, items: [], rest: slot("argument", value(["mapping", "null"])) },
  yields: ["mapping"],
  evaluate(arg) {
    const out: PlainObject = {};
    for (const map of arg as (PlainObject | null)[]) {
      if (map !== null) for (const key of Object.keys(map)) setOwn(out, key, map[key]);
    }
    return out;
  },
};

/**
 * The text a key becomes in JSON (`1` → `"1"`, `true` → `"true"`), or undefined for values
 * that cannot be keys. YAML reads `values: { 1: one }` with the key `"1"`, so the number 1
 * finds it.
 */
function keyText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return JSON.stringify(v);
  return undefined;
}

/**
 * `map_replace: [map, { keys, values }]`: the map with keys renamed by `keys` and values
 * (strings, numbers, booleans) replaced by `values`. A renamed key must not collide with
 * another key of the map or of the result.
 */
export const MAP_REPLACE: TemplateFunction = {
  name: "map_replace",
  takes: "[map, { keys: map, values: map }]",
  shape: {
    form: "list",
    min: 2,
    items: [
      slot("the map", value(["mapping", "null"])),
      slot("the replacements", {
        form: "mapping",
        nullable: true,
        fields: [slot("keys", value(["mapping", "null"])), slot("values", value(["mapping", "null"]))],
      }),
    ],
  },
  yields: ["mapping"],
  evaluate(arg) {
    const [input, replacements] = arg as [PlainObject | null, { keys?: PlainObject | null; values?: PlainObject | null } | null];
    const map = input ?? {};
    const keys = replacements?.keys ?? {};
    const values = replacements?.values ?? {};
    const out: PlainObject = {};
    for (const k of Object.keys(map)) {
      const renamed = hasOwn(keys, k) ? keys[k] : null;
      let key = k;
      if (renamed !== null && renamed !== undefined) {
        const text = keyText(renamed);
        if (text === undefined) fail(`the new name of key "${k}" must be a string or a number, got ${kindOf(renamed)}`);
        if (text !== k && hasOwn(map, text)) fail(`key "${k}" is renamed "${text}", which collides with a key of the map`);
        if (hasOwn(out, text)) fail(`key "${k}" is renamed "${text}", which collides with a key already in the result`);
        key = text;
      }
      const v = map[k];
      const lookup = keyText(v);
      setOwn(out, key, lookup !== undefined && hasOwn(values, lookup) ? values[lookup] : v);
    }
    return out;
  },
};

