/**
 * The resource-plugin contract: what a third-party resource type provides and the context
 * objects its handlers receive.
 */
import type { z } from "zod";

/** Minimal structured logger handed to plugins. */
export interface Logger {
  /** Debug-level message. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Informational message. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Warning. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Error. */
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Any plain JSON-like object of resolved property values. */
export type PropertyBag = Record<string, unknown>;

/** Fields common to every handler context. */
export interface BaseContext {
  /** Name of the stack the resource belongs to. */
  readonly stackName: string;
  /** Logical name of the resource in the template. */
  readonly resourceName: string;
  /** Id of the resource row (one physical incarnation of the logical resource). */
  readonly rowId: string;
  /** Aborted when the operation is cancelled or its stack times out; honour it in long calls. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds by which the operation should finish, when the stack has a timeout. */
  readonly deadline: number | undefined;
  /** Logger scoped to this resource. Secret property values are never passed to it by the engine. */
  readonly logger: Logger;
  /**
   * Stable key for this row's create: the same on every retry or resumption of the create of
   * this row, different for every other row. Use it to make create idempotent remotely.
   */
  readonly idempotencyKey: string;
}

/** Context of a `create` call. */
export interface CreateContext<P extends PropertyBag = PropertyBag> extends BaseContext {
  /** Resolved, schema-validated properties. */
  readonly properties: P;
  /**
   * Record the physical id as soon as it is known, before a long operation finishes, so that
   * a crash after this point can be resumed (through `read`) or cleaned up.
   */
  setPhysicalId(physicalId: string): Promise<void>;
}

/** Context of an `update` call. */
export interface UpdateContext<P extends PropertyBag = PropertyBag> extends BaseContext {
  /** Physical id of the resource being updated. */
  readonly physicalId: string;
  /** New resolved properties (the desired state). */
  readonly properties: P;
  /** Properties the resource was last created or updated with. */
  readonly oldProperties: P;
  /** Names of the properties whose value changed. */
  readonly changed: readonly string[];
  /** Attribute values cached at the last create/update. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** Context of a `delete` call. */
export interface DeleteContext<P extends PropertyBag = PropertyBag> extends BaseContext {
  /** Physical id, or null when the create never recorded one. */
  readonly physicalId: string | null;
  /** Properties the resource was last created or updated with (empty if never created). */
  readonly properties: P;
}

/** Context of a `read` call (refresh, resumption after a crash, adoption). */
export interface ReadContext<P extends PropertyBag = PropertyBag> extends BaseContext {
  /** Physical id, or null when an interrupted create never recorded one. */
  readonly physicalId: string | null;
  /** The properties the resource was (being) created or updated with. */
  readonly properties: P;
}

/** Context of a `getAttribute` call. */
export interface AttributeContext<P extends PropertyBag = PropertyBag> extends BaseContext {
  /** Physical id of the resource. */
  readonly physicalId: string;
  /** Current resolved properties. */
  readonly properties: P;
}

/** What `create` returns. */
export interface CreateResult {
  /** The physical id of the new resource (required, non-empty). */
  readonly physicalId: string;
  /** Attribute values known at creation. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** What `update` may return. */
export interface UpdateResult {
  /** Attribute values after the update (merged over the cached ones). */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** What `read` returns. */
export type ReadResult =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly physicalId: string;
      readonly attributes?: Readonly<Record<string, unknown>>;
      readonly properties?: Readonly<PropertyBag>;
    };

/** Outcome of a `diff`: what an update from `old` to `new` properties needs. */
export type DiffKind = "none" | "update" | "replace";

/** Property schema accepted by `defineResourceType`: a zod object schema. */
export type PropertySchema = z.ZodObject;

/**
 * What a plugin author writes. Optional hooks are simply left out; the engine never calls
 * a hook that is not defined.
 */
export interface ResourceTypeSpec<S extends PropertySchema = PropertySchema, A extends string = string> {
  /** Type name as used in templates: `vendor:module:Type` or a Heat name like `OS::Heat::None`. */
  readonly type: string;
  /** One-line description, shown in docs and errors. */
  readonly description?: string;
  /** Property schema (a zod object; use `.passthrough()`/`.loose()` to accept any property). */
  readonly properties: S;
  /** Attribute names the type exposes to `get_attr`, or a record of name to description. */
  readonly attributes?: readonly A[] | Readonly<Record<A, string>>;
  /**
   * With true, `get_attr` may read any attribute name, not only the declared ones; one the
   * type never provides (not returned by create/update, no `getAttribute`) reads null. Heat's
   * `OS::Heat::None` answers every attribute so, letting it stub out any resource.
   * @default false
   */
  readonly anyAttribute?: boolean;
  /**
   * Properties that can be changed in place by `update`. A change to any other property
   * replaces the resource. `"all"` (the default when `update` is given) allows every property;
   * with no `update` handler every change replaces.
   */
  readonly updatable?: readonly string[] | "all";
  /** Properties whose values are secret: redacted in events, logs and `listResources`. */
  readonly secretProperties?: readonly string[];
  /**
   * Whether `create` honours `ctx.idempotencyKey`, i.e. a retried create with the same key
   * never makes a second resource. Lets the engine retry an interrupted create without `read`.
   * @default false
   */
  readonly idempotentCreate?: boolean;
  /** Create the resource. */
  create(ctx: CreateContext<z.output<S>>): Promise<CreateResult>;
  /** Update the resource in place; throw {@link UpdateReplace} to ask for replacement. */
  update?(ctx: UpdateContext<z.output<S>>): Promise<UpdateResult | void>;
  /** Delete the resource; deleting something already gone must succeed. */
  delete(ctx: DeleteContext<z.output<S>>): Promise<void>;
  /** Look the resource up (by physical id, or by idempotency key when the id is unknown). */
  read?(ctx: ReadContext<z.output<S>>): Promise<ReadResult>;
  /** Pure comparison of old and new properties; used for updates and truthful previews. */
  diff?(oldProperties: z.output<S>, newProperties: z.output<S>): DiffKind;
  /** Fetch one attribute value not returned by create/update. */
  getAttribute?(ctx: AttributeContext<z.output<S>>, name: A): Promise<unknown>;
  /**
   * The value `get_resource` gives for this resource (Heat's reference id), computed from
   * its physical id and cached attributes. Pure and synchronous. Leave it out to reference
   * the physical id, as most types do; Heat's `OS::Heat::RandomString`, for example, is
   * referenced by its random value while its physical id stays a plain name. A result that
   * is not a non-empty string falls back to the physical id. It should depend only on what
   * an in-place update leaves unchanged, since previews assume an update keeps the reference.
   */
  referenceId?(physicalId: string, attributes: Readonly<Record<string, unknown>>): string;
}

/** A validated, frozen resource type as produced by `defineResourceType`. */
export interface ResourceType<S extends PropertySchema = PropertySchema, A extends string = string>
  extends ResourceTypeSpec<S, A> {
  /** Brand marking a value produced by `defineResourceType`. */
  readonly __converge: "resource-type";
  /** Attribute names, normalized to a list. */
  readonly attributeNames: readonly string[];
  /** Property names declared by the schema. */
  readonly propertyNames: readonly string[];
  /** Whether the schema accepts properties it does not declare. */
  readonly acceptsUnknownProperties: boolean;
  /** Properties a change to which forces replacement (complement of `updatable`). */
  isUpdatable(property: string): boolean;
}

/** A resource type of any property schema, as stored in registries. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyResourceType = ResourceType<any, string>;
