/**
 * Translation of CloudFormation values (properties, outputs, conditions, metadata) into HOT
 * values: each CFN function becomes the HOT function with the same meaning.
 *
 * ```
 *   { Ref: param }                       → { get_param: param }
 *   { Ref: resource }                    → { get_resource: resource }
 *   { Ref: AWS::StackName | AWS::StackId | AWS::Region }
 *                                        → { get_param: OS::stack_name | OS::stack_id | AWS::Region }
 *   { Fn::GetAtt: [r, a] }               → { get_attr: [r, a] }
 *   { Fn::Join: [d, list] }              → { list_join: [d, list] }
 *   { Fn::Split: [d, s] }                → { str_split: [d, s] }
 *   { Fn::Replace: [params, s] }         → { str_replace: { template: s, params } }
 *   { Fn::FindInMap: [m, k1, k2] }       → the value (literal keys) or nested Fn::Select
 *   { Fn::If: [c, a, b] }                → { if: [c, a, b] }   ({ Ref: AWS::NoValue } leaves it out)
 *   { Fn::Equals | Fn::And | Fn::Or }    → equals | and | or;  { Fn::Not: [c] } → { not: c }
 *   { Fn::Select | Fn::Base64 | Fn::MemberListToMap }
 *                                        → kept (functions of the table, see data-functions.ts)
 * ```
 *
 * HOT functions are not part of the dialect (`{ get_param: x }` in a CFN template is an
 * error, never silently evaluated), nor are the CFN functions Heat accepts but Converge does
 * not implement (`Fn::GetAZs`, `Fn::ResourceFacade`, …).
 */
import { TemplateValidationError } from "../../errors.js";
import { containsIntrinsic, intrinsicName, unsupportedFunctionName } from "../intrinsics.js";
import { copyJson } from "../parameter-coercion.js";
import { isPlainObject, joinPath, kindOf, ownValue, setOwn, show } from "../plain-data.js";
import type { PlainObject } from "../plain-data.js";
import type { CfnPathMap } from "./path-map.js";

/** Pseudo parameters and the HOT parameter each reads. */
export const PSEUDO_PARAMETERS: ReadonlyMap<string, string> = new Map([
  ["AWS::StackName", "OS::stack_name"],
  ["AWS::StackId", "OS::stack_id"],
  ["AWS::Region", "AWS::Region"],
]);

/** The `Ref` target that leaves a value out (in a branch of `Fn::If`). */
const NO_VALUE = "AWS::NoValue";

/** What the value translator knows about the template. */
export interface CfnScope {
  /** Resource names (`Resources`). */
  readonly resources: ReadonlySet<string>;
  /** Declared parameter names (`Parameters`). */
  readonly parameters: ReadonlySet<string>;
  /** The `Mappings` section (checked to be a mapping of mappings). */
  readonly mappings: PlainObject;
  /** Where paths are recorded. */
  readonly paths: CfnPathMap;
  /** Pseudo parameters referenced so far (the translation declares those that need it). */
  readonly pseudoUsed: Set<string>;
}

/** A location in both templates. */
interface At {
  readonly cfn: string;
  readonly hot: string;
}

function into(at: At, cfnKey: string | number, hotKey: string | number = cfnKey): At {
  return { cfn: joinPath(at.cfn, cfnKey), hot: joinPath(at.hot, hotKey) };
}

/** The single key of a one-key mapping, else undefined. */
function onlyKey(value: PlainObject): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
}

function argList(arg: unknown, at: At, fn: string, form: string, lengths: readonly number[]): unknown[] {
  if (!Array.isArray(arg) || !lengths.includes(arg.length)) {
    throw new TemplateValidationError(at.cfn, `${fn} takes ${form}, got ${show(arg)}`);
  }
  return arg;
}

/** Translates CFN values of one template; see the module comment. */
export class CfnValueTranslator {
  readonly #scope: CfnScope;

  constructor(scope: CfnScope) {
    this.#scope = scope;
  }

