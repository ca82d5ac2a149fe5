/**
 * Compile-time treatment of one template value (a property or an output value): check that
 * it is JSON data, validate every intrinsic function in it, substitute `get_param`, decide
 * `if`, fold the functions over data whose arguments are all literal, and record which
 * resources and attributes it reads.
 */
import { TemplateValidationError } from "../errors.js";
import type { AnyResourceType } from "../plugin/types.js";
import { Conditions } from "./conditions.js";
import { callError, checkPartialCall, invokeFunction } from "./functions/definition.js";
import type { TemplateFunction } from "./functions/definition.js";
import { ANY_KIND } from "./functions/shape.js";
import type { PendingKinds, ValueKind } from "./functions/shape.js";
import { CONDITION_FUNCTIONS, FUNCTION_TABLE } from "./functions/table.js";
import { INTRINSIC_FUNCTIONS, containsIntrinsic, intrinsicArgument, intrinsicName, isPathItem, stepInto, unsupportedFunctionName } from "./intrinsics.js";
import type { IntrinsicName, PathItem } from "./intrinsics.js";
import { copyJson } from "./parameter-coercion.js";
import { collectReferences } from "./references.js";
import { isPlainObject, joinPath, kindOf, setOwn, show } from "./plain-data.js";
import type { PlainObject } from "./plain-data.js";

/**
 * What an `if` whose condition is false and which has no value for that case compiles to:
 * the enclosing list item, mapping entry or property is left out (as in Heat).
 */
export const OMITTED: unique symbol = Symbol("omitted");

/** A compiled value: the value to store and whether it contains no intrinsic function. */
export interface CompiledValue {
  /** The compiled value (a fresh copy; never shares the input's objects), or {@link OMITTED}. */
  readonly value: unknown;
  /** True when no intrinsic function remains, so the value is final. */
  readonly literal: boolean;
}

/** What the value compiler needs to know about the template. */
export interface ValueScope {
  /** Every resource name of the template. */
  readonly resourceNames: ReadonlySet<string>;
  /** The registered type of a resource, or undefined when its type is missing or unknown. */
  typeOf(resourceName: string): AnyResourceType | undefined;
  /** Coerced parameter values by name. */
  readonly parameters: ReadonlyMap<string, unknown>;
  /** Names of hidden parameters. */
  readonly hiddenParameters: ReadonlySet<string>;
  /**
   * Parameters whose value is known only at run time (a nested template's parameter given an
   * expression such as `get_attr` by its parent): `get_param` substitutes the expression.
   */
  readonly runtimeParameters?: ReadonlySet<string>;
  /** Pseudo-parameters (`OS::stack_name`, ...): readable with `get_param`, never declared. */
  readonly pseudoParameters?: ReadonlyMap<string, unknown>;
  /** Resources that are nested stacks: `get_attr: [name]` (every output) is allowed on them. */
  readonly nestedStacks?: ReadonlySet<string>;
  /** The name a resource of this template has in the compiled (flattened) template. @default identity */
  qualify?(name: string): string;
  /** The text of a file of the stack's `files` (`get_file`). @default no files */
  readFile?(name: string, path: string): string;
}

const STRING: readonly ValueKind[] = ["string"];

/**
 * Compiles template values within one template. Collects, across calls, the attributes read
 * per resource; per call, the resources referenced and whether a hidden parameter was used
 * (read them after each {@link compile}).
 */
export class ValueCompiler {
  /**
   * Resource names referenced by `get_resource` / `get_attr` in the last compiled value
   * (may repeat; reused by the next call, so copy what you keep).
   */
  readonly references: string[] = [];
  /** Whether the last compiled value substituted a hidden parameter. */
  usedHidden = false;
  /** Attribute names read by `get_attr`, per resource name, over every compiled value. */
  readonly attributeRefs = new Map<string, Set<string>>();

  readonly #scope: ValueScope;
  #conditions: Conditions;
  #dropped: ReadonlyMap<string, string> = new Map();
  #inCondition = false;

  constructor(scope: ValueScope) {
    this.#scope = scope;
    this.#conditions = this.useConditions({});
  }

  /** Use the template's `conditions` section (checked to be a mapping); returns its conditions. */
  useConditions(section: PlainObject): Conditions {
    this.#conditions = new Conditions(section, (expression, path) => this.compileCondition(expression, path));
    return this.#conditions;
  }

