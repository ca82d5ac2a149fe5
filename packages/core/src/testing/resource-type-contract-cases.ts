/**
 * What a plugin author tells the resource-type contract kit about a type: a valid create,
 * an in-place update, a replacing update, its secrets, how to tell that a resource exists and
 * how to make a call hang. Validated once per check, each problem an `InvalidOptionsError`
 * naming the field (`cases.update`, ...).
 */
import { InvalidOptionsError } from "../errors.js";
import type { AnyResourceType } from "../plugin/types.js";

/** Property values as a template gives them (literals, before the type's schema applies). */
export type ContractProperties = Readonly<Record<string, unknown>>;

/** A value, or a function computing it when a check runs (after the test's own setup). */
export type Lazy<T> = T | (() => T);

/**
 * Whether a resource with this physical id exists outside the stack. `properties` are the
 * schema-parsed properties it was created with.
 */
export type ExistsProbe = (physicalId: string, properties: Readonly<Record<string, unknown>>) => Promise<boolean>;

/** The cases of one resource type. */
export interface ResourceTypeContractCases {
  /** Properties of a valid create. */
  readonly create: Lazy<ContractProperties>;
  /**
   * Properties after an update that the type makes in place (from `create`, changing only
   * updatable properties). Leave it out for a type that updates nothing in place.
   */
  readonly update?: Lazy<ContractProperties>;
  /**
   * Properties after an update that replaces the resource (from `create`). Leave it out for
   * a type where nothing forces replacement.
   */
  readonly replace?: Lazy<ContractProperties>;
  /**
   * Properties whose values must never appear in events or logs, nor unredacted in
   * `listResources`. `create` (and `update`/`replace`, when given) must give each of them a
   * distinctive value (text of 4 characters or more).
   * @default the type's `secretProperties`
   */
  readonly secrets?: readonly string[];
  /**
   * How to tell whether a resource exists outside the stack: `"read"` (the type's own
   * `read`), a probe, or `"stateless"` when nothing exists outside the stack (existence and
   * duplicate creation are then not checked).
   * @default "read" when the type has `read`; required otherwise
   */
  readonly exists?: "read" | "stateless" | ExistsProbe;
  /**
   * Whether `read` finds a resource by `ctx.idempotencyKey` when `physicalId` is null (a
   * create interrupted before its id was recorded): then the kit reads by key as well as by
   * physical id, after the create and update and after the delete.
   * @default true for a type with `read` that does not declare `idempotentCreate` (the engine
   *   can resume its interrupted creates only by reading by key); false otherwise
   */
  readonly readByIdempotencyKey?: boolean;
  /**
   * Properties with which `create` waits until its AbortSignal aborts (e.g. a request to an
   * endpoint that never answers). The abort check runs only with them.
   */
  readonly hang?: Lazy<ContractProperties>;
  /** Other resource types the engine needs to run a stack of this type. @default [] */
  readonly types?: readonly AnyResourceType[];
  /** How long a hanging create may take to settle once aborted, ms. @default 5000 */
  readonly abortWithinMs?: number;
  /** Timeout of each check, ms, as passed to the registrar's `it`. @default 30000 */
  readonly timeoutMs?: number;
}

/** The cases after validation of what can be checked before a check runs. */
export interface ResolvedCases {
  readonly cases: ResourceTypeContractCases;
  readonly exists: "read" | "stateless" | ExistsProbe;
  readonly readByIdempotencyKey: boolean;
  readonly secrets: readonly string[];
  readonly abortWithinMs: number;
  readonly timeoutMs: number;
}

const positive = (field: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionsError(field, `must be a positive number of ms, got ${String(value)}`);
  }
  return value;
};

/**
 * Validate the cases of `type`.
 * @throws InvalidOptionsError naming the bad field.
 */
export function resolveCases(type: AnyResourceType, cases: ResourceTypeContractCases): ResolvedCases {
  if (typeof cases !== "object" || cases === null) throw new InvalidOptionsError("cases", "must be an object");
  for (const field of ["create", "update", "replace", "hang"] as const) {
    const value = cases[field];
    if (value === undefined && field !== "create") continue;
    if (typeof value !== "function" && (typeof value !== "object" || value === null || Array.isArray(value))) {
      throw new InvalidOptionsError(`cases.${field}`, "must be an object of property values, or a function returning one");
    }
  }
  const exists = cases.exists ?? (type.read === undefined ? undefined : "read");
  if (exists === undefined) {
    throw new InvalidOptionsError("cases.exists", `${type.type} has no read: give a probe (physicalId, properties) => Promise<boolean>, or "stateless"`);
  }
  if (exists === "read" && type.read === undefined) throw new InvalidOptionsError("cases.exists", `${type.type} has no read handler`);
  if (exists !== "read" && exists !== "stateless" && typeof exists !== "function") {
    throw new InvalidOptionsError("cases.exists", 'must be "read", "stateless" or a probe function');
  }
  const byKey = cases.readByIdempotencyKey ?? (type.read !== undefined && type.idempotentCreate !== true && exists !== "stateless");
  if (typeof byKey !== "boolean") throw new InvalidOptionsError("cases.readByIdempotencyKey", "must be true or false");
  if (byKey && type.read === undefined) throw new InvalidOptionsError("cases.readByIdempotencyKey", `${type.type} has no read handler`);
  const secrets = cases.secrets ?? type.secretProperties ?? [];
  if (!Array.isArray(secrets) || secrets.some((s) => typeof s !== "string")) {
    throw new InvalidOptionsError("cases.secrets", "must be a list of property names");
  }
  if (cases.types !== undefined && !Array.isArray(cases.types)) throw new InvalidOptionsError("cases.types", "must be a list of resource types");
  return {
    cases,
    exists,
    readByIdempotencyKey: byKey,
    secrets,
    abortWithinMs: positive("cases.abortWithinMs", cases.abortWithinMs, 5_000),
    timeoutMs: positive("cases.timeoutMs", cases.timeoutMs, 30_000),
  };
}

/** Evaluate a lazy case field and check that it is a plain object. */
export function caseProperties(value: Lazy<ContractProperties>, field: string): ContractProperties {
  const props = typeof value === "function" ? value() : value;
  if (typeof props !== "object" || props === null || Array.isArray(props)) {
    throw new InvalidOptionsError(field, "must give an object of property values");
  }
  return props;
}

/**
 * The schema-parsed form of case properties (what handlers receive).
 * @throws InvalidOptionsError when the type's schema rejects them.
 */
export function parseCase(type: AnyResourceType, props: ContractProperties, field: string): Record<string, unknown> {
  const parsed = type.properties.safeParse(props);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "" : ` at ${issue.path.join(".")}`;
    throw new InvalidOptionsError(field, `${type.type} rejects these properties${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data as Record<string, unknown>;
}
