/**
 * Template types: the HOT-compatible template a user writes, and the compiled, validated
 * form the engine stores once per template id.
 */

/** Declared type of a template parameter. */
export type ParameterType = "string" | "number" | "boolean" | "json" | "comma_delimited_list";

/** One constraint of a parameter (HOT syntax). */
export interface ParameterConstraint {
  /** The value must be one of these. */
  readonly allowed_values?: readonly unknown[];
  /** Numeric range (inclusive). */
  readonly range?: { readonly min?: number; readonly max?: number };
  /** Length range (inclusive) of a string or list. */
  readonly length?: { readonly min?: number; readonly max?: number };
  /** Regular expression the whole string must match. */
  readonly allowed_pattern?: string;
  /** Alias of `allowed_pattern`. */
  readonly pattern?: string;
  /** Message shown when the constraint fails. */
  readonly description?: string;
}

/** A parameter declaration. */
export interface ParameterDefinition {
  /** Parameter type. */
  readonly type: ParameterType;
  /** Default value; a parameter without one is required. */
  readonly default?: unknown;
  /** Human description. */
  readonly description?: string;
  /** Label for UIs. */
  readonly label?: string;
  /** Whether the value is secret (redacted in events). */
  readonly hidden?: boolean;
  /** Whether an update may not change the value (Heat's `immutable`). @default false */
  readonly immutable?: boolean;
  /** Constraints the value must satisfy. */
  readonly constraints?: readonly ParameterConstraint[];
}

/** A resource declaration. */
export interface ResourceDefinition {
  /** Resource type name (must be registered with the engine). */
  readonly type: string;
  /** Property values, possibly containing intrinsic functions. */
  readonly properties?: Readonly<Record<string, unknown>>;
  /** Explicit dependencies: one resource name or a list. */
  readonly depends_on?: string | readonly string[];
  /** What deleting the resource does: delete it (default) or leave it in place. */
  readonly deletion_policy?: "delete" | "retain" | "Delete" | "Retain";
  /** Free-form metadata, ignored by the engine. */
  readonly metadata?: unknown;
  /** Human description. */
  readonly description?: string;
  /**
   * When the resource exists: a condition name of the template's `conditions`, a boolean, or
   * a condition function. A resource whose condition is false is not part of the stack.
   */
  readonly condition?: ConditionDefinition;
  /**
   * The physical id of an existing resource to adopt (Heat's `external_id`): with no row
   * yet, the update node imports it through the type's `read` instead of creating it. A
   * string, or a function that folds to one at compile time (e.g. `get_param`).
   */
  readonly external_id?: unknown;
  /** Update settings (Heat's `update_policy`, e.g. a group's `rolling_update`); a mapping. */
  readonly update_policy?: Readonly<Record<string, unknown>>;
}

/**
 * A condition: true/false or a condition function over parameters (`equals`, `not`, `and`,
 * `or`, `contains`, `get_param`); where a condition is expected (`condition:`, the first
 * argument of `if`, the operands of `not`/`and`/`or`), a string names a condition of the
 * template's `conditions` section.
 */
export type ConditionDefinition = string | boolean | Readonly<Record<string, unknown>>;

/** An output declaration. */
export interface OutputDefinition {
  /** Value, possibly containing intrinsic functions. */
  readonly value: unknown;
  /** Human description. */
  readonly description?: string;
  /** When the output has a value: otherwise it is null. */
  readonly condition?: ConditionDefinition;
}

/** A template as the user writes it (JSON or YAML, or a TypeScript object). */
export interface Template {
  /** HOT version string/date; accepted and ignored. */
  readonly heat_template_version?: string | number;
  /** Human description. */
  readonly description?: string;
  /** Parameter declarations. */
  readonly parameters?: Readonly<Record<string, ParameterDefinition>>;
  /** Resource declarations by logical name. */
  readonly resources?: Readonly<Record<string, ResourceDefinition>>;
  /** Output declarations by name. */
  readonly outputs?: Readonly<Record<string, OutputDefinition>>;
  /** Named conditions, decided from the parameters: true/false or a condition function each. */
  readonly conditions?: Readonly<Record<string, boolean | Readonly<Record<string, unknown>>>>;
}

