/**
 * The CloudFormation dialect Heat accepts (`AWSTemplateFormatVersion: "2010-09-09"` or
 * `HeatTemplateFormatVersion: "2012-12-12"`), translated into a HOT template that compiles
 * into the same model. Errors name the node in the user's CFN terms: the translator checks
 * the CFN structure itself, and {@link CfnTranslation.paths} maps the paths of errors found
 * while compiling the translation back (`resources.web.properties.image` →
 * `Resources.web.Properties.image`).
 *
 * ```
 *   Description  → description          Parameters → parameters (parameters.ts)
 *   Conditions   → conditions           Mappings   → read by Fn::FindInMap (values.ts)
 *   Resources.R  → resources.R: Type, Properties, DependsOn, DeletionPolicy, Metadata,
 *                  UpdatePolicy, Condition, Description → type, properties, depends_on, ...
 *   Outputs.O    → outputs.O: Value, Description, Condition → value, description, condition
 * ```
 */
import { TemplateValidationError } from "../../errors.js";
import { isPlainObject, joinPath, kindOf, setOwn } from "../plain-data.js";
import type { PlainObject } from "../plain-data.js";
import { translateParameters } from "./parameters.js";
import { CfnPathMap } from "./path-map.js";
import { CfnValueTranslator, checkMappings } from "./values.js";

/** The version keys and the versions Heat accepts for each. */
export const CFN_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  AWSTemplateFormatVersion: ["2010-09-09"],
  HeatTemplateFormatVersion: ["2012-12-12"],
};

/** Top-level keys of a CFN template. */
export const CFN_TEMPLATE_KEYS: readonly string[] = [...Object.keys(CFN_VERSIONS), "Description", "Parameters", "Mappings", "Conditions", "Resources", "Outputs"];

/** Keys of a CFN resource and the HOT key each becomes. */
const RESOURCE_KEYS: ReadonlyMap<string, string> = new Map([
  ["Type", "type"],
  ["Properties", "properties"],
  ["DependsOn", "depends_on"],
  ["DeletionPolicy", "deletion_policy"],
  ["Metadata", "metadata"],
  ["UpdatePolicy", "update_policy"],
  ["Condition", "condition"],
  ["Description", "description"],
]);

/** Keys of a CFN output and the HOT key each becomes. */
const OUTPUT_KEYS: ReadonlyMap<string, string> = new Map([
  ["Value", "value"],
  ["Description", "description"],
  ["Condition", "condition"],
]);

/** What the translation produced. */
export interface CfnTranslation {
  /** The HOT template. */
  readonly template: PlainObject;
  /** Maps HOT paths (of errors found compiling {@link template}) back to CFN paths. */
  readonly paths: CfnPathMap;
}

/** True when `template` is a mapping with a CFN version key (`AWSTemplateFormatVersion` or `HeatTemplateFormatVersion`). */
export function isCfnTemplate(template: unknown): template is PlainObject {
  return isPlainObject(template) && Object.keys(CFN_VERSIONS).some((key) => Object.prototype.hasOwnProperty.call(template, key));
}

function sectionOf(template: PlainObject, key: string): PlainObject {
  const section = template[key];
  if (section === undefined || section === null) return {};
  if (!isPlainObject(section)) throw new TemplateValidationError(key, `must be a mapping, got ${kindOf(section)}`);
  return section;
}

function checkVersion(template: PlainObject): void {
  const present = Object.keys(CFN_VERSIONS).filter((key) => Object.prototype.hasOwnProperty.call(template, key));
  if (present.length > 1) throw new TemplateValidationError(present[1] as string, `a template has one version key, got ${present.join(" and ")}`);
  const key = present[0] as string;
  const accepted = CFN_VERSIONS[key] as readonly string[];
  const version = template[key];
  if (typeof version !== "string" || !accepted.includes(version)) {
    throw new TemplateValidationError(key, `unsupported version ${JSON.stringify(version)} (accepted: ${accepted.join(", ")})`);
  }
}

/**
 * Translate a CFN template (see {@link isCfnTemplate}) into HOT. Checks the CFN structure
 * (top-level keys, version, each section's kind, each resource's and output's keys,
 * parameter declarations, mappings, function calls); the HOT compiler checks the rest.
 * @throws TemplateValidationError at the CFN path of the problem.
 */
