/**
 * `compileTemplate`: validate a template completely and compile it into the form the engine
 * stores and converges to. A template that composes others (template resources, nested
 * stacks, groups, chains) compiles into ONE flattened template (see `compose/`).
 */
import { DependencyCycleError, InvalidOptionsError } from "../errors.js";
import { DependencyGraph } from "../graph/dependency-graph.js";
import type { TypeRegistry } from "../plugin/registry.js";
import { sealSecrets } from "../secrets/template-secrets.js";
import { inCfnTermsAfterCompile } from "./cfn/dialect.js";
import { Redactor, secretLeaves } from "../secrets/redactor.js";
import { checkNesting } from "./nesting.js";
import { collectReferences } from "./references.js";
import { isPlainObject, setOwn } from "./plain-data.js";
import type { PlainObject } from "./plain-data.js";
import type { CompiledNestedStack, CompiledOutput, CompiledResource, CompiledTemplate } from "./types.js";
import { sealHidden } from "./compose/checks.js";
import { DEFAULT_COMPOSITION_LIMITS } from "./compose/context.js";
import type { Composition, CompositionLimits, ScopeResult } from "./compose/context.js";
import { resolveEnvironment } from "./compose/environment.js";
import type { EnvironmentInput } from "./compose/environment.js";
import { FileSet } from "./compose/files.js";
import type { TemplateFiles } from "./compose/files.js";
import { Linker, noteAttributes } from "./compose/link.js";
import { NESTED_SEPARATOR } from "./compose/paths.js";
import { compileScope } from "./compose/scope.js";

/** Shared (frozen) empty attribute list of the resources no `get_attr` reads. */
const NONE: readonly string[] = Object.freeze([]);

/** Options of {@link compileTemplate}. */
export interface CompileOptions {
  /** The resource types the template may use. */
  readonly types: TypeRegistry;
  /**
   * Parameter values for the stack; strings are coerced to the declared types. They win over
   * the environment's `parameters`.
   * @default {}
   */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Heat environment(s): `parameters`, `parameter_defaults`, `resource_registry`. @default none */
  readonly environment?: EnvironmentInput;
  /** Files by name (template text or objects) for template resources and `get_file`. @default {} */
  readonly files?: TemplateFiles;
  /** `OS::stack_name`. @default "stack" */
  readonly stackName?: string;
  /** `OS::stack_id` (nested stacks' ids derive from it). @default "00000000-0000-0000-0000-000000000000" */
  readonly stackId?: string;
  /** `OS::project_id`. @default "converge" */
  readonly projectId?: string;
  /** Whether this compilation is for an update (a group's `rolling_update` shapes it). @default false */
  readonly update?: boolean;
  /** Limits of composition (nesting depth, expanded size). */
  readonly limits?: Partial<CompositionLimits>;
}

