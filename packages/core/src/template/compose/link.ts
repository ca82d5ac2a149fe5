/**
 * Linking a composition: every `get_attr` / `get_resource` of a nested stack is replaced by
 * what it reads inside it, so it waits only for the resources it uses.
 *
 * ```
 *   web.properties.db_url: { get_attr: [app, url] }        app/ (db.yaml): outputs.url = { get_attr: [db, address] }
 *   linked:                { get_attr: [app/db, address] }  web depends on app/db, not on all of app
 * ```
 *
 * A template resource's outputs are its attributes (`[app]` and `[app, outputs]`: all of
 * them as a mapping, `[app, outputs_list]`: their values as a list, `[app, OS::stack_id]`);
 * a group's or chain's are `refs`, `refs_map`, `attributes`, `removed_rsrc_list`,
 * `resource.N[.attr]` (null for a member it does not have) and any member attribute (a list
 * over the members).
 */
import { TemplateValidationError } from "../../errors.js";
import { intrinsicArgument, intrinsicName, isPathItem, stepInto } from "../intrinsics.js";
import { isPlainObject, joinPath, setOwn, show } from "../plain-data.js";
import type { PlainObject } from "../plain-data.js";
import { collectReferences } from "../references.js";
import type { CompiledOutput } from "../types.js";
import type { Composition, NestedNode } from "./context.js";
import { NESTED_SEPARATOR } from "./paths.js";

/** Rewrites values of a composition; memoizes nested outputs. */
export class Linker {
  readonly #comp: Composition;
  readonly #outputs = new Map<string, unknown>();
  readonly #inProgress = new Set<string>();
  /** Values a run-time key walks into, exported by their nested stack's node (by node name). */
  readonly exports = new Map<string, PlainObject>();

  constructor(comp: Composition) {
    this.#comp = comp;
  }