export function translateCfnTemplate(template: PlainObject): CfnTranslation {
  for (const key of Object.keys(template)) {
    if (!CFN_TEMPLATE_KEYS.includes(key)) throw new TemplateValidationError(key, `unknown top-level key "${key}" of a CloudFormation template (allowed: ${CFN_TEMPLATE_KEYS.join(", ")})`);
  }
  checkVersion(template);
  const paths = new CfnPathMap();
  const hot: PlainObject = { heat_template_version: "2016-10-14" };
  const description = template.Description;
  if (description !== undefined) {
    paths.record("description", "Description");
    hot.description = description;
  }
  const parameters = translateParameters(template.Parameters, paths);
  const mappings = checkMappings(template.Mappings);
  const resources = sectionOf(template, "Resources");
  const pseudoUsed = new Set<string>();
  const values = new CfnValueTranslator({ resources: new Set(Object.keys(resources)), parameters: new Set(Object.keys(parameters)), mappings, paths, pseudoUsed });

  const conditions: PlainObject = {};
  const conditionSection = sectionOf(template, "Conditions");
  paths.record("conditions", "Conditions");
  for (const name of Object.keys(conditionSection)) {
    setOwn(conditions, name, values.condition(conditionSection[name], joinPath("Conditions", name), joinPath("conditions", name)));
  }
  paths.record("resources", "Resources");
  paths.record("outputs", "Outputs");
  hot.resources = translateEntries(resources, { cfn: "Resources", hot: "resources", keys: RESOURCE_KEYS, what: "a resource" }, values, paths);
  hot.outputs = translateEntries(sectionOf(template, "Outputs"), { cfn: "Outputs", hot: "outputs", keys: OUTPUT_KEYS, what: "an output" }, values, paths);
  if (pseudoUsed.has("AWS::Region") && !Object.prototype.hasOwnProperty.call(parameters, "AWS::Region")) {
    setOwn(parameters, "AWS::Region", { type: "string", default: "ap-southeast-1", description: "The region (pseudo parameter AWS::Region)" });
  }
  hot.parameters = parameters;
  if (Object.keys(conditions).length > 0) hot.conditions = conditions;
  return { template: hot, paths };
}

/** A section of entries (resources or outputs): its names in both dialects and its entries' keys. */
interface EntrySection {
  readonly cfn: string;
  readonly hot: string;
  /** CFN key → HOT key. */
  readonly keys: ReadonlyMap<string, string>;
  /** "a resource", for messages. */
  readonly what: string;
}

/** Keys whose values are copied as they are (the HOT compiler checks them). */
const COPIED: ReadonlySet<string> = new Set(["Type", "DependsOn", "DeletionPolicy", "Description"]);

/** Translate the entries (resources or outputs) of a section, renaming their keys. */
function translateEntries(section: PlainObject, at: EntrySection, values: CfnValueTranslator, paths: CfnPathMap): PlainObject {
  const out: PlainObject = {};
  for (const name of Object.keys(section)) {
    const cfnPath = joinPath(at.cfn, name);
    const hotPath = joinPath(at.hot, name);
    paths.record(hotPath, cfnPath);
    const decl = section[name];
    if (!isPlainObject(decl)) throw new TemplateValidationError(cfnPath, `${at.what} must be a mapping, got ${kindOf(decl)}`);
    for (const [cfnKey, hotKey] of at.keys) paths.record(joinPath(hotPath, hotKey), joinPath(cfnPath, cfnKey));
    const entry: PlainObject = {};
    for (const key of Object.keys(decl)) {
      const hotKey = at.keys.get(key);
      if (hotKey === undefined) throw new TemplateValidationError(joinPath(cfnPath, key), `unknown key "${key}" in ${at.what} (allowed: ${[...at.keys.keys()].join(", ")})`);
      const from = joinPath(cfnPath, key);
      const to = joinPath(hotPath, hotKey);
      const raw = decl[key];
      const translated = key === "Condition" ? values.condition(raw, from, to) : COPIED.has(key) ? raw : values.value(raw, from, to);
      setOwn(entry, hotKey, translated);
    }
    setOwn(out, name, entry);
  }
  return out;
}
