/**
 * Compiling one template of a composition (the top-level one or a nested one) into the
 * flattened result: its plain resources as they are, each nested-stack resource expanded
 * (`instantiate`), its outputs compiled in flattened names.
 */
import { TemplateValidationError } from "../../errors.js";
import { withCfnDialect } from "../cfn/dialect.js";
import { intrinsicName } from "../intrinsics.js";
import { checkNesting } from "../nesting.js";
import { bindParameters } from "../parameters.js";
import type { BoundParameters } from "../parameters.js";
import { isPlainObject, joinPath, kindOf, setOwn } from "../plain-data.js";
import type { PlainObject } from "../plain-data.js";
import { compileOutputs } from "../validate-outputs.js";
import { compileResources, explicitDependencies, selectResources } from "../validate-resources.js";
import { checkParameterGroups, checkTopLevel } from "../validate-top-level.js";
import { OMITTED, ValueCompiler } from "../validate-value.js";
import type { Composition, ScopeInput, ScopeResult } from "./context.js";
import { countResources } from "./checks.js";
import { builtinNestedKind } from "./context.js";
import { mapTypeName } from "./environment.js";
import { looksLikeTemplateFile } from "./files.js";
import { instantiateNested } from "./instantiate.js";
import { NESTED_SEPARATOR, nestedStackId } from "./paths.js";

/** The compiled-name prefix of a nested stack's resources. */
function prefixOf(stackPath: string): string {
  return stackPath === "" ? "" : `${stackPath}${NESTED_SEPARATOR}`;
}

/**
 * Compile one template into the composition. Errors carry paths relative to this template;
 * the caller puts them under the nested-stack resource's path. A CloudFormation template is
 * translated into HOT first, its errors given in CFN terms (`cfn/dialect.ts`).
 */
export function compileScope(comp: Composition, input: ScopeInput): ScopeResult {
  return withCfnDialect(input, (scope) => compileHotScope(comp, scope));
}

/** Bind the template's parameters to the given values (hidden ones noted for redaction). */
function bindScopeParameters(comp: Composition, input: ScopeInput, sections: ReturnType<typeof checkTopLevel>): BoundParameters {
  const bound = bindParameters(sections.parameters, input.given, {
    runtime: input.runtime,
    defaults: comp.env.parameterDefaults,
    ...(input.valuePath === undefined ? {} : { valuePath: input.valuePath }),
    ...(input.undeclared === undefined ? {} : { undeclared: input.undeclared }),
  });
  const params: BoundParameters = input.hiddenGiven.size === 0 ? bound : { ...bound, hidden: new Set([...bound.hidden, ...input.hiddenGiven]) };
  checkParameterGroups(sections.parameterGroups, new Set(params.values.keys()));
  for (const name of params.hidden) comp.hiddenValues.push(params.values.get(name));
  return params;
}

/** Each resource's type after the environment's mappings, and which resources are nested stacks. */
interface ResourceKinds {
  readonly mapped: Map<string, string>;
  readonly nested: Set<string>;
}

/** Map each declared type through the environment and find the nested-stack resources. */
function resourceKinds(comp: Composition, input: ScopeInput, section: PlainObject): ResourceKinds {
  const mapped = new Map<string, string>();
  const nested = new Set<string>();
  for (const name of Object.keys(section)) {
    const decl = section[name];
    if (!isPlainObject(decl) || typeof decl.type !== "string") continue;
    const typeName = mapTypeName(comp.env, decl.type, name, joinPath(joinPath("resources", name), "type"), input.file);
    mapped.set(name, typeName);
    if (comp.types.get(typeName) === undefined && (builtinNestedKind(typeName) !== undefined || looksLikeTemplateFile(typeName) || comp.files.has(typeName, input.file))) {
      nested.add(name);
    }
  }
  return { mapped, nested };
}

/** {@link compileScope} of a HOT template. */
function compileHotScope(comp: Composition, input: ScopeInput): ScopeResult {
  if (input.depth > 0) checkNesting(input.template);
  const sections = checkTopLevel(input.template);
  const params = bindScopeParameters(comp, input, sections);
  const prefix = prefixOf(input.stackPath);
  const section = sections.resources;
  const resourceNames = new Set(Object.keys(section));
  const kinds = resourceKinds(comp, input, section);
  const { mapped, nested } = kinds;
  const qualify = (name: string): string => `${prefix}${name}`;
  const pseudo = pseudoParameters(comp, input.stackPath);
  const compiler = new ValueCompiler({
    resourceNames,
    typeOf: (name) => {
      const typeName = mapped.get(name);
      return typeName === undefined || nested.has(name) ? undefined : comp.types.get(typeName);
    },
    parameters: params.values,
    hiddenParameters: params.hidden,
    runtimeParameters: input.runtime,
    pseudoParameters: pseudo,
    nestedStacks: nested,
    qualify,
    readFile: (file, path) => comp.files.text(file, input.file, path),
  });
  const conditions = compiler.useConditions(sections.conditions);
  conditions.evaluateAll();
  const selection = selectResources(section, conditions, resourceNames);
  compiler.dropResources(selection.dropped);
  const live = [...resourceNames].filter((name) => !selection.dropped.has(name));
  countResources(comp, live.length, input.stackPath);
  const scope: ResourceScope = { comp, input, section, selection, kinds, compiler, qualify };
  addPlainResources(scope);
  expandNestedResources(scope);
  const outputs = compileOutputs(sections.outputs, compiler, conditions);
  mergeAttributeRefs(comp, compiler);
  if (input.depth === 0) for (const path of outputs.hiddenPaths) comp.hiddenPaths.push(path);
  return { outputs: outputs.outputs, params, members: live.map(qualify), description: sections.description, pseudo };
}