  /**
   * Resources whose condition is false: referring to them is an error (outside the branch of
   * an `if` that is left out). Maps each name to the reason shown ("its condition "x" is false").
   */
  dropResources(dropped: ReadonlyMap<string, string>): void {
    this.#dropped = dropped;
  }

  /**
   * Compile `value` found at `path`. Resets {@link references} and {@link usedHidden}.
   * The result is {@link OMITTED} when `value` is an `if` that leaves it out.
   * @throws TemplateValidationError at the offending node.
   */
  compile(value: unknown, path: string): CompiledValue {
    this.references.length = 0;
    this.usedHidden = false;
    return this.#value(value, path);
  }

  /**
   * Compile a condition expression: only condition functions, all decided now.
   * @returns its literal value (checked to be a boolean by the caller).
   */
  compileCondition(expression: unknown, path: string): unknown {
    const saved = { inCondition: this.#inCondition, usedHidden: this.usedHidden };
    this.#inCondition = true;
    try {
      return this.#value(expression, path).value;
    } finally {
      this.#inCondition = saved.inCondition;
      this.usedHidden = saved.usedHidden;
    }
  }

  /** The kinds a compiled call left for run time may yield (undefined for anything else). */
  readonly #pending: PendingKinds = (value) => {
    const fn = intrinsicName(value);
    if (fn === undefined) return undefined;
    if (fn === "get_resource") return STRING;
    return FUNCTION_TABLE.get(fn)?.yields ?? ANY_KIND;
  };