  /**
   * The HOT value of the CFN `value` found at `cfnPath`, which lands at `hotPath`.
   * @throws TemplateValidationError at the CFN path of a malformed or unsupported call.
   */
  value(value: unknown, cfnPath: string, hotPath: string): unknown {
    this.#scope.paths.record(hotPath, cfnPath);
    return this.#value(value, { cfn: cfnPath, hot: hotPath });
  }

  /** The HOT condition of a CFN condition (a condition name, a boolean or a condition function). */
  condition(value: unknown, cfnPath: string, hotPath: string): unknown {
    this.#scope.paths.record(hotPath, cfnPath);
    return this.#operand(value, { cfn: cfnPath, hot: hotPath });
  }

  #value(value: unknown, at: At): unknown {
    if (Array.isArray(value)) return value.map((item: unknown, i) => this.#value(item, into(at, i)));
    if (!isPlainObject(value)) return value;
    const key = onlyKey(value);
    if (key !== undefined && (key === "Ref" || key.startsWith("Fn::"))) return this.#call(key, value[key], at);
    if (key !== undefined && (intrinsicName(value) !== undefined || unsupportedFunctionName(value) !== undefined)) {
      throw new TemplateValidationError(at.cfn, `"${key}" is a HOT function, not part of the CloudFormation dialect (use Ref, Fn::GetAtt, Fn::Join, ...)`);
    }
    const out: PlainObject = {};
    for (const k of Object.keys(value)) {
      if (value[k] !== undefined) setOwn(out, k, this.#value(value[k], into(at, k)));
    }
    return out;
  }

  #call(fn: string, arg: unknown, at: At): unknown {
    switch (fn) {
      case "Ref":
        return this.#ref(arg, at);
      case "Fn::GetAtt":
        return this.#rename("get_attr", this.#args(arg, at, fn, "[resource, attribute]", [2]), at, fn);
      case "Fn::Join":
        return this.#rename("list_join", this.#args(arg, at, fn, "[delimiter, list]", [2]), at, fn);
      case "Fn::Split":
        return this.#rename("str_split", this.#args(arg, at, fn, "[delimiter, string]", [2]), at, fn);
      case "Fn::Equals":
        return this.#rename("equals", this.#args(arg, at, fn, "[value_1, value_2]", [2]), at, fn);
      case "Fn::Replace":
        return this.#replace(arg, at);
      case "Fn::Select":
      case "Fn::Base64":
      case "Fn::MemberListToMap":
        return { [fn]: this.#value(arg, into(at, fn)) };
      case "Fn::FindInMap":
        return this.#findInMap(arg, at);
      case "Fn::If":
        return this.#if(arg, at);
      case "Fn::Not": {
        const [operand] = argList(arg, into(at, fn), fn, "[condition]", [1]);
        const operandAt = { cfn: joinPath(joinPath(at.cfn, fn), 0), hot: joinPath(at.hot, "not") };
        this.#scope.paths.record(operandAt.hot, operandAt.cfn);
        return { not: this.#operand(operand, operandAt) };
      }
      case "Fn::And":
      case "Fn::Or": {
        const name = fn === "Fn::And" ? "and" : "or";
        const argAt = into(at, fn, name);
        if (!Array.isArray(arg) || arg.length < 2) throw new TemplateValidationError(argAt.cfn, `${fn} takes [condition, condition, ...], got ${show(arg)}`);
        this.#scope.paths.record(argAt.hot, argAt.cfn);
        return { [name]: arg.map((item: unknown, i) => this.#operand(item, into(argAt, i))) };
      }
      default:
        throw new TemplateValidationError(
          at.cfn,
          `intrinsic function "${fn}" is not supported (the CloudFormation dialect supports Ref, Fn::GetAtt, Fn::Join, Fn::Split, Fn::Select, Fn::Replace, Fn::Base64, Fn::FindInMap, Fn::MemberListToMap, Fn::If, Fn::Equals, Fn::And, Fn::Or, Fn::Not)`,
        );
    }
  }

  /** Translate the items of a list argument of `fn` (checked to have one of `lengths`). */
  #args(arg: unknown, at: At, fn: string, form: string, lengths: readonly number[]): unknown[] {
    const list = argList(arg, into(at, fn), fn, form, lengths);
    return list.map((item: unknown, i) => this.#value(item, into(at, fn, i)));
  }

  /** `{ hotName: args }`, recording that `hotName`'s argument is `fn`'s. */
  #rename(hotName: string, args: unknown[], at: At, fn: string): unknown {
    this.#scope.paths.record(joinPath(at.hot, hotName), joinPath(at.cfn, fn));
    return { [hotName]: args };
  }

  #ref(arg: unknown, at: At): unknown {
    const { resources, parameters, paths, pseudoUsed } = this.#scope;
    paths.record(at.hot, at.cfn);
    if (typeof arg !== "string") throw new TemplateValidationError(at.cfn, `Ref takes the name of a parameter or a resource, got ${show(arg)}`);
    if (resources.has(arg)) return { get_resource: arg };
    if (parameters.has(arg)) return { get_param: arg };
    const pseudo = PSEUDO_PARAMETERS.get(arg);
    if (pseudo !== undefined) {
      pseudoUsed.add(arg);
      return { get_param: pseudo };
    }
    if (arg === NO_VALUE) throw new TemplateValidationError(at.cfn, `Ref: ${NO_VALUE} may only be a value of Fn::If`);
    const names = (set: ReadonlySet<string>): string => (set.size > 0 ? [...set].join(", ") : "none");
    throw new TemplateValidationError(
      at.cfn,
      `Ref refers to "${arg}", which is neither a parameter (${names(parameters)}), a resource (${names(resources)}) nor a pseudo parameter (${[...PSEUDO_PARAMETERS.keys()].join(", ")})`,
    );
  }

  #replace(arg: unknown, at: At): unknown {
    const fn = "Fn::Replace";
    const [params, template] = argList(arg, into(at, fn), fn, "[{ placeholder: value, ... }, string]", [2]);
    const { paths } = this.#scope;
    const base = joinPath(at.hot, "str_replace");
    paths.record(base, joinPath(at.cfn, fn));
    const templateAt = into(at, fn, "str_replace");
    return {
      str_replace: {
        template: this.#value(template, { cfn: joinPath(templateAt.cfn, 1), hot: this.#recorded(joinPath(base, "template"), joinPath(templateAt.cfn, 1)) }),
        params: this.#value(params, { cfn: joinPath(templateAt.cfn, 0), hot: this.#recorded(joinPath(base, "params"), joinPath(templateAt.cfn, 0)) }),
      },
    };
  }

  /** Record `hot` → `cfn` and return `hot`. */
  #recorded(hot: string, cfn: string): string {
    this.#scope.paths.record(hot, cfn);
    return hot;
  }

