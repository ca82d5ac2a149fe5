/**
 * Expanding one nested-stack resource into the composition: a template resource (a file), an
 * `OS::Heat::Stack`, a `ResourceGroup` or a `ResourceChain`. Its resources become resources of
 * the flattened template named `NAME/...`, and its node `NAME` depends on all of them.
 */
import { sha256Hex } from "../../platform/node.js";
import { CompositionLimitError, TemplateValidationError, UnknownResourceTypeError } from "../../errors.js";
import { containsIntrinsic } from "../intrinsics.js";
import { parseTemplate } from "../parse.js";
import { isPlainObject, joinPath, kindOf, setOwn } from "../plain-data.js";
import type { PlainObject } from "../plain-data.js";
import type { CompiledOutput, NestedStackKind } from "../types.js";
import type { Composition } from "./context.js";
import { NO_OUTPUTS, builtinNestedKind } from "./context.js";
import { mapTypeName } from "./environment.js";
import { looksLikeTemplateFile } from "./files.js";
import { batchPolicy, chainMembers, groupMembers, parseGroup } from "./group-props.js";
import type { MemberDefinition } from "./group-props.js";
import { addPlainMember } from "./plain-member.js";
import { NESTED_STACK_TYPE } from "./nested-type.js";
import { PAUSE_TYPE } from "./pause-type.js";
import { NESTED_SEPARATOR, PARENT_PATH, nestedStackId, underPath } from "./paths.js";
import { checkRecursion, countResources, sealHidden } from "./checks.js";
import { checkFacade } from "./facade.js";

/** A nested-stack resource to expand. */
export interface NestedSpec {
  /** Compiled name of its node (`app`, `group/3`). */
  readonly name: string;
  /** Its type after registry mapping. */
  readonly typeName: string;
  /** Its type as the template names it (before registry mapping). */
  readonly declaredType: string;
  /** Its compiled properties. */
  readonly properties: PlainObject;
  /** Properties known only at run time. */
  readonly runtime: ReadonlySet<string>;
  /** Properties that used a hidden parameter. */
  readonly hidden: ReadonlySet<string>;
  /** Compiled names it depends on explicitly (its own and inherited `depends_on`). */
  readonly explicit: readonly string[];
  /** Its `update_policy`, as written. */
  readonly updatePolicy: unknown;
  /** The file of the template naming it. */
  readonly file: string | undefined;
  /** The files including that template. */
  readonly chain: readonly string[];
  /** Its depth (1 for a nested stack of the top-level template). */
  readonly depth: number;
  /** Its template path for errors, relative to the template naming it (`resources.app`). */
  readonly path: string;
}

/** What the child of a nested stack produced. */
interface Child {
  readonly members: readonly string[];
  readonly outputs: Readonly<Record<string, CompiledOutput>>;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly indexes: readonly string[];
  readonly removed: readonly string[];
}

/**
 * Expand a nested-stack resource and add its node.
 * @throws TemplateValidationError (or a subclass) at a path under `spec.path`.
 */
export function instantiateNested(comp: Composition, spec: NestedSpec): void {
  if (spec.depth > comp.limits.maxNestingDepth) {
    throw new CompositionLimitError(joinPath(spec.path, "type"), `nested stacks nest more than ${comp.limits.maxNestingDepth} levels deep (${spec.name})`);
  }
  const kind: NestedStackKind = builtinNestedKind(spec.typeName) ?? "template";
  countResources(comp, 1, spec.name, spec.path);
  const child = expand(comp, spec, kind);
  const stackId = nestedStackId(comp.identity.stackId, spec.name);
  const deps = new Set<string>(child.members);
  for (const dep of spec.explicit) deps.add(dep);
  setOwn(comp.resources, spec.name, {
    type: NESTED_STACK_TYPE,
    properties: { type: spec.typeName, stack_id: stackId },
    dependsOn: [...deps].sort(),
    deletionPolicy: "delete",
    displayType: spec.declaredType,
  });
  comp.explicit.set(spec.name, [...deps]);
  comp.nested.set(spec.name, {
    name: spec.name,
    type: spec.typeName,
    kind,
    stackId,
    parameters: child.parameters,
    outputs: child.outputs,
    members: child.members,
    indexes: child.indexes,
    removed: child.removed,
    path: spec.path,
  });
}

