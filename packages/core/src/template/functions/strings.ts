/**
 * String functions: `list_join`, `str_replace` (and Heat's `str_replace_strict` and
 * `str_replace_vstrict`), `str_split` and `digest`.
 *
 * ```yaml
 * url:   { list_join: ["", ["http://", { get_attr: [lb, ip] }, ":80"]] }   # "http://10.0.0.9:80"
 * cmd:   { str_replace_strict: { template: "run $X", params: { $X: x } } } # "run x"; unused $Y is an error
 * host:  { str_split: [":", "db.local:5432", 0] }                         # "db.local"
 * hash:  { digest: [sha256, { get_param: password }] }                    # hex digest
 * ```
 */
import { hexDigest } from "../../platform/node.js";
import { isPlainObject } from "../plain-data.js";
import { joinLists, placeholderOrder, replacePlaceholders } from "../string-functions.js";
import { fail } from "./definition.js";
import type { TemplateFunction } from "./definition.js";
import { NOTHING_PENDING, slot, value } from "./shape.js";
import type { MappingShape, PendingKinds } from "./shape.js";

/** `list_join: [delimiter, list, ...lists]`: the items of every list joined with the delimiter. */
export const LIST_JOIN: TemplateFunction = {
  name: "list_join",
  takes: "[delimiter, list, ...lists]",
  shape: { form: "list", literal: true, min: 2, items: [slot("the delimiter", value(["string"]))], rest: slot("argument", value(["list"])) },
  yields: ["string"],
  evaluate(arg) {
    const [delimiter, ...lists] = arg as [string, ...unknown[][]];
    return joinLists(delimiter, lists);
  },
};

const REPLACE_SHAPE: MappingShape = {
  form: "mapping",
  literal: true,
  fields: [
    slot("template", value(["string"])),
    slot("params", { form: "mapping", values: value(), emptyKey: "a placeholder must not be empty" }),
  ],
  required: ["template", "params"],
};

