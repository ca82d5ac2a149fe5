/**
 * `compileTemplate`: validate a template completely and compile it into the form the engine
 * stores and converges to.
 */
import { DependencyCycleError, InvalidOptionsError } from "../errors.js";
import { DependencyGraph } from "../graph/dependency-graph.js";
import type { TypeRegistry } from "../plugin/registry.js";
import { withCfnDialect } from "./cfn/dialect.js";
import { checkNesting } from "./nesting.js";
import { sealMarker } from "../secrets/seal.js";
import { sealSecrets } from "../secrets/template-secrets.js";
import { Redactor, secretLeaves } from "../secrets/redactor.js";
import { bindParameters } from "./parameters.js";
import type { BoundParameters } from "./parameters.js";
import { isPlainObject, setOwn } from "./plain-data.js";
import type { CompiledTemplate } from "./types.js";
import { compileOutputs } from "./validate-outputs.js";
import { compileResources, selectResources } from "./validate-resources.js";
import { checkParameterGroups, checkTopLevel } from "./validate-top-level.js";
import type { TemplateSections } from "./validate-top-level.js";
import { ValueCompiler } from "./validate-value.js";

/** Shared (frozen) empty attribute list of the resources no `get_attr` reads. */
const NONE: readonly string[] = Object.freeze([]);

/** Options of {@link compileTemplate}. */
export interface CompileOptions {
  /** The resource types the template may use. */
  readonly types: TypeRegistry;
  /**
   * Parameter values for the stack; strings are coerced to the declared types.
   * @default {}
   */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/**
 * Validate everything and compile. Checks run in a fixed order and the first problem is
 * thrown: top level, parameters (declarations, undeclared values, values), parameter groups,
 * conditions in key order, each resource's kind, keys and condition in key order, then
 * resources in key order, outputs in key order, then dependency cycles.
 *
 * The result decides every condition (they read only parameters): a resource whose
 * `condition` is false is not part of it (referring to it outside the branch of an `if` that
 * is left out is an error), an output whose condition is false has the value null, and each
 * `if` is replaced by the value of its branch. It substitutes `get_param`, folds the
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
 * The template, and each parameter value, may nest mappings and lists at most
 * `MAX_TEMPLATE_DEPTH` (100) levels deep; this is checked first.
 *
 * A CloudFormation template (`AWSTemplateFormatVersion` / `HeatTemplateFormatVersion`) is
 * translated into HOT first (`cfn/translate.ts`); its errors name CFN paths
 * (`Resources.web.Properties.image`).
 *
 * @throws TemplateValidationError (or a subclass: ParameterError, UnknownResourceTypeError,
 *   DependencyCycleError, TemplateNestingError) whose `path` names the offending node, e.g.
 *   `resources.web.properties.image`.
 * @throws InvalidOptionsError when `options` is malformed.
 */
export function compileTemplate(template: unknown, options: CompileOptions): CompiledTemplate {
  const types = (options as Partial<CompileOptions> | undefined)?.types;
  if (types === undefined || typeof types.get !== "function") {
    throw new InvalidOptionsError("types", "a type registry is required (createTypeRegistry([...]))");
  }
  checkNesting(template);
  return withCfnDialect({ template }, (input) => compileHot(input.template, options, types));
}

/** Compile a HOT template (nesting and options checked). */
function compileHot(template: unknown, options: CompileOptions, types: TypeRegistry): CompiledTemplate {
  const sections = checkTopLevel(template);
  const params = bindParameters(sections.parameters, options.parameters);
  try {
    return compileBound(sections, params, types);
  } catch (error) {
    throw withoutHidden(error, params);
  }
}

/** `error` with the hidden parameters' values redacted from its message (a folded function may quote them). */
function withoutHidden(error: unknown, params: BoundParameters): unknown {
  if (!(error instanceof Error) || params.hidden.size === 0) return error;
  const redactor = new Redactor([...params.hidden].flatMap((name) => secretLeaves(params.values.get(name))), () => []);
  error.message = redactor.text(error.message);
  return error;
}

/** Compile the sections of a template whose parameters are bound. */
function compileBound(sections: TemplateSections, params: BoundParameters, types: TypeRegistry): CompiledTemplate {
  checkParameterGroups(sections.parameterGroups, new Set(params.values.keys()));

  const section = sections.resources;
  const resourceNames = new Set(Object.keys(section));
  const compiler = new ValueCompiler({
    resourceNames,
    typeOf: (name) => {
      const decl = resourceNames.has(name) ? section[name] : undefined;
      const typeName = isPlainObject(decl) ? decl.type : undefined;
      return typeof typeName === "string" ? types.get(typeName) : undefined;
    },
    parameters: params.values,
    hiddenParameters: params.hidden,
  });
  const conditions = compiler.useConditions(sections.conditions);
  conditions.evaluateAll();
  const selection = selectResources(section, conditions);
  compiler.dropResources(selection.dropped);
  const compiledResources = compileResources(section, selection, types, compiler);
  const compiledOutputs = compileOutputs(sections.outputs, compiler, conditions);

  const { resources, entries } = compiledResources;
  const attributeRefs: Record<string, readonly string[]> = {};
  for (const [name] of entries) {
    const read = compiler.attributeRefs.get(name);
    setOwn(attributeRefs, name, read === undefined ? NONE : [...read].sort());
  }
  const result: { -readonly [K in keyof CompiledTemplate]: CompiledTemplate[K] } = {
    ...(sections.description === undefined ? {} : { description: sections.description }),
    resources,
    outputs: compiledOutputs.outputs,
    attributeRefs,
  };
  if (params.values.size > 0) result.parameterValues = parameterValues(params);
  if (params.immutable.size > 0) result.immutableParameters = [...params.immutable];
  if (params.hidden.size > 0) {
    result.hiddenParameters = [...params.hidden, ...compiledResources.hiddenPaths, ...compiledOutputs.hiddenPaths];
    const hidden = [...params.hidden];
    result.secrets = sealSecrets({ parameters: hidden, values: hidden.flatMap((name) => secretLeaves(params.values.get(name))) });
  }
  const cycle = DependencyGraph.fromDependencies(entries.map(([name, r]) => [name, r.dependsOn] as const)).findCycle();
  if (cycle !== null) throw new DependencyCycleError(cycle);
  return result;
}

/** Every parameter's value, a hidden one sealed. */
function parameterValues(params: BoundParameters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of params.values) setOwn(out, name, params.hidden.has(name) ? sealMarker(value) : value);
  return out;
}