  #findInMap(arg: unknown, at: At): unknown {
    const fn = "Fn::FindInMap";
    const argAt = into(at, fn);
    const [mapName, top, second] = argList(arg, argAt, fn, "[mapping name, key, key]", [3]);
    const { mappings, paths } = this.#scope;
    paths.record(at.hot, at.cfn);
    if (typeof mapName !== "string") throw new TemplateValidationError(joinPath(argAt.cfn, 0), `${fn}: the mapping name must be a string, got ${kindOf(mapName)}`);
    const mapping = ownValue(mappings, mapName);
    if (!isPlainObject(mapping)) {
      const declared = Object.keys(mappings);
      throw new TemplateValidationError(joinPath(argAt.cfn, 0), `${fn} refers to unknown mapping "${mapName}" (declared: ${declared.length > 0 ? declared.join(", ") : "none"})`);
    }
    const topAt = { cfn: joinPath(argAt.cfn, 1), hot: joinPath(at.hot, "Fn::Select.1.Fn::Select.0") };
    const secondAt = { cfn: joinPath(argAt.cfn, 2), hot: joinPath(at.hot, "Fn::Select.0") };
    paths.record(topAt.hot, topAt.cfn);
    paths.record(secondAt.hot, secondAt.cfn);
    const topKey = this.#value(top, topAt);
    const secondKey = this.#value(second, secondAt);
    if (typeof topKey === "string" && typeof secondKey === "string") {
      const row = ownValue(mapping, topKey);
      if (!isPlainObject(row)) throw new TemplateValidationError(joinPath(argAt.cfn, 1), `${fn}: mapping "${mapName}" has no key "${topKey}"`);
      if (!Object.prototype.hasOwnProperty.call(row, secondKey)) {
        throw new TemplateValidationError(joinPath(argAt.cfn, 2), `${fn}: mapping "${mapName}" has no key "${secondKey}" under "${topKey}"`);
      }
      return copyJson(row[secondKey]);
    }
    paths.record(joinPath(at.hot, "Fn::Select"), argAt.cfn);
    return { "Fn::Select": [secondKey, { "Fn::Select": [topKey, copyJson(mapping)] }] };
  }

  #if(arg: unknown, at: At): unknown {
    const fn = "Fn::If";
    const [condition, whenTrue, whenFalse] = argList(arg, into(at, fn), fn, "[condition, value_if_true, value_if_false]", [3]);
    const { paths } = this.#scope;
    const base = joinPath(at.hot, "if");
    paths.record(base, joinPath(at.cfn, fn));
    const isNoValue = (v: unknown): boolean => isPlainObject(v) && onlyKey(v) === "Ref" && v.Ref === NO_VALUE;
    const cond = this.#operand(condition, into(at, fn, "if"));
    const branch = (v: unknown, i: number, hotIndex: number): unknown => {
      const cfn = joinPath(joinPath(at.cfn, fn), i);
      return this.#value(v, { cfn, hot: this.#recorded(joinPath(base, hotIndex), cfn) });
    };
    if (!isNoValue(whenFalse)) {
      if (!isNoValue(whenTrue)) return { if: [cond, branch(whenTrue, 1, 1), branch(whenFalse, 2, 2)] };
      paths.record(joinPath(base, "0.not"), joinPath(joinPath(at.cfn, fn), 0));
      return { if: [{ not: cond }, branch(whenFalse, 2, 1)] };
    }
    if (isNoValue(whenTrue)) throw new TemplateValidationError(joinPath(at.cfn, fn), `${fn}: both values are Ref ${NO_VALUE}; leave the value out instead`);
    return { if: [cond, branch(whenTrue, 1, 1)] };
  }

  /** A condition operand: a condition name, `{ Condition: name }`, a boolean or a condition function. */
  #operand(value: unknown, at: At): unknown {
    if (isPlainObject(value) && onlyKey(value) === "Condition") {
      const name = value.Condition;
      if (typeof name !== "string") throw new TemplateValidationError(joinPath(at.cfn, "Condition"), `Condition takes a condition name, got ${show(name)}`);
      return name;
    }
    return this.#value(value, at);
  }
}