function expand(comp: Composition, spec: NestedSpec, kind: NestedStackKind): Child {
  switch (kind) {
    case "template":
      return expandTemplate(comp, spec);
    case "stack":
      return expandStack(comp, spec);
    case "group": {
      const group = parseGroup(spec.properties, spec.runtime, spec.path);
      if (comp.count + group.count > comp.limits.maxResources) countResources(comp, group.count, spec.name, joinPath(joinPath(spec.path, "properties"), "count"));
      // What the group's members are made of: a pause runs again only when it changed.
      const file = comp.files.find(group.type, spec.file);
      const definition = sha256Hex(JSON.stringify([group.type, group.properties, file?.content ?? null])).slice(0, 16);
      return expandMembers(comp, spec, groupMembers(group), { chained: false, removed: [...group.removed], definition });
    }
    case "chain": {
      const chain = chainMembers(spec.properties, spec.runtime, spec.path);
      return expandMembers(comp, spec, chain.members, { chained: !chain.concurrent, removed: [], definition: "" });
    }
  }
}

function expandTemplate(comp: Composition, spec: NestedSpec): Child {
  const typePath = joinPath(spec.path, "type");
  const found = comp.files.template(spec.typeName, spec.file, typePath);
  checkRecursion(spec.chain, found.name, typePath);
  checkFacade(comp, spec.declaredType, found.name, found.template, spec.file, spec.path);
  try {
    const scope = comp.compileChild({
      template: found.template,
      stackPath: spec.name,
      given: spec.properties,
      runtime: spec.runtime,
      hiddenGiven: spec.hidden,
      inherited: spec.explicit,
      file: found.name,
      chain: [...spec.chain, found.name],
      depth: spec.depth,
      valuePath: (name) => `properties.${name}`,
      undeclared: (name) => `template ${found.name} declares no parameter "${name}"`,
    });
    return { members: scope.members, outputs: scope.outputs, parameters: sealHidden(scope.params.values, scope.params.hidden), indexes: [], removed: [] };
  } catch (error) {
    throw underPath(error, spec.path);
  }
}

const STACK_PROPS = new Set(["template", "parameters", "timeout", "context"]);

function expandStack(comp: Composition, spec: NestedSpec): Child {
  const propsPath = joinPath(spec.path, "properties");
  for (const key of Object.keys(spec.properties)) {
    if (!STACK_PROPS.has(key)) throw new TemplateValidationError(joinPath(propsPath, key), `unknown property "${key}" for type OS::Heat::Stack; its properties are ${[...STACK_PROPS].join(", ")}`);
  }
  const templatePath = joinPath(propsPath, "template");
  let template = spec.properties.template;
  if (template === undefined) throw new TemplateValidationError(templatePath, "required property \"template\" of type OS::Heat::Stack is missing");
  if (spec.runtime.has("template")) throw new TemplateValidationError(templatePath, "the template must be known when the template compiles; it depends on a resource attribute");
  try {
    if (typeof template === "string") template = parseTemplate(template);
  } catch (error) {
    throw underPath(error, templatePath);
  }
  const parameters = spec.properties.parameters ?? {};
  if (!isPlainObject(parameters)) throw new TemplateValidationError(joinPath(propsPath, "parameters"), `must be a mapping of parameter values, got ${kindOf(parameters)}`);
  const runtime = new Set(Object.keys(parameters).filter((name) => containsIntrinsic(parameters[name])));
  try {
    const scope = comp.compileChild({
      template,
      stackPath: spec.name,
      given: parameters,
      runtime,
      hiddenGiven: spec.hidden.has("parameters") ? new Set(Object.keys(parameters)) : new Set(),
      inherited: spec.explicit,
      file: spec.file,
      chain: spec.chain,
      depth: spec.depth,
      valuePath: (name) => `${PARENT_PATH}properties.parameters.${name}`,
      undeclared: (name) => `the nested template declares no parameter "${name}"`,
    });
    return { members: scope.members, outputs: scope.outputs, parameters: sealHidden(scope.params.values, scope.params.hidden), indexes: [], removed: [] };
  } catch (error) {
    throw underPath(error, templatePath, spec.path);
  }
}

