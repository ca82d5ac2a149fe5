/**
 * The CloudFormation functions over data that HOT has no equivalent for: `Fn::Select` and
 * `Fn::Base64`. They join the function table under their CFN names (Heat's HOT 2013-05-23
 * accepted them too); the other CFN functions translate to HOT ones (`cfn/values.ts`).
 *
 * ```yaml
 * zone: { "Fn::Select": ["1", ["a", "b", "c"]] }        # "b"
 * tier: { "Fn::Select": ["web", { web: 1, db: 2 }] }    # 1
 * gone: { "Fn::Select": ["7", ["a"]] }                  # "" (out of range, as in Heat)
 * data: { "Fn::Base64": "#!/bin/sh" }                  # "#!/bin/sh" (Heat passes it through)
 * ```
 */
import { isPlainObject } from "../plain-data.js";
import { fail } from "../functions/definition.js";
import type { TemplateFunction } from "../functions/definition.js";
import { ANY_KIND, slot, value } from "../functions/shape.js";

/** An index given as a decimal string is a number (Heat applies `int()` first). */
function asIndex(index: string | number): string | number {
  return typeof index === "string" && /^-?\d+$/.test(index.trim()) ? Number(index) : index;
}

function parseJsonCollection(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail(`the collection is a string that is not JSON (${(error as Error).message})`);
  }
}

/**
 * `Fn::Select: [index, collection]`: the item of a list at an integer index, or the value of a
 * mapping at a string key; `""` when there is none (or the collection is `""` or null). A
 * string collection is read as JSON first, as in Heat.
 */
export const FN_SELECT: TemplateFunction = {
  name: "Fn::Select",
  takes: "[index, list or mapping]",
  shape: {
    form: "list",
    min: 2,
    items: [slot("the index", value(["string", "number"])), slot("the collection", value(["list", "mapping", "string", "null"]))],
  },
  yields: ANY_KIND,
  evaluate(arg) {
    const [rawIndex, rawCollection] = arg as [string | number, unknown];
    const index = asIndex(rawIndex);
    if (rawCollection === "" || rawCollection === null) return "";
    const collection = typeof rawCollection === "string" ? parseJsonCollection(rawCollection) : rawCollection;
    if (Array.isArray(collection)) {
      if (typeof index !== "number" || !Number.isInteger(index)) fail(`the index of a list must be an integer, got ${JSON.stringify(rawIndex)}`);
      return index >= 0 && index < collection.length ? collection[index] : "";
    }
    if (isPlainObject(collection)) {
      if (typeof rawIndex !== "string") fail(`the index of a mapping must be a string, got ${JSON.stringify(rawIndex)}`);
      return Object.prototype.hasOwnProperty.call(collection, rawIndex) ? collection[rawIndex] : "";
    }
    if (collection === null) return "";
    return fail(`the collection must be a list or a mapping, got ${typeof collection}`);
  },
};

/**
 * `Fn::Base64: string`: the string itself. Heat performs no encoding (servers take user data
 * as plain text) and only checks that the argument is a string; so does Converge.
 */
export const FN_BASE64: TemplateFunction = {
  name: "Fn::Base64",
  takes: "a string",
  shape: value(["string"]),
  yields: ["string"],
  evaluate: (arg) => arg,
};
