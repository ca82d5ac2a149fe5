/**
 * Translation of a CloudFormation `Parameters` section into HOT parameter declarations.
 *
 * ```
 *   Type: String | Number | CommaDelimitedList | Json | Boolean   → type: string | number | ...
 *   Default, Description, Label                                   → default, description, label
 *   NoEcho: "true"                                                → hidden: true
 *   AllowedValues / AllowedPattern                                → constraints: allowed_values / allowed_pattern
 *   MinLength, MaxLength / MinValue, MaxValue                     → constraints: length / range
 *   ConstraintDescription                                         → the description of each constraint
 * ```
 */
import { TemplateValidationError } from "../../errors.js";
import { isPlainObject, joinPath, kindOf, setOwn, show } from "../plain-data.js";
import type { PlainObject } from "../plain-data.js";
import type { CfnPathMap } from "./path-map.js";

/** CFN parameter types and their HOT names. */
const TYPES: ReadonlyMap<string, string> = new Map([
  ["String", "string"],
  ["Number", "number"],
  ["CommaDelimitedList", "comma_delimited_list"],
  ["Json", "json"],
  ["Boolean", "boolean"],
]);

/** Keys a CFN parameter declaration may have. */
export const CFN_PARAMETER_KEYS: readonly string[] = [
  "Type",
  "Default",
  "NoEcho",
  "AllowedValues",
  "AllowedPattern",
  "MinLength",
  "MaxLength",
  "MinValue",
  "MaxValue",
  "Description",
  "ConstraintDescription",
  "Label",
];
const KEY_SET: ReadonlySet<string> = new Set(CFN_PARAMETER_KEYS);

/** A number written as a number or a numeric string (Heat applies `int()` / `float()`). */
function numberAt(value: unknown, path: string): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new TemplateValidationError(path, `must be a number, got ${show(value)}`);
  return n;
}

function noEcho(value: unknown, path: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  throw new TemplateValidationError(path, `must be true or false, got ${show(value)}`);
}

/** The HOT constraints of one CFN declaration at `path`, recording where each came from. */
function constraints(decl: PlainObject, path: string, hotPath: string, paths: CfnPathMap): PlainObject[] {
  const out: PlainObject[] = [];
  const description = decl.ConstraintDescription;
  if (description !== undefined && typeof description !== "string") {
    throw new TemplateValidationError(joinPath(path, "ConstraintDescription"), `must be a string, got ${kindOf(description)}`);
  }
  const add = (constraint: PlainObject, keys: Readonly<Record<string, string>>): void => {
    const at = joinPath(hotPath, out.length);
    const first = Object.values(keys)[0] as string;
    paths.record(at, joinPath(path, first));
    for (const [hot, cfn] of Object.entries(keys)) paths.record(joinPath(at, hot), joinPath(path, cfn));
    if (description !== undefined) paths.record(joinPath(at, "description"), joinPath(path, "ConstraintDescription"));
    out.push(description === undefined ? constraint : { ...constraint, description });
  };
  if (decl.AllowedValues !== undefined) add({ allowed_values: decl.AllowedValues }, { allowed_values: "AllowedValues" });
  if (decl.AllowedPattern !== undefined) add({ allowed_pattern: decl.AllowedPattern }, { allowed_pattern: "AllowedPattern" });
  for (const [kind, min, max] of [
    ["length", "MinLength", "MaxLength"],
    ["range", "MinValue", "MaxValue"],
  ] as const) {
    if (decl[min] === undefined && decl[max] === undefined) continue;
    const bounds: PlainObject = {};
    const keys: Record<string, string> = {};
    if (decl[min] !== undefined) {
      bounds.min = numberAt(decl[min], joinPath(path, min));
      keys[`${kind}.min`] = min;
    }
    if (decl[max] !== undefined) {
      bounds.max = numberAt(decl[max], joinPath(path, max));
      keys[`${kind}.max`] = max;
    }
    add({ [kind]: bounds }, keys);
  }
  return out;
}

/**
 * Translate the `Parameters` section (absent or null means none).
 * @throws TemplateValidationError at `Parameters…` for a malformed declaration.
 */
export function translateParameters(section: unknown, paths: CfnPathMap): PlainObject {
  if (section === undefined || section === null) return {};
  if (!isPlainObject(section)) throw new TemplateValidationError("Parameters", `must be a mapping, got ${kindOf(section)}`);
  paths.record("parameters", "Parameters");
  const out: PlainObject = {};
  for (const name of Object.keys(section)) {
    const path = joinPath("Parameters", name);
    const hotPath = joinPath("parameters", name);
    paths.record(hotPath, path);
    const decl = section[name];
    if (!isPlainObject(decl)) throw new TemplateValidationError(path, `a parameter must be a mapping, got ${kindOf(decl)}`);
    for (const key of Object.keys(decl)) {
      if (!KEY_SET.has(key)) throw new TemplateValidationError(joinPath(path, key), `unknown key "${key}" in a parameter (allowed: ${CFN_PARAMETER_KEYS.join(", ")})`);
    }
    const type = typeof decl.Type === "string" ? TYPES.get(decl.Type) : undefined;
    if (type === undefined) {
      const problem = decl.Type === undefined ? "is missing" : `is ${show(decl.Type)}`;
      throw new TemplateValidationError(joinPath(path, "Type"), `the parameter type ${problem} (one of ${[...TYPES.keys()].join(", ")})`);
    }
    const hot: PlainObject = { type };
    for (const [cfnKey, hotKey] of [
      ["Type", "type"],
      ["Default", "default"],
      ["Description", "description"],
      ["Label", "label"],
      ["NoEcho", "hidden"],
    ] as const) {
      paths.record(joinPath(hotPath, hotKey), joinPath(path, cfnKey));
      if (cfnKey === "Type" || decl[cfnKey] === undefined) continue;
      setOwn(hot, hotKey, cfnKey === "NoEcho" ? noEcho(decl.NoEcho, joinPath(path, "NoEcho")) : decl[cfnKey]);
    }
    const list = constraints(decl, path, joinPath(hotPath, "constraints"), paths);
    if (list.length > 0) hot.constraints = list;
    setOwn(out, name, hot);
  }
  return out;
}
