/**
 * Random valid templates over the scenario resource type, and random edits of them.
 *
 * A template is modelled as resources in a topological order: a resource may refer only to
 * resources before it (`get_resource`, `get_attr [X, a | !a]`, `depends_on`), so every model
 * is acyclic. Edits (literal changes, new references, renames, removals, additions,
 * `depends_on` changes, moves that invert dependencies) are followed by {@link repair},
 * which turns every reference that is no longer valid into a literal. References through
 * `!a` / `!b` (replace-on-change) properties build chains along which replacements cascade.
 *
 * Some resources are composed (issue 12): a `ResourceGroup` of `count` scenario resources
 * with the resource's properties, or an `OS::Heat::Stack` whose inline template has one
 * scenario resource `r` fed by parameters. Other resources may `depends_on` them (the whole
 * nested stack) but not read them; {@link flatModel} is what reality must then hold.
 */
import type { ResourceDefinition, Template } from "@converge/core";
import { SCENARIO_TYPE } from "@converge/core/testing";
import type { Rng } from "./rng.js";

/** Properties of the scenario type; `!` ones force replacement when they change. */
export const PROPS = ["a", "b", "c", "ca", "!a", "!b"] as const;
/** One property name. */
export type Prop = (typeof PROPS)[number];
/** Attributes of the scenario type (equal to the properties of the same name). */
export const ATTRS = ["a", "!a"] as const;

/** A property value: a literal, `get_resource X` or `get_attr [X, attr]`. */
export type Value =
  | { readonly kind: "lit"; readonly value: string }
  | { readonly kind: "ref"; readonly to: string }
  | { readonly kind: "attr"; readonly to: string; readonly attr: (typeof ATTRS)[number] };

/** How a resource is composed: plain, a group of `count` members, or a nested stack. */
export type Shape = { readonly kind: "group"; readonly count: number } | { readonly kind: "stack" };

/** One resource of a model. */
export interface ResourceModel {
  name: string;
  props: Partial<Record<Prop, Value>>;
  dependsOn: string[];
  /** Composition (absent: a plain scenario resource). */
  shape?: Shape;
}

/** A template model: resources in an order every reference respects. */
export interface TemplateModel {
  readonly resources: ResourceModel[];
}

/** What generation draws on: the random source, the size limit and a name counter. */
export interface Gen {
  /** Random source of the run. */
  readonly rng: Rng;
  /** Most resources in a template. */
  readonly maxResources: number;
  /** Names made so far (renames and additions always take a name never used in the run). */
  names: number;
}

const LITERALS = ["v1", "v2", "v3"];

function freshName(gen: Gen): string {
  gen.names += 1;
  return `r${gen.names}`;
}

function literal(rng: Rng): Value {
  return { kind: "lit", value: rng.pick(LITERALS) };
}

/** A value for a property of the resource at `index`: a literal or a reference to an earlier one. */
function randomValue(rng: Rng, model: TemplateModel, index: number): Value {
  if (index === 0 || rng.chance(0.45)) return literal(rng);
  // Prefer close predecessors, which makes long chains.
  const back = Math.min(index, 1 + Math.floor(-Math.log(1 - rng.float()) * 1.5));
  const target = model.resources[index - back] as ResourceModel;
  const attrs = ATTRS.filter((a) => target.props[a] !== undefined);
  if (target.shape !== undefined) return literal(rng);
  if (attrs.length > 0 && rng.chance(0.6)) return { kind: "attr", to: target.name, attr: rng.pick(attrs) };
  return { kind: "ref", to: target.name };
}

function randomResource(rng: Rng, model: TemplateModel, index: number, name: string): ResourceModel {
  const resource: ResourceModel = { name, props: {}, dependsOn: [] };
  model.resources.splice(index, 0, resource);
  for (const prop of PROPS) if (rng.chance(prop === "a" || prop === "!a" ? 0.55 : 0.35)) resource.props[prop] = randomValue(rng, model, index);
  if (index > 0 && rng.chance(0.2)) resource.dependsOn.push((model.resources[rng.int(0, index - 1)] as ResourceModel).name);
  const shape = randomShape(rng);
  if (shape !== undefined) resource.shape = shape;
  return resource;
}

function randomShape(rng: Rng): Shape | undefined {
  if (rng.chance(0.12)) return { kind: "group", count: rng.int(0, 3) };
  if (rng.chance(0.08)) return { kind: "stack" };
  return undefined;
}

/** A random template of 1..maxResources resources. */
export function randomTemplate(gen: Gen): TemplateModel {
  const model: TemplateModel = { resources: [] };
  const count = gen.rng.int(1, gen.maxResources);
  for (let i = 0; i < count; i++) randomResource(gen.rng, model, i, freshName(gen));
  return repair(model);
}