  #value(value: unknown, path: string): CompiledValue {
    if (value === null || typeof value === "string" || typeof value === "boolean") return { value, literal: true };
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new TemplateValidationError(path, `${value} is not JSON data`);
      return { value, literal: true };
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      let literal = true;
      value.forEach((item, i) => {
        if (item === undefined) throw new TemplateValidationError(joinPath(path, i), "undefined is not JSON data");
        const c = this.#value(item, joinPath(path, i));
        if (c.value === OMITTED) return;
        out.push(c.value);
        literal &&= c.literal;
      });
      return { value: out, literal };
    }
    if (isPlainObject(value)) {
      const fn = intrinsicName(value);
      if (fn !== undefined) return this.#call(fn, intrinsicArgument(value, fn), path);
      rejectUnsupported(value, path);
      const out: PlainObject = {};
      let literal = true;
      for (const key of Object.keys(value)) {
        if (value[key] === undefined) continue;
        const c = this.#value(value[key], joinPath(path, key));
        if (c.value === OMITTED) continue;
        setOwn(out, key, c.value);
        literal &&= c.literal;
      }
      return { value: out, literal };
    }
    throw new TemplateValidationError(path, `${kindOf(value)} is not JSON data`);
  }

  #call(fn: IntrinsicName, arg: unknown, path: string): CompiledValue {
    if (this.#inCondition && !CONDITION_FUNCTIONS.includes(fn)) {
      throw new TemplateValidationError(path, `${fn} cannot be used in a condition (conditions may use ${CONDITION_FUNCTIONS.join(", ")})`);
    }
    switch (fn) {
      case "get_param":
        return this.#getParam(arg, path);
      case "get_file":
        return this.#getFile(arg, path);
      case "get_resource":
        return this.#getResource(arg, path);
      case "get_attr":
        return this.#getAttr(arg, path);
      case "if":
        return this.#if(arg, path);
      default:
        return this.#apply(FUNCTION_TABLE.get(fn) as TemplateFunction, arg, path);
    }
  }

  /** A function over data: fold it when its argument is literal, else check what is known and keep it. */
  #apply(fn: TemplateFunction, raw: unknown, path: string): CompiledValue {
    const argPath = joinPath(path, fn.name);
    const c = this.#value(this.#nameConditions(fn, raw, argPath), argPath);
    if (c.value === OMITTED) throw callError(fn, path, "its argument is an if that leaves it out");
    if (c.literal) {
      const result = invokeFunction(fn, c.value, path);
      if (containsIntrinsic(result)) {
        throw new TemplateValidationError(path, `${fn.name}: the result contains a mapping that reads as an intrinsic function (${show(result)})`);
      }
      return { value: result, literal: true };
    }
    checkPartialCall(fn, c.value, this.#pending, path);
    return { value: { [fn.name]: c.value }, literal: false };
  }

  /** Replace the strings that name conditions (`not: c`, `and: [c1, c2]`) by their values. */
  #nameConditions(fn: TemplateFunction, raw: unknown, argPath: string): unknown {
    if (fn.conditionOperands === "argument") return typeof raw === "string" ? this.#conditions.valueOf(raw, argPath) : raw;
    if (fn.conditionOperands === "items" && Array.isArray(raw)) {
      return raw.map((item: unknown, i) => (typeof item === "string" ? this.#conditions.valueOf(item, joinPath(argPath, i)) : item));
    }
    return raw;
  }

  /** `if: [condition, value_if_true, value_if_false?]`: decided now; the branch left out is only checked to be data. */
  #if(arg: unknown, path: string): CompiledValue {
    if (!Array.isArray(arg) || arg.length < 2 || arg.length > 3) {
      throw new TemplateValidationError(path, `if takes [condition, value_if_true, value_if_false] (the last may be left out), got ${show(arg)}`);
    }
    const argPath = joinPath(path, "if");
    const chosen = this.#conditions.decide(arg[0], joinPath(argPath, 0)) ? 1 : 2;
    const other = 3 - chosen;
    if (other < arg.length) checkData(arg[other], joinPath(argPath, other));
    return chosen < arg.length ? this.#value(arg[chosen], joinPath(argPath, chosen)) : { value: OMITTED, literal: true };
  }

  #getParam(arg: unknown, path: string): CompiledValue {
    const parts: unknown[] = Array.isArray(arg) ? arg : [arg];
    const [name, ...keys] = parts;
    if (typeof name !== "string" || !keys.every(isPathItem)) {
      throw new TemplateValidationError(path, `get_param takes a parameter name or [name, key or index, ...], got ${show(arg)}`);
    }
    const { parameters, hiddenParameters, pseudoParameters } = this.#scope;
    if (!parameters.has(name) && pseudoParameters?.has(name) === true) {
      return { value: copyJson(stepAll(pseudoParameters.get(name), name, keys as PathItem[], path)), literal: true };
    }
    if (!parameters.has(name)) {
      const known = [...parameters.keys()];
      const hint = known.length > 0 ? ` (declared: ${known.join(", ")})` : " (the template declares no parameters)";
      throw new TemplateValidationError(path, `get_param refers to unknown parameter "${name}"${hint}`);
    }
    if (hiddenParameters.has(name)) this.usedHidden = true;
    const current = stepAll(parameters.get(name), name, keys as PathItem[], path);
    const copy = copyJson(current);
    if (this.#scope.runtimeParameters?.has(name) === true && containsIntrinsic(copy)) {
      if (this.#inCondition) throw new TemplateValidationError(path, `parameter "${name}" is only known at run time (its value refers to resources), so a condition cannot use it`);
      const refs = collectReferences(copy);
      for (const ref of refs.resources) this.references.push(ref);
      for (const ref of Object.keys(refs.attributes)) {
        let attrs = this.attributeRefs.get(ref);
        if (attrs === undefined) this.attributeRefs.set(ref, (attrs = new Set()));
        for (const attribute of refs.attributes[ref] ?? []) attrs.add(attribute);
      }
      return { value: copy, literal: false };
    }
    if (containsIntrinsic(copy)) {
      throw new TemplateValidationError(path, `the value of parameter "${name}" contains a mapping that reads as an intrinsic function; parameters cannot inject functions`);
    }
    return { value: copy, literal: true };
  }

  #getResource(arg: unknown, path: string): CompiledValue {
    const c = this.#value(arg, joinPath(path, "get_resource"));
    if (!c.literal || typeof c.value !== "string") {
      throw new TemplateValidationError(path, `get_resource takes a resource name, got ${show(arg)}`);
    }
    this.#requireResource(c.value, path, "get_resource");
    const name = this.#scope.qualify?.(c.value) ?? c.value;
    this.references.push(name);
    return { value: { get_resource: name }, literal: false };
  }

  #getAttr(arg: unknown, path: string): CompiledValue {
    const c = Array.isArray(arg) ? this.#value(arg, joinPath(path, "get_attr")) : undefined;
    const parts = c?.value as unknown[] | undefined;
    const whole = parts?.length === 1 && typeof parts[0] === "string" && this.#scope.nestedStacks?.has(parts[0]) === true;
    if (c === undefined || parts === undefined || (parts.length < 2 && !whole)) {
      throw new TemplateValidationError(path, `get_attr takes [resource, attribute, key or index, ...], got ${show(arg)}`);
    }
    const [resource, attribute, ...keys] = parts;
    // A key may be a function known only at run time (`get_attr: [r, value, { get_attr: [k, value] }]`).
    const keyOk = (key: unknown): boolean => isPathItem(key) || intrinsicName(key) !== undefined;
    if (typeof resource !== "string" || (typeof attribute !== "string" && !whole) || !keys.every(keyOk)) {
      throw new TemplateValidationError(path, `get_attr takes [resource, attribute, key or index, ...] (names are strings, indices non-negative integers), got ${show(arg)}`);
    }
    this.#requireResource(resource, path, "get_attr");
    const type = this.#scope.typeOf(resource);
    if (type !== undefined && type.anyAttribute !== true && typeof attribute === "string" && !type.attributeNames.includes(attribute)) {
      const known = type.attributeNames.length > 0 ? `its attributes are ${type.attributeNames.join(", ")}` : "it has no attributes";
      throw new TemplateValidationError(path, `get_attr: resource "${resource}" (type ${type.type}) has no attribute "${attribute}"; ${known}`);
    }
    const name = this.#scope.qualify?.(resource) ?? resource;
    this.references.push(name);
    let attrs = this.attributeRefs.get(name);
    if (attrs === undefined) this.attributeRefs.set(name, (attrs = new Set()));
    if (typeof attribute === "string") attrs.add(attribute);
    return { value: { get_attr: [name, ...parts.slice(1)] }, literal: false };
  }

  #getFile(arg: unknown, path: string): CompiledValue {
    const c = this.#value(arg, joinPath(path, "get_file"));
    if (!c.literal || typeof c.value !== "string" || c.value === "") {
      throw new TemplateValidationError(path, `get_file takes a file name, got ${show(arg)}`);
    }
    const read = this.#scope.readFile;
    if (read === undefined) throw new TemplateValidationError(path, `get_file: file "${c.value}" cannot be read: no files were given (pass them in the files option)`);
    return { value: read(c.value, path), literal: true };
  }

  #requireResource(name: string, path: string, fn: string): void {
    if (!this.#scope.resourceNames.has(name)) {
      throw new TemplateValidationError(path, `${fn} refers to unknown resource "${name}"`);
    }
    const reason = this.#dropped.get(name);
    if (reason !== undefined) {
      throw new TemplateValidationError(
        path,
        `${fn} refers to resource "${name}", which is not part of the stack: ${reason} (refer to it only inside an if on the same condition)`,
      );
    }
  }
}

