/**
 * Coercion of parameter values to their declared type, the way Heat does it: stack
 * parameters often arrive as strings (CLI, environment files), so `"3"` is a number,
 * `"yes"` a boolean, `"a, b"` a list and `'{"k": 1}'` a JSON value.
 */
import { MAX_TEMPLATE_DEPTH, findTooDeep } from "./nesting.js";
import { isPlainObject, kindOf, show } from "./plain-data.js";
import type { ParameterType } from "./types.js";
import { errorMessage } from "../error-message.js";

/** Every parameter type, in documentation order. */
export const PARAMETER_TYPES: readonly ParameterType[] = ["string", "number", "boolean", "json", "comma_delimited_list"];

/** Result of {@link coerceParameterValue}: the coerced value or why it could not be coerced. */
export type Coerced = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

const TRUE_WORDS = new Set(["true", "yes", "1", "on", "y", "t"]);
const FALSE_WORDS = new Set(["false", "no", "0", "off", "n", "f"]);

/**
 * Coerce `value` to parameter type `type`:
 * - string: strings; numbers and booleans are stringified;
 * - number: finite numbers and numeric strings;
 * - boolean: booleans, `true/false/yes/no/on/off/1/0` strings (any case) and the numbers 1/0;
 * - comma_delimited_list: a list of scalars (stringified) or a `"a, b"` string (items trimmed;
 *   an empty string is an empty list);
 * - json: a mapping or list (deep-copied), or a JSON string of one.
 */
export function coerceParameterValue(type: ParameterType, value: unknown): Coerced {
  switch (type) {
    case "string":
      if (typeof value === "string") return ok(value);
      if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean") return ok(String(value));
      return fail(`expected a string, got ${kindOf(value)}`);
    case "number":
      if (typeof value === "number") return Number.isFinite(value) ? ok(value) : fail(`${value} is not a finite number`);
      if (typeof value === "string" && value.trim() !== "") {
        const n = Number(value.trim());
        if (Number.isFinite(n)) return ok(n);
      }
      return fail(`expected a number, got ${typeof value === "string" ? show(value) : kindOf(value)}`);
    case "boolean": {
      if (typeof value === "boolean") return ok(value);
      const word = typeof value === "string" ? value.trim().toLowerCase() : typeof value === "number" ? String(value) : undefined;
      if (word !== undefined && TRUE_WORDS.has(word)) return ok(true);
      if (word !== undefined && FALSE_WORDS.has(word)) return ok(false);
      return fail(`expected a boolean (true/false, yes/no, on/off, 1/0), got ${show(value)}`);
    }
    case "comma_delimited_list":
      if (typeof value === "string") return ok(value.trim() === "" ? [] : value.split(",").map((item) => item.trim()));
      if (Array.isArray(value)) {
        const items: string[] = [];
        for (const item of value) {
          if (typeof item === "string") items.push(item);
          else if ((typeof item === "number" && Number.isFinite(item)) || typeof item === "boolean") items.push(String(item));
          else return fail(`list items must be strings, got ${kindOf(item)}`);
        }
        return ok(items);
      }
      return fail(`expected a comma-delimited string or a list, got ${kindOf(value)}`);
    case "json": {
      let parsed: unknown = value;
      if (typeof value === "string") {
        try {
          parsed = JSON.parse(value) as unknown;
        } catch (error) {
          return fail(`not valid JSON: ${errorMessage(error)}`);
        }
      }
      if (!Array.isArray(parsed) && !isPlainObject(parsed)) return fail(`expected a mapping or a list, got ${kindOf(parsed)}`);
      if (findTooDeep(parsed) !== null) return fail(`mappings and lists are nested more than ${MAX_TEMPLATE_DEPTH} levels deep`);
      const copy = copyJson(parsed);
      return copy === undefined ? fail("the value is not JSON data") : ok(copy);
    }
  }
}

/**
 * Deep copy of JSON data (plain objects, arrays, strings, finite numbers, booleans, null;
 * `undefined` members are dropped as JSON does). Returns undefined for anything else.
 */
export function copyJson(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === "function" || typeof v === "symbol" || typeof v === "bigint") throw new TypeError("not JSON");
      if (typeof v === "number" && !Number.isFinite(v)) throw new TypeError("not JSON");
      if (typeof v === "object" && v !== null && !Array.isArray(v) && !isPlainObject(v)) throw new TypeError("not JSON");
      return v;
    })) as unknown;
  } catch {
    return undefined;
  }
}

function ok(value: unknown): Coerced {
  return { ok: true, value };
}

function fail(message: string): Coerced {
  return { ok: false, message };
}