/**
 * Validate everything and compile. Checks run in a fixed order and the first problem is
 * thrown: top level, parameters (declarations, undeclared values, values), parameter groups,
 * conditions in key order, each resource's kind, keys and condition in key order, then
 * resources in key order (nested stacks after the others), outputs in key order, then
 * dependency cycles.
 *
 * The result decides every condition (they read only parameters): a resource whose
 * `condition` is false is not part of it (referring to it outside the branch of an `if` that
 * is left out is an error), an output whose condition is false has the value null, and each
 * `if` is replaced by the value of its branch. It substitutes `get_param` and `get_file`, folds the
 * functions over data (`list_join`, `str_replace`, `str_split`, `map_merge`, `repeat`, ...)
 * whose arguments are literal, keeps `get_resource` / `get_attr` (and what uses them) for run
 * time, and lists each resource's dependencies (`depends_on` ∪ every resource its properties
 * reference) and the attributes read from every resource. It is made of fresh plain objects and arrays
 * (JSON-serializable); the input is never mutated. When a parameter is declared `hidden`,
 * `hiddenParameters` lists the hidden names, then the paths whose value used one
 * (`resources.X.properties.P`, `outputs.X.value`), so callers can redact them. Those values
 * are sealed (`{ "$sealed": ... }`, see `secrets/seal.ts`) and `secrets` holds the hidden
 * values, sealed: no compiled template holds a hidden value in clear.
 *
 * Nested stacks are expanded into the result: resource `db` of the template behind resource
 * `app` is resource `app/db`, `app` itself is an internal node depending on all of it, and
 * `nested` describes each nested stack. Errors inside a nested template carry the path
 * through the nesting (`resources.app.resources.db.properties.size`).
 *
 * The template, and each parameter value, may nest mappings and lists at most
 * `MAX_TEMPLATE_DEPTH` (100) levels deep; this is checked first.
 *
 * A CloudFormation template (`AWSTemplateFormatVersion` / `HeatTemplateFormatVersion`) is
 * translated into HOT first (`cfn/translate.ts`); its errors name CFN paths
 * (`Resources.web.Properties.image`).
 *
 * @throws TemplateValidationError (or a subclass: ParameterError, UnknownResourceTypeError,
 *   DependencyCycleError, TemplateNestingError, MissingTemplateFileError, TemplateRecursionError,
 *   CompositionLimitError, EnvironmentError) whose `path` names the offending node, e.g.
 *   `resources.web.properties.image`.
 * @throws InvalidOptionsError when `options` is malformed.
 */
export function compileTemplate(template: unknown, options: CompileOptions): CompiledTemplate {
  const types = (options as Partial<CompileOptions> | undefined)?.types;
  if (types === undefined || typeof types.get !== "function") {
    throw new InvalidOptionsError("types", "a type registry is required (createTypeRegistry([...]))");
  }
  checkNesting(template);
  const comp = newComposition(types, options);
  const given: PlainObject = {};
  if (options.parameters !== undefined && options.parameters !== null && !isPlainObject(options.parameters)) {
    throw new InvalidOptionsError("parameters", "must be a mapping of parameter name to value");
  }
  for (const source of [comp.env.parameters, options.parameters ?? {}]) {
    for (const key of Object.keys(source)) setOwn(given, key, source[key]);
  }
  try {
    const top = compileScope(comp, { template, stackPath: "", given, runtime: new Set(), hiddenGiven: new Set(), inherited: [], file: undefined, chain: [], depth: 0 });
    return finish(comp, top);
  } catch (error) {
    throw withoutHidden(inCfnTermsAfterCompile(template, error), comp.hiddenValues);
  }
}

function newComposition(types: TypeRegistry, options: CompileOptions): Composition {
  const limits = { ...DEFAULT_COMPOSITION_LIMITS, ...(options.limits ?? {}) };
  const comp: Composition = {
    types,
    env: resolveEnvironment(options.environment),
    files: new FileSet(options.files),
    identity: {
      stackName: options.stackName ?? "stack",
      stackId: options.stackId ?? "00000000-0000-0000-0000-000000000000",
      projectId: options.projectId ?? "converge",
    },
    limits,
    update: options.update === true,
    resources: {},
    explicit: new Map(),
    nested: new Map(),
    attributeRefs: new Map(),
    hiddenPaths: [],
    hiddenValues: [],
    count: 0,
    compileChild: (input) => compileScope(comp, input),
  };
  return comp;
}

/** `error` with the hidden parameters' values redacted from its message (a folded function may quote them). */
function withoutHidden(error: unknown, hiddenValues: readonly unknown[]): unknown {
  if (!(error instanceof Error) || hiddenValues.length === 0) return error;
  const redactor = new Redactor(hiddenValues.flatMap((value) => secretLeaves(value)), () => []);
  error.message = redactor.text(error.message);
  return error;
}

/** The template path of a compiled resource name: `app/db` → `resources.app.resources.db`. */
function templatePathOf(name: string): string {
  return name.split(NESTED_SEPARATOR).map((part) => `resources.${part}`).join(".");
}