  /** `value` with every reference to a nested stack replaced (the same object when there is none). */
  rewrite(value: unknown, path: string): unknown {
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      value.forEach((item, i) => {
        const next = this.rewrite(item, joinPath(path, i));
        if (next !== item) out ??= value.slice();
        if (out !== undefined) out[i] = next;
      });
      return out ?? value;
    }
    if (!isPlainObject(value)) return value;
    const fn = intrinsicName(value);
    if (fn === "get_resource") return this.#getResource(value, path);
    if (fn === "get_attr") return this.#getAttr(intrinsicArgument(value, fn), value, path);
    let out: PlainObject | undefined;
    for (const key of Object.keys(value)) {
      const next = this.rewrite(value[key], joinPath(path, key));
      if (next !== value[key] && out === undefined) {
        out = {};
        for (const k of Object.keys(value)) setOwn(out, k, value[k]);
      }
      if (out !== undefined) setOwn(out, key, next);
    }
    return out ?? value;
  }

  #getResource(value: PlainObject, path: string): unknown {
    const name = value.get_resource;
    const node = typeof name === "string" ? this.#comp.nested.get(name) : undefined;
    if (node === undefined || !Object.prototype.hasOwnProperty.call(node.outputs, "OS::stack_id")) return value;
    return this.#output(node, "OS::stack_id", path);
  }

  #getAttr(arg: unknown, original: PlainObject, path: string): unknown {
    if (!Array.isArray(arg)) return original;
    const [name, ...rest] = arg as unknown[];
    const keys = rest.map((key, i) => (i > 0 || typeof key !== "string" ? this.rewrite(key, joinPath(path, i + 1)) : key));
    const node = typeof name === "string" ? this.#comp.nested.get(name) : undefined;
    if (node === undefined) return keys.every((key, i) => key === rest[i]) ? original : { get_attr: [name, ...keys] };
    return node.kind === "group" || node.kind === "chain" ? this.#groupAttr(node, keys, path) : this.#stackAttr(node, keys, path);
  }

  #stackAttr(node: NestedNode, keys: readonly unknown[], path: string): unknown {
    const [attribute, ...rest] = keys;
    const names = Object.keys(node.outputs);
    if (attribute === undefined || attribute === "outputs") {
      const all: PlainObject = {};
      for (const out of names) setOwn(all, out, this.#output(node, out, path));
      return this.#walk(node, all, rest, path);
    }
    if (attribute === "outputs_list") return this.#walk(node, names.map((out) => this.#output(node, out, path)), rest, path);
    if (attribute === "OS::stack_id" && !names.includes("OS::stack_id")) return this.#walk(node, { get_resource: node.name }, rest, path);
    const inner = typeof attribute === "string" && !names.includes(attribute) ? /^resource\.([^.]+)(?:\.(.+))?$/.exec(attribute) : null;
    if (inner !== null) {
      // `resource.NAME[.attr]`: a resource of the nested template, read directly.
      const member = `${node.name}${NESTED_SEPARATOR}${inner[1] as string}`;
      if (this.#comp.resources[member] === undefined) return null;
      if (inner[2] === undefined && rest.length === 0) return this.rewrite({ get_resource: member }, path);
      const [first, ...more] = inner[2] === undefined ? rest : [...inner[2].split("."), ...rest];
      return this.#walk(node, this.rewrite({ get_attr: [member, first] }, path), more, path);
    }
    if (typeof attribute !== "string" || !names.includes(attribute)) {
      const known = names.length === 0 ? "it has no outputs" : `its outputs are ${names.join(", ")}`;
      throw new TemplateValidationError(path, `get_attr: nested stack "${node.name}" (type ${node.type}) has no output ${show(attribute)}; ${known}`);
    }
    return this.#walk(node, this.#output(node, attribute, path), rest, path);
  }

  #groupAttr(node: NestedNode, keys: readonly unknown[], path: string): unknown {
    const [attribute, ...rest] = keys;
    const ref = (member: string): unknown => this.rewrite({ get_resource: member }, path);
    const attr = (member: string, name: unknown): unknown => {
      this.#checkMemberAttribute(node, member, name, path);
      return this.rewrite({ get_attr: [member, name] }, path);
    };
    if (typeof attribute !== "string") throw new TemplateValidationError(path, `get_attr on ${node.type} "${node.name}" needs an attribute name (refs, refs_map, attributes, resource.N, or a member attribute)`);
    if (attribute === "refs") return this.#walk(node, node.members.map(ref), rest, path);
    if (attribute === "refs_map") return this.#walk(node, mapOf(node, ref), rest, path);
    if (attribute === "removed_rsrc_list") return this.#walk(node, [...node.removed], rest, path);
    if (attribute === "attributes") {
      const [name, ...more] = rest;
      if (name === undefined) throw new TemplateValidationError(path, `get_attr: [${node.name}, attributes, NAME] needs the member attribute name`);
      return this.#walk(node, mapOf(node, (member) => attr(member, name)), more, path);
    }
    const match = /^resource\.([^.]+)(?:\.(.+))?$/.exec(attribute);
    if (match !== null) {
      const at = node.indexes.indexOf(match[1] as string);
      const member = node.members[at];
      // As in Heat, a member the group does not have (count 0, removed) reads as nothing.
      if (member === undefined) return null;
      if (match[2] === undefined && rest.length === 0) return ref(member);
      // As in Heat, the key after `resource.N` is the member's attribute (`[chain, resource.0, value]`).
      const [first, ...more] = match[2] === undefined ? rest : [...match[2].split("."), ...rest];
      return this.#walk(node, attr(member, first), more, path);
    }
    return this.#walk(node, node.members.map((member) => attr(member, attribute)), rest, path);
  }

  /** @throws TemplateValidationError when a plain member's type has no such attribute. */
  #checkMemberAttribute(node: NestedNode, member: string, name: unknown, path: string): void {
    const resource = this.#comp.resources[member];
    const type = resource === undefined || this.#comp.nested.has(member) ? undefined : this.#comp.types.get(resource.type);
    if (type !== undefined && (typeof name !== "string" || !type.attributeNames.includes(name))) {
      const known = type.attributeNames.length > 0 ? `its attributes are ${type.attributeNames.join(", ")}` : "it has no attributes";
      throw new TemplateValidationError(path, `get_attr: the members of "${node.name}" (type ${type.type}) have no attribute ${show(name)}; ${known}`);
    }
  }

  /** A nested stack's output, linked (memoized). @throws TemplateValidationError on outputs that read each other in a cycle. */
  #output(node: NestedNode, name: string, path: string): unknown {
    const key = `${node.name}\u0000${name}`;
    if (this.#outputs.has(key)) return this.#outputs.get(key);
    if (this.#inProgress.has(key)) throw new TemplateValidationError(path, `output "${name}" of nested stack "${node.name}" reads itself through other nested stacks`);
    this.#inProgress.add(key);
    const value = this.rewrite((node.outputs[name] as CompiledOutput).value, `${node.path}.outputs.${name}.value`);
    this.#inProgress.delete(key);
    this.#outputs.set(key, value);
    return value;
  }

  /**
   * Walk `keys` into an expression at compile time: into lists and mappings written out, onto
   * the path of a `get_attr` (read at run time); a missing step gives null, as `get_attr` does.
   * A key known only at run time (a nested `get_attr`) walks into a value the nested stack's
   * node exports as its `exports` attribute (so that read waits for the whole nested stack).
   * @throws TemplateValidationError when the value is computed by another function.
   */
  #walk(node: NestedNode, value: unknown, keys: readonly unknown[], path: string): unknown {
    let current = value;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const fn = intrinsicName(current);
      if (fn === "get_attr") return { get_attr: [...(intrinsicArgument(current, fn) as unknown[]), ...keys.slice(i)] };
      if (!isPathItem(key)) return { get_attr: [node.name, "exports", this.#export(node, current), ...keys.slice(i)] };
      if (fn !== undefined) throw new TemplateValidationError(path, `get_attr: cannot walk into a nested output computed by ${fn} (key ${show(key)}); output the part you need instead`);
      const step = stepInto(current, key);
      if (!step.found) return null;
      current = step.value;
    }
    return current;
  }

  /** Export `value` from `node`; returns its key in the node's `exports` attribute. */
  #export(node: NestedNode, value: unknown): string {
    let exports = this.exports.get(node.name);
    if (exports === undefined) this.exports.set(node.name, (exports = {}));
    const key = String(Object.keys(exports).length);
    setOwn(exports, key, value);
    return key;
  }
}

function mapOf(node: NestedNode, each: (member: string) => unknown): PlainObject {
  const out: PlainObject = {};
  node.members.forEach((member, i) => setOwn(out, node.indexes[i] as string, each(member)));
  return out;
}



/** The attribute names a (linked) value reads, added to the composition's `attributeRefs`. */
export function noteAttributes(comp: Composition, value: unknown): void {
  const refs = collectReferences(value).attributes;
  for (const name of Object.keys(refs)) {
    let set = comp.attributeRefs.get(name);
    if (set === undefined) comp.attributeRefs.set(name, (set = new Set()));
    for (const attribute of refs[name] ?? []) set.add(attribute);
  }
}
