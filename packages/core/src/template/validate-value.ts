/**
 * Compile-time treatment of one template value (a property or an output value): check that
 * it is JSON data, validate every intrinsic function in it, substitute `get_param`, fold
 * `list_join` / `str_replace` whose arguments are all literal, and record which resources
 * and attributes it reads.
 */
import { TemplateValidationError } from "../errors.js";
import type { AnyResourceType } from "../plugin/types.js";
import { INTRINSIC_FUNCTIONS, containsIntrinsic, intrinsicArgument, intrinsicName, isPathItem, stepInto, unsupportedFunctionName } from "./intrinsics.js";
import type { IntrinsicName, PathItem } from "./intrinsics.js";
import { copyJson } from "./parameter-coercion.js";
import { isPlainObject, joinPath, kindOf, setOwn, show } from "./plain-data.js";
import type { PlainObject } from "./plain-data.js";
import { joinLists, replacePlaceholders } from "./string-functions.js";

/** A compiled value: the value to store and whether it contains no intrinsic function. */
export interface CompiledValue {
  /** The value with `get_param` substituted (a fresh copy; never shares the input's objects). */
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
}

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

  constructor(scope: ValueScope) {
    this.#scope = scope;
  }

  /**
   * Compile `value` found at `path`. Resets {@link references} and {@link usedHidden}.
   * @throws TemplateValidationError at the offending node.
   */
  compile(value: unknown, path: string): CompiledValue {
    this.references.length = 0;
    this.usedHidden = false;
    return this.#value(value, path);
  }

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
        out.push(c.value);
        literal &&= c.literal;
      });
      return { value: out, literal };
    }
    if (isPlainObject(value)) {
      const fn = intrinsicName(value);
      if (fn !== undefined) return this.#intrinsic(fn, intrinsicArgument(value, fn), path);
      const unsupported = unsupportedFunctionName(value);
      if (unsupported !== undefined) {
        throw new TemplateValidationError(
          path,
          `intrinsic function "${unsupported}" is not supported (supported: ${INTRINSIC_FUNCTIONS.join(", ")})`,
        );
      }
      const out: PlainObject = {};
      let literal = true;
      for (const key of Object.keys(value)) {
        if (value[key] === undefined) continue;
        const c = this.#value(value[key], joinPath(path, key));
        setOwn(out, key, c.value);
        literal &&= c.literal;
      }
      return { value: out, literal };
    }
    throw new TemplateValidationError(path, `${kindOf(value)} is not JSON data`);
  }

  #intrinsic(fn: IntrinsicName, arg: unknown, path: string): CompiledValue {
    switch (fn) {
      case "get_param":
        return this.#getParam(arg, path);
      case "get_resource":
        return this.#getResource(arg, path);
      case "get_attr":
        return this.#getAttr(arg, path);
      case "list_join":
        return this.#listJoin(arg, path);
      case "str_replace":
        return this.#strReplace(arg, path);
    }
  }

  #getParam(arg: unknown, path: string): CompiledValue {
    const parts: unknown[] = Array.isArray(arg) ? arg : [arg];
    const [name, ...keys] = parts;
    if (typeof name !== "string" || !keys.every(isPathItem)) {
      throw new TemplateValidationError(path, `get_param takes a parameter name or [name, key or index, ...], got ${show(arg)}`);
    }
    const { parameters, hiddenParameters } = this.#scope;
    if (!parameters.has(name)) {
      const known = [...parameters.keys()];
      const hint = known.length > 0 ? ` (declared: ${known.join(", ")})` : " (the template declares no parameters)";
      throw new TemplateValidationError(path, `get_param refers to unknown parameter "${name}"${hint}`);
    }
    if (hiddenParameters.has(name)) this.usedHidden = true;
    let current = parameters.get(name);
    for (const key of keys as PathItem[]) {
      const step = stepInto(current, key);
      if (!step.found) {
        throw new TemplateValidationError(path, `get_param: parameter "${name}" has no ${JSON.stringify(key)} at this path (a ${kindOf(current)})`);
      }
      current = step.value;
    }
    const copy = copyJson(current);
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
    this.references.push(c.value);
    return { value: { get_resource: c.value }, literal: false };
  }

  #getAttr(arg: unknown, path: string): CompiledValue {
    const c = Array.isArray(arg) ? this.#value(arg, joinPath(path, "get_attr")) : undefined;
    const parts = c?.value as unknown[] | undefined;
    if (c === undefined || !c.literal || parts === undefined || parts.length < 2) {
      throw new TemplateValidationError(path, `get_attr takes [resource, attribute, key or index, ...], got ${show(arg)}`);
    }
    const [resource, attribute, ...keys] = parts;
    if (typeof resource !== "string" || typeof attribute !== "string" || !keys.every(isPathItem)) {
      throw new TemplateValidationError(path, `get_attr takes [resource, attribute, key or index, ...] (names are strings, indices non-negative integers), got ${show(arg)}`);
    }
    this.#requireResource(resource, path, "get_attr");
    const type = this.#scope.typeOf(resource);
    if (type !== undefined && !type.attributeNames.includes(attribute)) {
      const known = type.attributeNames.length > 0 ? `its attributes are ${type.attributeNames.join(", ")}` : "it has no attributes";
      throw new TemplateValidationError(path, `get_attr: resource "${resource}" (type ${type.type}) has no attribute "${attribute}"; ${known}`);
    }
    this.references.push(resource);
    let attrs = this.attributeRefs.get(resource);
    if (attrs === undefined) this.attributeRefs.set(resource, (attrs = new Set()));
    attrs.add(attribute);
    return { value: { get_attr: parts }, literal: false };
  }

  #listJoin(arg: unknown, path: string): CompiledValue {
    const usage = "list_join takes [delimiter, list, ...lists]";
    if (!Array.isArray(arg) || arg.length < 2) throw new TemplateValidationError(path, `${usage}, got ${show(arg)}`);
    const argPath = joinPath(path, "list_join");
    const delimiter = this.#value(arg[0], joinPath(argPath, 0));
    if (!delimiter.literal || typeof delimiter.value !== "string") {
      throw new TemplateValidationError(path, `${usage}: the delimiter must be a string, got ${show(arg[0])}`);
    }
    const lists: unknown[] = [];
    let literal = true;
    for (let i = 1; i < arg.length; i++) {
      const c = this.#value(arg[i], joinPath(argPath, i));
      const runtimeList = !c.literal && intrinsicName(c.value) === "get_attr";
      if (!Array.isArray(c.value) && !runtimeList) {
        throw new TemplateValidationError(path, `${usage}: argument ${i} must be a list (or a get_attr yielding one), got ${show(arg[i])}`);
      }
      lists.push(c.value);
      literal &&= c.literal;
    }
    if (literal) return { value: joinLists(delimiter.value, lists as unknown[][]), literal: true };
    return { value: { list_join: [delimiter.value, ...lists] }, literal: false };
  }

  #strReplace(arg: unknown, path: string): CompiledValue {
    const usage = "str_replace takes { template: string, params: mapping }";
    const keys = isPlainObject(arg) ? Object.keys(arg) : [];
    if (!isPlainObject(arg) || keys.length !== 2 || !("template" in arg) || !("params" in arg)) {
      throw new TemplateValidationError(path, `${usage}, got ${show(arg)}`);
    }
    const argPath = joinPath(path, "str_replace");
    const template = this.#value(arg.template, joinPath(argPath, "template"));
    if (template.literal && typeof template.value !== "string") {
      throw new TemplateValidationError(path, `${usage}: template must be a string, got ${kindOf(template.value)}`);
    }
    const params = this.#value(arg.params, joinPath(argPath, "params"));
    if (!isPlainObject(params.value) || intrinsicName(params.value) !== undefined) {
      throw new TemplateValidationError(path, `${usage}: params must be a mapping, got ${show(arg.params)}`);
    }
    if (Object.prototype.hasOwnProperty.call(params.value, "")) {
      throw new TemplateValidationError(path, `${usage}: a placeholder must not be empty`);
    }
    if (template.literal && params.literal) {
      return { value: replacePlaceholders(template.value as string, params.value), literal: true };
    }
    return { value: { str_replace: { template: template.value, params: params.value } }, literal: false };
  }

  #requireResource(name: string, path: string, fn: string): void {
    if (!this.#scope.resourceNames.has(name)) {
      throw new TemplateValidationError(path, `${fn} refers to unknown resource "${name}"`);
    }
  }
}