/** Link the nested stacks (when any), then assemble and check the result. */
function finish(comp: Composition, top: ScopeResult): CompiledTemplate {
  let resources: Record<string, CompiledResource> = comp.resources;
  let outputs: Record<string, CompiledOutput> = top.outputs as Record<string, CompiledOutput>;
  let nested: Record<string, CompiledNestedStack> | undefined;
  if (comp.nested.size > 0) {
    const linker = new Linker(comp);
    resources = {};
    for (const name of Object.keys(comp.resources)) {
      const resource = comp.resources[name] as CompiledResource;
      const properties = comp.nested.has(name) ? resource.properties : linker.rewrite(resource.properties, `${templatePathOf(name)}.properties`);
      if (properties === resource.properties) {
        setOwn(resources, name, resource);
        continue;
      }
      noteAttributes(comp, properties);
      const deps = new Set(comp.explicit.get(name) ?? NONE);
      for (const dep of collectNames(properties)) deps.add(dep);
      setOwn(resources, name, { ...resource, properties: properties as PlainObject, dependsOn: [...deps].sort() });
    }
    outputs = linkOutputs(comp, linker, top.outputs, "outputs");
    nested = {};
    for (const [name, node] of comp.nested) {
      const { type, kind, stackId, parameters, members } = node;
      setOwn(nested, name, { type, kind, stackId, parameters, members, outputs: linkOutputs(comp, linker, node.outputs, `${templatePathOf(name)}.outputs`) });
    }
    for (const [name, exports] of linker.exports) {
      const node = resources[name] as CompiledResource;
      noteAttributes(comp, exports);
      // A node reads what it exports from its sync point: each resource read is a direct dependency.
      const deps = new Set([...node.dependsOn, ...collectNames(exports)]);
      setOwn(resources, name, { ...node, properties: { ...node.properties, exports }, dependsOn: [...deps].sort() });
      comp.attributeRefs.set(name, new Set(["exports"]));
    }
  }
  const attributeRefs: Record<string, readonly string[]> = {};
  for (const name of Object.keys(resources)) {
    const read = comp.nested.has(name) && !(nested !== undefined && resources[name]?.properties.exports !== undefined) ? undefined : comp.attributeRefs.get(name);
    setOwn(attributeRefs, name, read === undefined || read.size === 0 ? NONE : [...read].sort());
  }
  const result: { -readonly [K in keyof CompiledTemplate]: CompiledTemplate[K] } = {
    ...(top.description === undefined ? {} : { description: top.description }),
    resources,
    outputs,
    attributeRefs,
    ...(nested === undefined ? {} : { nested }),
    parameters: { ...sealHidden(top.params.values, top.params.hidden), ...Object.fromEntries(top.pseudo) },
  };
  if (top.params.immutable.size > 0) result.immutableParameters = [...top.params.immutable];
  if (comp.hiddenValues.length > 0 || top.params.hidden.size > 0) {
    const hidden = [...top.params.hidden];
    result.hiddenParameters = [...hidden, ...comp.hiddenPaths];
    result.secrets = sealSecrets({ parameters: hidden, values: comp.hiddenValues.flatMap((value) => secretLeaves(value)) });
  }
  const cycle = DependencyGraph.fromDependencies(Object.keys(resources).map((name) => [name, resources[name]?.dependsOn ?? NONE] as const)).findCycle();
  if (cycle !== null) throw new DependencyCycleError(cycle);
  return result;
}

function linkOutputs(comp: Composition, linker: Linker, outputs: Readonly<Record<string, CompiledOutput>>, path: string): Record<string, CompiledOutput> {
  const out: Record<string, CompiledOutput> = {};
  for (const name of Object.keys(outputs)) {
    const output = outputs[name] as CompiledOutput;
    const value = linker.rewrite(output.value, `${path}.${name}.value`);
    if (value !== output.value) noteAttributes(comp, value);
    setOwn(out, name, value === output.value ? output : { ...output, value });
  }
  return out;
}

/** The resource names a linked value reads. */
function collectNames(value: unknown): readonly string[] {
  return collectReferences(value).resources;
}
