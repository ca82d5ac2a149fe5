/**
 * What one composed compilation shares across its templates: the registry, environment,
 * files, identity, limits, and the flattened result being built.
 */
import type { TypeRegistry } from "../../plugin/registry.js";
import type { BoundParameters } from "../parameters.js";
import type { PlainObject } from "../plain-data.js";
import type { CompiledNestedStack, CompiledOutput, CompiledResource, NestedStackKind } from "../types.js";
import type { ResolvedEnvironment } from "./environment.js";
import type { FileSet } from "./files.js";

/** Limits of one composed compilation. */
export interface CompositionLimits {
  /** How deeply nested stacks may nest (the top-level template is depth 0). @default 10 */
  readonly maxNestingDepth: number;
  /** How many resources the expanded template may have, nested-stack nodes included. @default 200000 */
  readonly maxResources: number;
}

/** Default {@link CompositionLimits}. */
export const DEFAULT_COMPOSITION_LIMITS: CompositionLimits = { maxNestingDepth: 10, maxResources: 200_000 };

/** The identity the pseudo-parameters give (`OS::stack_name`, `OS::stack_id`, `OS::project_id`). */
export interface StackIdentity {
  readonly stackName: string;
  readonly stackId: string;
  readonly projectId: string;
}

/** A nested stack while composing: what its node answers to `get_attr` / `get_resource`. */
export interface NestedNode extends CompiledNestedStack {
  /** Compiled name of the node. */
  readonly name: string;
  /** A group's or chain's member names by index key (`"0"`, `"1"`, ...), in order. */
  readonly indexes: readonly string[];
  /** A group's member names left out by `removal_policies`. */
  readonly removed: readonly string[];
  /** Template path of the node, for errors (`resources.app` under its parent's path). */
  readonly path: string;
}

/** The mutable state of one composed compilation. */
export interface Composition {
  readonly types: TypeRegistry;
  readonly env: ResolvedEnvironment;
  readonly files: FileSet;
  readonly identity: StackIdentity;
  readonly limits: CompositionLimits;
  /** Whether the compilation is for an update (rolling updates shape the graph then). */
  readonly update: boolean;
  /** Every resource of the expanded template by compiled name, in order. */
  readonly resources: Record<string, CompiledResource>;
  /** Explicit dependencies (`depends_on`, inherited, batches) of every resource, by compiled name. */
  readonly explicit: Map<string, readonly string[]>;
  /** The nested stacks by compiled name. */
  readonly nested: Map<string, NestedNode>;
  /** Attributes read per compiled resource name. */
  readonly attributeRefs: Map<string, Set<string>>;
  /** Hidden parameter names (top level) and the paths their values flowed into. */
  readonly hiddenPaths: string[];
  /** Hidden values of every template (sealed in the result's `secrets`). */
  readonly hiddenValues: unknown[];
  /** Resources counted so far (against `limits.maxResources`). */
  count: number;
  /** Compile a nested template into the composition (`compileScope`; passed in to keep modules acyclic). */
  readonly compileChild: (input: ScopeInput) => ScopeResult;
}

/** One template to compile within a composition. */
export interface ScopeInput {
  /** The template (parsed). */
  readonly template: unknown;
  /** Compiled name of the nested stack ("" for the top level). */
  readonly stackPath: string;
  /** Parameter values (run-time ones as compiled expressions). */
  readonly given: PlainObject;
  /** Names of `given` whose values are known only at run time. */
  readonly runtime: ReadonlySet<string>;
  /** Names of `given` whose values came from a hidden parameter of the parent. */
  readonly hiddenGiven: ReadonlySet<string>;
  /** Compiled names every resource of this template depends on (the parent's `depends_on`). */
  readonly inherited: readonly string[];
  /** The file this template came from (relative lookups, recursion), if any. */
  readonly file: string | undefined;
  /** The files that include this one, outermost first. */
  readonly chain: readonly string[];
  /** Nesting depth (0 at the top). */
  readonly depth: number;
  /** Error path of a given value. @default `parameters.NAME` */
  readonly valuePath?: (name: string) => string;
  /** Message for a value of an undeclared parameter. */
  readonly undeclared?: (name: string) => string;
}

/** What compiling a template produced besides the resources it added. */
export interface ScopeResult {
  /** Its outputs, compiled (flattened names; references to nested stacks not yet linked). */
  readonly outputs: Readonly<Record<string, CompiledOutput>>;
  /** Its bound parameters. */
  readonly params: BoundParameters;
  /** Compiled names of its resources (not those whose condition is false), in key order. */
  readonly members: readonly string[];
  /** Its top-level description, when given. */
  readonly description: string | undefined;
  /** Its pseudo-parameters (`OS::stack_name`, `OS::stack_id`, `OS::project_id`). */
  readonly pseudo: ReadonlyMap<string, unknown>;
}


/** A nested stack's kind for a (registry-mapped) type name, or undefined for a plugin type. */
export function builtinNestedKind(typeName: string): NestedStackKind | undefined {
  switch (typeName) {
    case "OS::Heat::Stack":
      return "stack";
    case "OS::Heat::ResourceGroup":
      return "group";
    case "OS::Heat::ResourceChain":
      return "chain";
    default:
      return undefined;
  }
}

/** Shared empty outputs. */
export const NO_OUTPUTS: Readonly<Record<string, CompiledOutput>> = Object.freeze({});