/** A deep copy. */
export function cloneModel(model: TemplateModel): TemplateModel {
  return {
    resources: model.resources.map((r) => ({ name: r.name, props: { ...r.props }, dependsOn: [...r.dependsOn], ...(r.shape === undefined ? {} : { shape: r.shape }) })),
  };
}

/** Make every reference valid again (it must point at an earlier resource, an attribute it sets). */
export function repair(model: TemplateModel): TemplateModel {
  const before = new Map<string, ResourceModel>();
  for (const resource of model.resources) {
    for (const prop of PROPS) {
      const value = resource.props[prop];
      if (value === undefined || value.kind === "lit") continue;
      const target = before.get(value.to);
      // A composed resource is only depended on, never read.
      const ok = target !== undefined && target.shape === undefined && (value.kind === "ref" || target.props[value.attr] !== undefined);
      if (!ok) resource.props[prop] = { kind: "lit", value: "v0" };
    }
    resource.dependsOn = [...new Set(resource.dependsOn)].filter((d) => before.has(d));
    before.set(resource.name, resource);
  }
  return model;
}

/** Names a resource refers to (through properties and `depends_on`). */
function referencesOf(resource: ResourceModel): Set<string> {
  const out = new Set(resource.dependsOn);
  for (const value of Object.values(resource.props)) if (value !== undefined && value.kind !== "lit") out.add(value.to);
  return out;
}

type Edit = (rng: Rng, model: TemplateModel, gen: Gen) => string;

const edits: ReadonlyArray<readonly [number, string, Edit]> = [
  [6, "literal", (rng, m) => {
    const r = rng.pick(m.resources);
    // Bias to replace-on-change properties of early resources: replacements cascade down chains.
    const prop = rng.chance(0.5) ? rng.pick(["!a", "!b", "a"] as const) : rng.pick(PROPS);
    r.props[prop] = literal(rng);
    return `${r.name}.${prop}=lit`;
  }],
  [3, "unset", (rng, m) => {
    const r = rng.pick(m.resources);
    const prop = rng.pick(PROPS);
    delete r.props[prop];
    return `${r.name}.${prop} unset`;
  }],
  [4, "reference", (rng, m) => {
    const i = rng.int(0, m.resources.length - 1);
    const r = m.resources[i] as ResourceModel;
    const prop = rng.pick(PROPS);
    r.props[prop] = randomValue(rng, m, i);
    return `${r.name}.${prop}=ref`;
  }],
  [2, "remove", (rng, m) => {
    if (m.resources.length < 2) return "remove skipped";
    const [r] = m.resources.splice(rng.int(0, m.resources.length - 1), 1);
    return `remove ${r?.name ?? "?"}`;
  }],
  [3, "add", (rng, m, gen) => {
    if (m.resources.length >= gen.maxResources) return "add skipped";
    const r = randomResource(rng, m, rng.int(0, m.resources.length), freshName(gen));
    return `add ${r.name}`;
  }],
  [2, "rename", (rng, m, gen) => {
    const r = rng.pick(m.resources);
    const from = r.name;
    const to = freshName(gen);
    r.name = to;
    for (const other of m.resources) {
      other.dependsOn = other.dependsOn.map((d) => (d === from ? to : d));
      for (const prop of PROPS) {
        const value = other.props[prop];
        if (value !== undefined && value.kind !== "lit" && value.to === from) other.props[prop] = { ...value, to };
      }
    }
    return `rename ${from}->${to}`;
  }],
  [2, "depends_on", (rng, m) => {
    const i = rng.int(0, m.resources.length - 1);
    const r = m.resources[i] as ResourceModel;
    if (r.dependsOn.length > 0 && rng.chance(0.5)) {
      r.dependsOn.splice(rng.int(0, r.dependsOn.length - 1), 1);
      return `${r.name} depends_on -1`;
    }
    if (i === 0) return "depends_on skipped";
    const dep = (m.resources[rng.int(0, i - 1)] as ResourceModel).name;
    r.dependsOn.push(dep);
    return `${r.name} depends_on +${dep}`;
  }],
  [2, "reshape", (rng, m) => {
    // Scale a group, or turn a resource into (or back from) a group or a nested stack.
    const r = rng.pick(m.resources);
    const from = r.shape === undefined ? "plain" : r.shape.kind === "group" ? `group(${r.shape.count})` : "stack";
    const shape = r.shape?.kind === "group" && rng.chance(0.6) ? { kind: "group" as const, count: rng.int(0, 4) } : randomShape(rng);
    if (shape === undefined) delete r.shape;
    else r.shape = shape;
    return `reshape ${r.name} ${from}->${shape === undefined ? "plain" : shape.kind === "group" ? `group(${shape.count})` : "stack"}`;
  }],
  [3, "invert", (rng, m) => {
    // Move a resource that refers to an earlier one before it, then make the earlier one
    // refer to the moved one: X -> Y becomes Y -> X.
    const candidates = m.resources.map((r, i) => ({ r, i })).filter(({ r }) => referencesOf(r).size > 0);
    if (candidates.length === 0) return "invert skipped";
    const { r, i } = rng.pick(candidates);
    const targetName = rng.pick([...referencesOf(r)]);
    const j = m.resources.findIndex((x) => x.name === targetName);
    if (j < 0 || j >= i) return "invert skipped";
    m.resources.splice(i, 1);
    m.resources.splice(j, 0, r);
    const old = m.resources[j + 1] as ResourceModel;
    const prop = rng.pick(PROPS);
    const attrs = ATTRS.filter((a) => r.props[a] !== undefined);
    old.props[prop] = attrs.length > 0 && rng.chance(0.5) ? { kind: "attr", to: r.name, attr: rng.pick(attrs) } : { kind: "ref", to: r.name };
    return `invert ${r.name}<->${old.name}`;
  }],
];

