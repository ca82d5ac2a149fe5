/**
 * The template language: parsing (JSON/YAML), validation and compilation, and run-time
 * resolution of intrinsic functions.
 */
export { EMPTY_TEMPLATE } from "./types.js";
export type {
  CompiledNestedStack,
  NestedStackKind,
  CompiledOutput,
  CompiledResource,
  CompiledTemplate,
  ConditionDefinition,
  OutputDefinition,
  ParameterConstraint,
  ParameterDefinition,
  ParameterType,
  ResourceDefinition,
  Template,
} from "./types.js";
export { parseTemplate } from "./parse.js";
export { MAX_TEMPLATE_DEPTH } from "./nesting.js";
export type { TemplateFormat } from "./parse.js";
export { compileTemplate } from "./compile.js";
export type { CompileOptions } from "./compile.js";
export { UNKNOWN, containsUnknown, resolveValue } from "./resolve.js";
export type { ResolveContext, Unknown } from "./resolve.js";
export { INTRINSIC_FUNCTIONS, UNSUPPORTED_FUNCTIONS, containsIntrinsic, intrinsicName } from "./intrinsics.js";
export type { GetAttr, GetResource, IntrinsicName, ListJoin, PathItem, StrReplace } from "./intrinsics.js";
export { collectReferences } from "./references.js";
export type { ValueReferences } from "./references.js";
export { templateDependencyGraph } from "./template-graph.js";
export { PARAMETER_TYPES, coerceParameterValue } from "./parameter-coercion.js";
export type { Coerced } from "./parameter-coercion.js";
export { NESTED_SEPARATOR, nestedStackId, parentStackPath, splitResourcePath } from "./compose/paths.js";
export { NESTED_STACK_TYPE, NestedStackType } from "./compose/nested-type.js";
export { PAUSE_TYPE } from "./compose/pause-type.js";
export { resolveEnvironment } from "./compose/environment.js";
export type { Environment, EnvironmentInput, ResolvedEnvironment } from "./compose/environment.js";
export type { TemplateFiles } from "./compose/files.js";
export { DEFAULT_COMPOSITION_LIMITS } from "./compose/context.js";
export type { CompositionLimits } from "./compose/context.js";
export { environmentFileReferences, templateFileReferences } from "./compose/file-references.js";
