/**
 * The CloudFormation functions over data that HOT has no equivalent for: `Fn::Select`,
 * `Fn::Base64` and `Fn::MemberListToMap`. They join the function table under their CFN names
 * (Heat's HOT 2013-05-23 accepted them too); the other CFN functions translate to HOT ones
 * (`cfn/values.ts`).
 *
 * ```yaml
 * zone: { "Fn::Select": ["1", ["a", "b", "c"]] }        # "b"
 * tier: { "Fn::Select": ["web", { web: 1, db: 2 }] }    # 1
 * gone: { "Fn::Select": ["7", ["a"]] }                  # "" (out of range, as in Heat)
 * data: { "Fn::Base64": "#!/bin/sh" }                  # "#!/bin/sh" (Heat passes it through)
 * tags: { "Fn::MemberListToMap": [Name, Value, [".member.0.Name=env", ".member.0.Value=prod"]] }
 *                                                       # { env: prod }
 * ```
 */
import { errorMessage } from "../../error-message.js";
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
    return fail(`the collection is a string that is not JSON (${errorMessage(error)})`);
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

/** `.member.<index>.<field>` (AWS's query-API encoding of a list of records). */
const MEMBER = /^\.member\.([0-9]+)\.(.*)$/s;

/**
 * `Fn::MemberListToMap: [key_name, value_name, [".member.N.<field>=<value>", ...]]`: the records
 * the strings encode (by index N), as a mapping from each record's `key_name` field to its
 * `value_name` field; records missing either are left out, later records win (Heat's rule).
 */
export const FN_MEMBER_LIST_TO_MAP: TemplateFunction = {
  name: "Fn::MemberListToMap",
  takes: "[key name, value name, list of strings]",
  shape: {
    form: "list",
    min: 3,
    items: [slot("the key name", value(["string"])), slot("the value name", value(["string"])), slot("the member list", value(["list"]))],
  },
  yields: ["mapping"],
  evaluate(arg) {
    const [keyName, valueName, members] = arg as [string, string, unknown[]];
    const records = new Map<number, Map<string, string>>();
    const fields = new Map<string, string>();
    for (const item of members) {
      if (typeof item !== "string") fail(`the member list items must be strings, got ${item === null ? "null" : typeof item}`);
      const eq = item.indexOf("=");
      fields.set(eq < 0 ? item : item.slice(0, eq), eq < 0 ? "" : item.slice(eq + 1));
    }
    for (const [name, text] of fields) {
      const match = MEMBER.exec(name);
      if (match === null) continue;
      const index = Number(match[1]);
      let record = records.get(index);
      if (record === undefined) records.set(index, (record = new Map()));
      record.set(match[2] as string, text);
    }
    const out: Record<string, string> = {};
    for (const index of [...records.keys()].sort((a, b) => a - b)) {
      const record = records.get(index) as Map<string, string>;
      const key = record.get(keyName);
      const val = record.get(valueName);
      if (key !== undefined && val !== undefined) Object.defineProperty(out, key, { value: val, enumerable: true, writable: true, configurable: true });
    }
    return out;
  },
};