/** A resource after validation: parameters substituted, dependencies computed. */
export interface CompiledResource {
  /** Resource type name. */
  readonly type: string;
  /** Property values with `get_param` substituted; other intrinsics remain to be resolved. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Every resource this one depends on (explicit and implicit), sorted, no duplicates. */
  readonly dependsOn: readonly string[];
  /** Deletion policy, normalized. */
  readonly deletionPolicy: "delete" | "retain";
  /** Physical id of an existing resource to import instead of creating one (`external_id`). */
  readonly externalId?: string;
  /**
   * The type as the template names it, when that differs from `type`: a registry alias
   * (`My::Thing`), or a nested stack's file name / `OS::Heat::ResourceGroup` / `OS::Heat::Stack`.
   * Listings show it (as Heat does); convergence uses `type` only.
   */
  readonly displayType?: string;
}

/** A compiled output. */
export interface CompiledOutput {
  /** Value with `get_param` substituted. */
  readonly value: unknown;
  /** Human description. */
  readonly description?: string;
}

/**
 * The validated, JSON-serializable template the engine stores (once per template id) and
 * converges to.
 */
export interface CompiledTemplate {
  /** Human description. */
  readonly description?: string;
  /** Resources by logical name. */
  readonly resources: Readonly<Record<string, CompiledResource>>;
  /** Outputs by name. */
  readonly outputs: Readonly<Record<string, CompiledOutput>>;
  /**
   * For each resource name, the attribute names that any `get_attr` in the template
   * (resources or outputs) reads from it, sorted. Update nodes compute and send exactly these.
   */
  readonly attributeRefs: Readonly<Record<string, readonly string[]>>;
  /** Names of the parameters declared `immutable: true`, when any. */
  readonly immutableParameters?: readonly string[];
  /** Names of parameters declared `hidden`, and the property paths they flowed into. */
  readonly hiddenParameters?: readonly string[];
  /**
   * The hidden parameters' names and values (every leaf as a string), sealed (see
   * `secrets/template-secrets.ts`): the engine redacts them wherever it writes what a view prints.
   */
  readonly secrets?: string;
  /**
   * Ids of the rows a traversal to this template forgets instead of deleting (set by
   * `abandonResource`, never by compiling): their cleanup removes the row without a plugin
   * call. Row ids are never reused, so a rollback to this template forgets nothing made later.
   */
  readonly forget?: readonly string[];
  /**
   * The nested stacks, by compiled name (path), when the template composes any: what views
   * show for one nested stack (`getStack("stack/app")`).
   */
  readonly nested?: Readonly<Record<string, CompiledNestedStack>>;
  /**
   * The parameter values it was compiled with (given, environment, defaults) and the
   * pseudo-parameters; hidden values sealed. What `StackInfo.parameters` shows.
   */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** The kinds of nested stacks a template can compose. */
export type NestedStackKind = "template" | "stack" | "group" | "chain";

/**
 * A nested stack of a composed template: a template resource (`type: db.yaml` or a registry
 * alias), an `OS::Heat::Stack`, a `ResourceGroup` or a `ResourceChain`. Its resources are
 * resources of the compiled template named by their path (`app/db`); the stack itself is one
 * internal node (`app`) that depends on all of them.
 */
export interface CompiledNestedStack {
  /** The type as the parent names it after registry mapping (`db.yaml`, `OS::Heat::ResourceGroup`). */
  readonly type: string;
  /** What kind of nested stack it is. */
  readonly kind: NestedStackKind;
  /** Its stable id (its `OS::stack_id`). */
  readonly stackId: string;
  /** Parameter values it was compiled with (a group's or chain's properties); run-time values as expressions. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Its outputs, in compiled names (empty for groups and chains). */
  readonly outputs: Readonly<Record<string, CompiledOutput>>;
  /** Compiled names of its direct members, in template (index) order. */
  readonly members: readonly string[];
}

/** The empty template (target of a stack delete). */
export const EMPTY_TEMPLATE: CompiledTemplate = Object.freeze({
  resources: Object.freeze({}),
  outputs: Object.freeze({}),
  attributeRefs: Object.freeze({}),
});