/** One template's resources being compiled into the composition. */
interface ResourceScope {
  readonly comp: Composition;
  readonly input: ScopeInput;
  readonly section: PlainObject;
  readonly selection: ReturnType<typeof selectResources>;
  readonly kinds: ResourceKinds;
  readonly compiler: ValueCompiler;
  readonly qualify: (name: string) => string;
}

/** Compile the template's plain resources into the composition under their flattened names. */
function addPlainResources(scope: ResourceScope): void {
  const { comp, input, section, selection, kinds, compiler, qualify } = scope;
  const prefix = prefixOf(input.stackPath);
  const compiled = compileResources(section, selection, comp.types, compiler, {
    qualify,
    nested: kinds.nested,
    inherited: input.inherited,
    mapType: (name) => kinds.mapped.get(name),
  });
  // Explicit dependencies matter only where linking may rewrite a resource's properties: in a
  // template with nested stacks, or in a nested template (its parameters may read them).
  const linkable = kinds.nested.size > 0 || input.depth > 0;
  for (const [name, resource] of compiled.entries) {
    setOwn(comp.resources, name, resource);
    if (!linkable) continue;
    const decl = section[name.slice(prefix.length)] as PlainObject;
    const explicit = explicitDependencies(decl.depends_on, name.slice(prefix.length), selection, "").map(qualify);
    comp.explicit.set(name, input.inherited.length === 0 ? explicit : [...explicit, ...input.inherited]);
  }
  const where = input.stackPath === "" ? "" : `${input.stackPath.split(NESTED_SEPARATOR).map((part) => `resources.${part}`).join(".")}.`;
  for (const path of compiled.hiddenPaths) comp.hiddenPaths.push(`${where}${path}`);
}

/** Expand each selected nested-stack resource into the composition (`instantiate.ts`). */
function expandNestedResources(scope: ResourceScope): void {
  const { comp, input, section, selection, kinds, compiler, qualify } = scope;
  if (kinds.nested.size === 0) return; // most templates: no walk over every resource name
  for (const name of Object.keys(section)) {
    if (!kinds.nested.has(name) || selection.dropped.has(name)) continue;
    const path = joinPath("resources", name);
    const decl = section[name] as PlainObject;
    const explicit = explicitDependencies(decl.depends_on, name, selection, path).map(qualify);
    const props = compileNestedProperties(compiler, decl, path, builtinNestedKind(kinds.mapped.get(name) as string) === "stack");
    for (const key of Object.keys(decl)) {
      if (key === "external_id" && decl.external_id !== undefined && decl.external_id !== null) {
        throw new TemplateValidationError(joinPath(path, key), "a nested stack cannot be imported with external_id");
      }
    }
    instantiateNested(comp, {
      name: qualify(name),
      typeName: kinds.mapped.get(name) as string,
      declaredType: decl.type as string,
      properties: props.values,
      runtime: props.runtime,
      hidden: props.hidden,
      explicit: input.inherited.length === 0 ? explicit : [...explicit, ...input.inherited],
      updatePolicy: decl.update_policy,
      file: input.file,
      chain: input.chain,
      depth: input.depth + 1,
      path,
    });
  }
}

/** Add the attributes this template's values read (`get_attr`) to the composition's. */
function mergeAttributeRefs(comp: Composition, compiler: ValueCompiler): void {
  for (const [name, attrs] of compiler.attributeRefs) {
    let set = comp.attributeRefs.get(name);
    if (set === undefined) comp.attributeRefs.set(name, (set = new Set()));
    for (const attribute of attrs) set.add(attribute);
  }
}

/** The compiled properties of a nested-stack resource: its child's parameter values. */
interface NestedProperties {
  readonly values: PlainObject;
  readonly runtime: Set<string>;
  readonly hidden: Set<string>;
}

/**
 * Compile a nested-stack resource's properties in its parent's template. The inline
 * `template` of an `OS::Heat::Stack` (a mapping) is its own template: kept as written, for
 * its own parameters to be read in it.
 */
function compileNestedProperties(compiler: ValueCompiler, decl: PlainObject, path: string, inlineTemplate: boolean): NestedProperties {
  const propsPath = joinPath(path, "properties");
  const given = decl.properties ?? {};
  if (!isPlainObject(given)) throw new TemplateValidationError(propsPath, `properties must be a mapping, got ${kindOf(given)}`);
  const values: PlainObject = {};
  const runtime = new Set<string>();
  const hidden = new Set<string>();
  for (const prop of Object.keys(given)) {
    if (given[prop] === undefined) continue;
    if (inlineTemplate && prop === "template" && isPlainObject(given[prop]) && intrinsicName(given[prop]) === undefined) {
      setOwn(values, prop, given[prop]);
      continue;
    }
    const compiled = compiler.compile(given[prop], joinPath(propsPath, prop));
    if (compiled.value === OMITTED) continue;
    if (!compiled.literal) runtime.add(prop);
    if (compiler.usedHidden) hidden.add(prop);
    setOwn(values, prop, compiled.value);
  }
  return { values, runtime, hidden };
}

/** The pseudo-parameters of the template at `stackPath`. */
function pseudoParameters(comp: Composition, stackPath: string): ReadonlyMap<string, unknown> {
  const { stackName, stackId, projectId } = comp.identity;
  return new Map<string, unknown>([
    ["OS::stack_name", stackPath === "" ? stackName : `${stackName}${NESTED_SEPARATOR}${stackPath}`],
    ["OS::stack_id", stackPath === "" ? stackId : nestedStackId(stackId, stackPath)],
    ["OS::project_id", projectId],
  ]);
}