/**
 * Check the `Mappings` section: a mapping of mappings whose values are data (no function).
 * @throws TemplateValidationError at `Mappings…`.
 */
export function checkMappings(section: unknown): PlainObject {
  if (section === undefined || section === null) return {};
  if (!isPlainObject(section)) throw new TemplateValidationError("Mappings", `must be a mapping, got ${kindOf(section)}`);
  for (const name of Object.keys(section)) {
    const mapping = section[name];
    const path = joinPath("Mappings", name);
    if (!isPlainObject(mapping)) throw new TemplateValidationError(path, `a mapping must be a mapping of keys to mappings, got ${kindOf(mapping)}`);
    for (const key of Object.keys(mapping)) {
      const row = mapping[key];
      if (!isPlainObject(row)) throw new TemplateValidationError(joinPath(path, key), `must be a mapping, got ${kindOf(row)}`);
      for (const k of Object.keys(row)) {
        if (hasFunction(row[k])) throw new TemplateValidationError(joinPath(joinPath(path, key), k), "mapping values are data; functions are not evaluated here");
      }
    }
  }
  return section;
}

/** True when a CFN or HOT function call occurs anywhere in `value`. */
function hasFunction(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasFunction);
  if (!isPlainObject(value)) return false;
  const key = onlyKey(value);
  if (key !== undefined && (key === "Ref" || key.startsWith("Fn::") || containsIntrinsic(value))) return true;
  return Object.values(value).some(hasFunction);
}