interface ReplaceArgument {
  readonly template: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** `str_replace: { template, params }`: every placeholder replaced (longest first; non-strings as JSON). */
export const STR_REPLACE: TemplateFunction = {
  name: "str_replace",
  takes: "{ template: string, params: mapping }",
  shape: REPLACE_SHAPE,
  yields: ["string"],
  evaluate(arg) {
    const { template, params } = arg as ReplaceArgument;
    return replacePlaceholders(template, params);
  },
};

/** A strict `str_replace`: every param must occur in the template, and with `nonEmpty` be non-empty. */
function strictReplace(name: string, takes: string, nonEmpty: boolean): TemplateFunction {
  return {
    name,
    takes: `{ template: string, params: mapping } (${takes})`,
    shape: REPLACE_SHAPE,
    yields: ["string"],
    check: (arg, pending) => strictProblem(arg, pending, nonEmpty),
    evaluate: (arg) => replaceStrictly(arg as ReplaceArgument, nonEmpty),
  };
}

/** `str_replace_strict`: `str_replace`, and every placeholder must occur in the template. */
export const STR_REPLACE_STRICT: TemplateFunction = strictReplace("str_replace_strict", "every param must occur in the template", false);

/** `str_replace_vstrict`: `str_replace_strict`, and no param may be null or empty. */
export const STR_REPLACE_VSTRICT: TemplateFunction = strictReplace("str_replace_vstrict", "every param must occur in the template and be non-empty", true);

function replaceStrictly({ template, params }: ReplaceArgument, nonEmpty: boolean): string {
  const problem = (nonEmpty ? emptyParam(params, NOTHING_PENDING) : undefined) ?? missingParams(template, params);
  if (problem !== undefined) fail(problem);
  return replacePlaceholders(template, params);
}

/** What the known parts of a strict call already get wrong. */
function strictProblem(arg: unknown, pending: PendingKinds, nonEmpty: boolean): string | undefined {
  const { template, params } = arg as { template: unknown; params: unknown };
  if (pending(params) !== undefined || !isPlainObject(params)) return undefined;
  const empty = nonEmpty ? emptyParam(params, pending) : undefined;
  if (empty !== undefined) return empty;
  return typeof template === "string" ? missingParams(template, params) : undefined;
}

/** The first param (in replacement order) whose known value is null or empty, as a problem. */
function emptyParam(params: Readonly<Record<string, unknown>>, pending: PendingKinds): string | undefined {
  for (const key of placeholderOrder(params)) {
    const v = params[key];
    if (pending(v) !== undefined) continue;
    const empty = v === null || v === "" || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
    if (empty) return `param "${key}" has an empty value (null, "", [] or {}), and every param must have one`;
  }
  return undefined;
}

/** The params that do not occur in the template, as a problem. */
function missingParams(template: string, params: Readonly<Record<string, unknown>>): string | undefined {
  const found = new Set<string>();
  replacePlaceholders(template, params, found);
  const missing = placeholderOrder(params).filter((k) => !found.has(k));
  return missing.length === 0 ? undefined : `params not found in the template: ${missing.map((k) => JSON.stringify(k)).join(", ")}`;
}

/** Python's `int()` of a string: optional sign, decimal digits, surrounding blanks. */
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

/** `str_split: [delimiter, string, index?]`: the pieces, or the piece at the index (negative counts from the end). */
export const STR_SPLIT: TemplateFunction = {
  name: "str_split",
  takes: "[delimiter, string, index]",
  shape: {
    form: "list",
    literal: true,
    min: 2,
    items: [
      slot("the delimiter", value(["string"], { test: (d) => (d === "" ? "must not be empty" : undefined) })),
      slot("the string", value(["string", "null"])),
      slot("the index", value(["number", "string"], { test: (i) => (isIndex(i) ? undefined : "must be an integer") })),
    ],
  },
  yields: ["list", "string", "null"],
  evaluate(arg) {
    const [delimiter, text, index] = arg as [string, string | null, (number | string)?];
    if (text === null) return null;
    const pieces = text.split(delimiter);
    if (index === undefined) return pieces;
    const i = Number(index);
    const at = i < 0 ? pieces.length + i : i;
    if (at < 0 || at >= pieces.length) fail(`the index ${i} is out of range: the string has ${pieces.length} pieces (0 to ${pieces.length - 1})`);
    return pieces[at];
  },
};

function isIndex(v: unknown): boolean {
  return typeof v === "number" ? Number.isSafeInteger(v) : typeof v === "string" && INTEGER_TEXT.test(v) && Number.isSafeInteger(Number(v));
}

/** The digest algorithms `digest` accepts (case-insensitive). */
export const DIGEST_ALGORITHMS: readonly string[] = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

/** `digest: [algorithm, value]`: the hex digest of the value's Latin-1 bytes (as Heat hashes them). */
export const DIGEST: TemplateFunction = {
  name: "digest",
  takes: `[algorithm (${DIGEST_ALGORITHMS.join(", ")}), value]`,
  shape: {
    form: "list",
    min: 2,
    items: [
      slot(
        "the algorithm",
        value(["string"], {
          test: (a) => (DIGEST_ALGORITHMS.includes((a as string).toLowerCase()) ? undefined : `must be one of ${DIGEST_ALGORITHMS.join(", ")}`),
        }),
      ),
      slot(
        "the value",
        value(["string"], {
          // Heat hashes the Latin-1 encoding and fails on any other character.
          test: (v) => ([...(v as string)].every((c) => (c.codePointAt(0) as number) <= 0xff) ? undefined : "must contain only Latin-1 characters"),
        }),
      ),
    ],
  },
  yields: ["string"],
  evaluate(arg) {
    const [algorithm, text] = arg as [string, string];
    return hexDigest(algorithm.toLowerCase(), text);
  },
};