/** Walk `keys` into parameter `name`'s value. @throws TemplateValidationError when a step is missing. */
function stepAll(value: unknown, name: string, keys: readonly PathItem[], path: string): unknown {
  let current = value;
  for (const key of keys) {
    if (intrinsicName(current) !== undefined) {
      throw new TemplateValidationError(path, `get_param: parameter "${name}" is only known at run time at this path, so it cannot be indexed with ${JSON.stringify(key)}`);
    }
    const step = stepInto(current, key);
    if (!step.found) {
      throw new TemplateValidationError(path, `get_param: parameter "${name}" has no ${JSON.stringify(key)} at this path (a ${kindOf(current)})`);
    }
    current = step.value;
  }
  return current;
}

function rejectUnsupported(value: PlainObject, path: string): void {
  const unsupported = unsupportedFunctionName(value);
  if (unsupported !== undefined) {
    throw new TemplateValidationError(path, `intrinsic function "${unsupported}" is not supported (supported: ${INTRINSIC_FUNCTIONS.join(", ")})`);
  }
}

/**
 * Check that a value left out of the stack (the branch of an `if` not taken, the properties
 * of a resource whose condition is false, the value of an output whose condition is false)
 * is JSON data calling no unsupported function. It is not evaluated, as in Heat.
 * @throws TemplateValidationError at the offending node.
 */
export function checkData(value: unknown, path: string): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TemplateValidationError(path, `${value} is not JSON data`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (item === undefined) throw new TemplateValidationError(joinPath(path, i), "undefined is not JSON data");
      checkData(item, joinPath(path, i));
    });
    return;
  }
  if (!isPlainObject(value)) throw new TemplateValidationError(path, `${kindOf(value)} is not JSON data`);
  rejectUnsupported(value, path);
  for (const key of Object.keys(value)) if (value[key] !== undefined) checkData(value[key], joinPath(path, key));
}