/** A random edit of `model` (1..4 changes, repaired); returns the new model and what changed. */
export function mutate(gen: Gen, model: TemplateModel): { model: TemplateModel; changes: string[] } {
  const { rng } = gen;
  const next = cloneModel(model);
  const changes: string[] = [];
  const count = rng.int(1, 4);
  for (let k = 0; k < count; k++) {
    const index = rng.weighted(edits.map(([w]) => w));
    const edit = edits[index] as (typeof edits)[number];
    changes.push(edit[2](rng, next, gen));
    repair(next);
  }
  return { model: next, changes };
}

function toValue(value: Value): unknown {
  if (value.kind === "lit") return value.value;
  if (value.kind === "ref") return { get_resource: value.to };
  return { get_attr: [value.to, value.attr] };
}

/** The template of a model (composed resources as groups and nested stacks). */
export function toTemplate(model: TemplateModel): Template {
  const resources: Record<string, ResourceDefinition> = {};
  for (const r of model.resources) {
    const properties: Record<string, unknown> = {};
    for (const prop of PROPS) {
      const value = r.props[prop];
      if (value !== undefined) properties[prop] = toValue(value);
    }
    const dependsOn = r.dependsOn.length > 0 ? { depends_on: [...r.dependsOn] } : {};
    resources[r.name] = { ...composed(r.shape, properties), ...dependsOn } as ResourceDefinition;
  }
  return { resources };
}

/** A resource's type and properties for its shape. */
function composed(shape: Shape | undefined, properties: Record<string, unknown>): { type: string; properties: Record<string, unknown> } {
  if (shape === undefined) return { type: SCENARIO_TYPE, properties };
  if (shape.kind === "group") return { type: "OS::Heat::ResourceGroup", properties: { count: shape.count, resource_def: { type: SCENARIO_TYPE, properties } } };
  const names = Object.keys(properties);
  const template = {
    parameters: Object.fromEntries(names.map((p) => [p, { type: "string" }])),
    resources: { r: { type: SCENARIO_TYPE, properties: Object.fromEntries(names.map((p) => [p, { get_param: p }])) } },
  };
  return { type: "OS::Heat::Stack", properties: { template, parameters: properties } };
}

/**
 * What reality must hold for a model: each group member (`g/0`, ...) and nested resource
 * (`s/r`) as a plain resource with the composed resource's properties and dependencies.
 */
export function flatModel(model: TemplateModel): TemplateModel {
  const resources: ResourceModel[] = [];
  for (const r of model.resources) {
    if (r.shape === undefined) resources.push(r);
    else if (r.shape.kind === "stack") resources.push({ name: `${r.name}/r`, props: r.props, dependsOn: r.dependsOn });
    else for (let i = 0; i < r.shape.count; i++) resources.push({ name: `${r.name}/${i}`, props: r.props, dependsOn: r.dependsOn });
  }
  return { resources };
}

/** Names of the internal nodes of the model's composed resources (rows that hold no resource). */
export function nodeNames(model: TemplateModel): string[] {
  return model.resources.filter((r) => r.shape !== undefined).map((r) => r.name);
}

/** A compact one-line rendering: `r1{a:v1 !a:@r0.a c:&r0}<r0`. */
export function describeModel(model: TemplateModel): string {
  if (model.resources.length === 0) return "(empty)";
  return model.resources
    .map((r) => {
      const props = PROPS.filter((p) => r.props[p] !== undefined).map((p) => {
        const v = r.props[p] as Value;
        return `${p}:${v.kind === "lit" ? v.value : v.kind === "ref" ? `&${v.to}` : `@${v.to}.${v.attr}`}`;
      });
      const shape = r.shape === undefined ? "" : r.shape.kind === "group" ? `[group ${r.shape.count}]` : "[stack]";
      return `${r.name}${shape}{${props.join(" ")}}${r.dependsOn.length > 0 ? `<${r.dependsOn.join(",")}` : ""}`;
    })
    .join(" ");
}