/** Expand the members of a group or chain (`chained`: each after the previous one). */
function expandMembers(comp: Composition, spec: NestedSpec, members: readonly MemberDefinition[], how: { chained: boolean; removed: string[]; definition: string }): Child {
  const prefix = `${spec.name}${NESTED_SEPARATOR}`;
  const policy = how.chained ? null : batchPolicy(spec.updatePolicy, comp.update, spec.path);
  const batchSize = policy === null ? 0 : Math.max(1, Math.min(policy.maxBatchSize, members.length - policy.minInService));
  const names: string[] = [];
  let previousBatch: string[] = [];
  let batch: string[] = [];
  let pauses = 0;
  members.forEach((member, i) => {
    const name = `${prefix}${member.index}`;
    let explicit = spec.explicit;
    if (how.chained && i > 0) explicit = [...explicit, names[i - 1] as string];
    if (batchSize > 0) {
      if (batch.length === batchSize) {
        // Batch k+1 waits for batch k, through a pause node when the policy pauses.
        previousBatch = policy === null || policy.pauseTimeMs === 0 ? batch : [addPause(comp, `${prefix}pause-${++pauses}`, batch, { seconds: policy.pauseTimeMs / 1000, definition: how.definition }, spec)];
        batch = [];
      }
      batch.push(name);
      if (previousBatch.length > 0) explicit = [...explicit, ...previousBatch];
    }
    instantiateMember(comp, name, member, explicit, spec, joinPath(joinPath(spec.path, "resources"), member.index));
    names.push(name);
  });
  const parameters: Record<string, unknown> = {};
  for (const key of Object.keys(spec.properties)) setOwn(parameters, key, spec.properties[key]);
  return { members: names, outputs: NO_OUTPUTS, parameters, indexes: members.map((m) => m.index), removed: how.removed };
}

/**
 * Add the pause node `name` after the members `batch`. Its `definition` (a hash of what the
 * members are made of) changes when they do, so an update that changes them pauses again and
 * one that does not (a no-op, a scale) does not.
 */
function addPause(comp: Composition, name: string, batch: readonly string[], pause: { seconds: number; definition: string }, spec: NestedSpec): string {
  countResources(comp, 1, name, spec.path);
  const deps = [...new Set([...batch, ...spec.explicit])];
  setOwn(comp.resources, name, { type: PAUSE_TYPE, properties: { seconds: pause.seconds, definition: pause.definition }, dependsOn: deps.sort(), deletionPolicy: "delete" });
  comp.explicit.set(name, deps);
  return name;
}

function instantiateMember(comp: Composition, name: string, member: MemberDefinition, explicit: readonly string[], parent: NestedSpec, path: string): void {
  const typePath = joinPath(path, "type");
  const local = name.slice(name.lastIndexOf(NESTED_SEPARATOR) + 1);
  const typeName = mapTypeName(comp.env, member.type, local, typePath, parent.file);
  const type = comp.types.get(typeName);
  if (type !== undefined) {
    addPlainMember(comp, name, type, member.properties, explicit, path, member.type);
    return;
  }
  if (builtinNestedKind(typeName) === undefined && !looksLikeTemplateFile(typeName) && !comp.files.has(typeName, parent.file)) {
    throw new UnknownResourceTypeError(typePath, typeName, comp.types.names());
  }
  const runtime = new Set(Object.keys(member.properties).filter((key) => containsIntrinsic(member.properties[key])));
  instantiateNested(comp, {
    name,
    typeName,
    declaredType: member.type,
    properties: member.properties,
    runtime,
    hidden: parent.hidden.size > 0 ? new Set(Object.keys(member.properties)) : new Set(),
    explicit,
    updatePolicy: undefined,
    file: parent.file,
    chain: parent.chain,
    depth: parent.depth + 1,
    path,
  });
}
