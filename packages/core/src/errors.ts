/**
 * Error classes of Converge.
 *
 * Every error thrown by the SDK is a {@link ConvergeError} with a stable `code` from
 * {@link ErrorCode}. `instanceof` works across two copies of `@converge/core` in one
 * `node_modules` tree because each class carries a symbol brand registered with
 * `Symbol.for`, checked by a custom `Symbol.hasInstance`.
 */

/** Every error code Converge uses, as a frozen map so call sites can compare safely. */
export const ErrorCode = {
  TEMPLATE_INVALID: "TEMPLATE_INVALID",
  TEMPLATE_SYNTAX: "TEMPLATE_SYNTAX",
  TEMPLATE_TOO_DEEP: "TEMPLATE_TOO_DEEP",
  DEPENDENCY_CYCLE: "DEPENDENCY_CYCLE",
  UNKNOWN_RESOURCE_TYPE: "UNKNOWN_RESOURCE_TYPE",
  PARAMETER_INVALID: "PARAMETER_INVALID",
  STACK_NOT_FOUND: "STACK_NOT_FOUND",
  STACK_EXISTS: "STACK_EXISTS",
  STACK_BUSY: "STACK_BUSY",
  INVALID_OPTIONS: "INVALID_OPTIONS",
  INVALID_TYPE_DEFINITION: "INVALID_TYPE_DEFINITION",
  PLUGIN_CONTRACT: "PLUGIN_CONTRACT",
  RESOURCE_FAILED: "RESOURCE_FAILED",
  RETRYABLE: "RETRYABLE",
  UPDATE_REPLACE: "UPDATE_REPLACE",
  ABORTED: "ABORTED",
  RUNTIME: "RUNTIME",
  PERMISSION_DENIED: "PERMISSION_DENIED",
  CORRUPT_MESSAGE: "CORRUPT_MESSAGE",
  ENGINE_DEAD: "ENGINE_DEAD",
  SNAPSHOT_INVALID: "SNAPSHOT_INVALID",
  STACK_STATE_LOST: "STACK_STATE_LOST",
  FENCED: "FENCED",
  IMPORT_FAILED: "IMPORT_FAILED",
  PROTOCOL_INVARIANT: "PROTOCOL_INVARIANT",
  ABANDONED_INVALID: "ABANDONED_INVALID",
  TEMPLATE_FILE_MISSING: "TEMPLATE_FILE_MISSING",
  TEMPLATE_RECURSION: "TEMPLATE_RECURSION",
  COMPOSITION_TOO_LARGE: "COMPOSITION_TOO_LARGE",
  ENVIRONMENT_INVALID: "ENVIRONMENT_INVALID",
  STACK_NAME_INVALID: "STACK_NAME_INVALID",
  RUNTIME_STATE: "RUNTIME_STATE",
} as const;

/** One of the values of {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const brandRegistry = (name: string): symbol => Symbol.for(`@converge/core/error/${name}`);

/**
 * Base class of every Converge error. `code` says what went wrong in a machine-readable
 * way; `message` names the resource, property or stack involved and, where possible, the fix.
 */
export class ConvergeError extends Error {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static readonly errorName: string = "ConvergeError";

  /** Machine-readable error code. */
  readonly code: ErrorCode;

  /** @param code a value of {@link ErrorCode}; @param message a human-readable explanation. */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = errorNameOf(new.target);
    markBrand(this, new.target);
  }

  /** Brand-based `instanceof`, robust against duplicated copies of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    const brands = (value as { [BRANDS]?: ReadonlySet<symbol> })[BRANDS];
    return brands !== undefined && brands.has(brandRegistry(errorNameOf(this)));
  }
}

const BRANDS: unique symbol = Symbol.for("@converge/core/error/brands") as never;

/**
 * The explicit `errorName` a class declares itself; a subclass made outside this package
 * (a plugin's `ResourceError`) that declares none is known by its constructor name.
 */
function errorNameOf(ctor: unknown): string {
  const own = Object.getOwnPropertyDescriptor(ctor, "errorName")?.value as unknown;
  return typeof own === "string" ? own : (ctor as { name: string }).name;
}

function markBrand(error: ConvergeError, ctor: abstract new (...args: never[]) => unknown): void {
  const set = new Set<symbol>();
  let proto: unknown = ctor;
  while (typeof proto === "function" && proto !== Error && proto !== Function.prototype) {
    set.add(brandRegistry(errorNameOf(proto)));
    proto = Object.getPrototypeOf(proto);
  }
  Object.defineProperty(error, BRANDS, { value: set, enumerable: false });
}

/** A template (or one of its nodes) is invalid. `path` points at the offending node. */
export class TemplateValidationError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "TemplateValidationError";

  /** Dotted path of the offending node, e.g. `resources.web.properties.image`. */
  readonly path: string;
  constructor(path: string, message: string, code: ErrorCode = ErrorCode.TEMPLATE_INVALID) {
    super(code, path === "" ? message : `${path}: ${message}`);
    this.path = path;
  }
}

/**
 * A template names a file (`type: thing.yaml`, a registry entry, `get_file`) that is not in the
 * stack's `files`. `path` names the node that refers to it.
 */
export class MissingTemplateFileError extends TemplateValidationError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "MissingTemplateFileError";

  /** The file name that was looked up. */
  readonly fileName: string;
  constructor(path: string, fileName: string, known: readonly string[]) {
    const hint = known.length === 0 ? " (no files were given: pass them in the files option)" : ` (files: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", ..." : ""})`;
    super(path, `file "${fileName}" is not in the stack's files${hint}`, ErrorCode.TEMPLATE_FILE_MISSING);
    this.fileName = fileName;
  }
}

/** A template resource includes itself, directly or through other templates. */
export class TemplateRecursionError extends TemplateValidationError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "TemplateRecursionError";

  /** The chain of template files, ending with the one included again. */
  readonly chain: readonly string[];
  constructor(path: string, chain: readonly string[]) {
    super(path, `template recursion: ${chain.join(" -> ")}`, ErrorCode.TEMPLATE_RECURSION);
    this.chain = chain;
  }
}

/**
 * Composition goes past a limit: nested stacks deeper than the depth limit, or more resources
 * in the expanded template than the size limit (a group of a billion members is this error,
 * not an out-of-memory crash).
 */
export class CompositionLimitError extends TemplateValidationError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "CompositionLimitError";

  constructor(path: string, message: string) {
    super(path, message, ErrorCode.COMPOSITION_TOO_LARGE);
  }
}

/** An environment (Heat's `-e` file format) is malformed. `path` is like `environment[1].resource_registry.X`. */
export class EnvironmentError extends TemplateValidationError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "EnvironmentError";

  constructor(path: string, message: string) {
    super(path, message, ErrorCode.ENVIRONMENT_INVALID);
  }
}

/** The template text could not be parsed (JSON or YAML syntax). */
export class TemplateSyntaxError extends TemplateValidationError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "TemplateSyntaxError";

  /** 1-based line of the syntax error, when known. */
  readonly line: number | undefined;
  /** 1-based column of the syntax error, when known. */
  readonly column: number | undefined;
  constructor(message: string, line?: number, column?: number) {
    const where = line === undefined ? "" : ` (line ${line}, column ${column ?? 1})`;
    super("", `template syntax error${where}: ${message}`, ErrorCode.TEMPLATE_SYNTAX);
    this.line = line;
    this.column = column;
  }
}

/**
 * A template (or a parameter value) nests mappings and lists deeper than the limit
 * (`MAX_TEMPLATE_DEPTH`). `path` names the first node past the limit.
 */
export class TemplateNestingError extends TemplateValidationError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "TemplateNestingError";

  /** The maximum nesting depth that was exceeded. */
  readonly limit: number;
  /** 1-based line in the template text, when the error was found while parsing. */
  readonly line: number | undefined;
  /** 1-based column in the template text, when the error was found while parsing. */
  readonly column: number | undefined;
  constructor(path: string, limit: number, where?: { line: number; column: number }) {
    const at = where === undefined ? "" : ` (line ${where.line}, column ${where.column})`;
    super(path, `mappings and lists are nested more than ${limit} levels deep${at}; flatten the value`, ErrorCode.TEMPLATE_TOO_DEEP);
    this.limit = limit;
    this.line = where?.line;
    this.column = where?.column;
  }
}

/** The resources of a template depend on each other in a cycle. */
export class DependencyCycleError extends TemplateValidationError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "DependencyCycleError";

  /** The resource names along the cycle, first name repeated at the end. */
  readonly cycle: readonly string[];
  constructor(cycle: readonly string[]) {
    super("resources", `dependency cycle: ${cycle.join(" -> ")}`, ErrorCode.DEPENDENCY_CYCLE);
    this.cycle = cycle;
  }
}

/** A template names a resource type that no registered plugin provides. */
export class UnknownResourceTypeError extends TemplateValidationError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "UnknownResourceTypeError";

  /** The unknown type name. */
  readonly typeName: string;
  constructor(path: string, typeName: string, known: readonly string[]) {
    const hint = known.length > 0 ? ` (known types: ${known.join(", ")})` : " (no types registered)";
    super(path, `unknown resource type "${typeName}"${hint}`, ErrorCode.UNKNOWN_RESOURCE_TYPE);
    this.typeName = typeName;
  }
}

/** A stack parameter is missing or breaks its declared type or constraints. */
export class ParameterError extends TemplateValidationError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "ParameterError";

  constructor(path: string, message: string) {
    super(path, message, ErrorCode.PARAMETER_INVALID);
  }
}

/**
 * An update changes the value of parameters declared `immutable: true` (Heat's
 * ImmutableParameterModified). `path` is the first one's (`parameters.NAME`); `names` lists them all.
 */
export class ImmutableParameterError extends ParameterError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "ImmutableParameterError";

  /** The immutable parameters whose values the update changes, in declaration order. */
  readonly names: readonly string[];
  constructor(names: readonly string[]) {
    super(
      `parameters.${names[0] ?? ""}`,
      `the ${names.length === 1 ? "parameter" : "parameters"} ${names.map((n) => `"${n}"`).join(", ")} ${names.length === 1 ? "is" : "are"} immutable and may not be changed by an update; keep the current value or create a new stack`,
    );
    this.names = [...names];
  }
}

/** No stack with this name exists. */
export class StackNotFoundError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "StackNotFoundError";

  /** The stack name looked up. */
  readonly stackName: string;
  constructor(stackName: string) {
    super(ErrorCode.STACK_NOT_FOUND, `stack "${stackName}" does not exist`);
    this.stackName = stackName;
  }
}

/** A stack with this name already exists (createStack). */
export class StackExistsError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "StackExistsError";

  /** The conflicting stack name. */
  readonly stackName: string;
  constructor(stackName: string) {
    super(ErrorCode.STACK_EXISTS, `stack "${stackName}" already exists; use updateStack to change it`);
    this.stackName = stackName;
  }
}

/**
 * A stack's state is gone from the store although the stack was never deleted: its record
 * vanished and no tombstone says its delete completed (a store restarted without
 * persistence, or flushed). Nothing can be converged any more, and resources the stack
 * managed may still exist.
 */
export class StackStateLostError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "StackStateLostError";

  /** The stack's name, or its id when the name is not known (a worker sees ids only). */
  readonly stackName: string;
  /** The stack's id, when known. */
  readonly stackId: string | null;
  constructor(stack: { readonly name?: string | undefined; readonly id?: string | null | undefined }) {
    const id = stack.id ?? null;
    const who = stack.name === undefined ? `stack ${id ?? "(unknown)"}` : `stack "${stack.name}"${id === null ? "" : ` (id ${id})`}`;
    super(
      ErrorCode.STACK_STATE_LOST,
      `the state of ${who} is gone from the store, but the stack was not deleted (was the store restarted without persistence, or flushed?); ` +
        "resources it managed may still exist and must be found and removed by hand",
    );
    this.stackName = stack.name ?? id ?? "";
    this.stackId = id;
  }
}

/**
 * A stack name is not valid: names are letters, digits, `_ . -`, start with a letter and are
 * at most 128 characters (a nested stack's name adds `/`-separated resource names).
 */
export class InvalidStackNameError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "InvalidStackNameError";
  /** The rejected name, as given (`String(value)` when it was not a string). */
  readonly stackName: string;
  constructor(name: unknown) {
    const shown = typeof name === "string" ? JSON.stringify(name) : String(name);
    super(ErrorCode.STACK_NAME_INVALID, `invalid stack name ${shown}: use letters, digits, _ . - (starting with a letter, at most 128)`);
    this.stackName = typeof name === "string" ? name : String(name);
  }
}

/** The requested operation does not fit the stack's current state. */
export class StackStateError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "StackStateError";

  constructor(message: string) {
    super(ErrorCode.STACK_BUSY, message);
  }
}

/** Options passed to a factory were invalid. `field` names the bad option. */
export class InvalidOptionsError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "InvalidOptionsError";

  /** Dotted name of the invalid option. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(ErrorCode.INVALID_OPTIONS, `invalid option "${field}": ${message}`);
    this.field = field;
  }
}

/**
 * A call does not fit the runtime's current state - the options were fine: the runtime is
 * closed, an engine id is already registered (or alive in another process), a snapshot is
 * loaded into a store that is not empty, no live engine is there to deliver to, the queue did
 * not go idle in time. `subject` names what is in the wrong state.
 */
export class RuntimeStateError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "RuntimeStateError";

  /** What is in the wrong state (`runtime`, `engine "e1"`, `memory store`, `queue`). */
  readonly subject: string;
  /** @param subject what is in the wrong state; @param message what is wrong with it, and what to do. */
  constructor(subject: string, message: string) {
    super(ErrorCode.RUNTIME_STATE, message);
    this.subject = subject;
  }
}

/** A resource type definition passed to `defineResourceType` is malformed. */
export class InvalidResourceTypeError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "InvalidResourceTypeError";

  constructor(typeName: string, message: string) {
    super(ErrorCode.INVALID_TYPE_DEFINITION, `resource type "${typeName}": ${message}`);
  }
}

/** A plugin broke its contract (e.g. a create that returned no physical id). */
export class PluginContractError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "PluginContractError";

  /** The resource type whose handler misbehaved. */
  readonly typeName: string;
  constructor(typeName: string, message: string) {
    super(ErrorCode.PLUGIN_CONTRACT, `resource type "${typeName}" broke the plugin contract: ${message}`);
    this.typeName = typeName;
  }
}

/**
 * Base class for errors thrown by resource handlers. Terminal unless `retryable` is set;
 * plugins may subclass it or use {@link RetryableError} / {@link UpdateReplace}.
 */
export class ResourceError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "ResourceError";

  /** Whether the engine may retry the operation (with backoff, up to its limit). */
  readonly retryable: boolean;
  /** Suggested delay before a retry, in milliseconds, when the remote side said so. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options?: { retryable?: boolean; retryAfterMs?: number; cause?: unknown; code?: ErrorCode },
  ) {
    super(options?.code ?? (options?.retryable === true ? ErrorCode.RETRYABLE : ErrorCode.RESOURCE_FAILED), message, {
      cause: options?.cause,
    });
    this.retryable = options?.retryable ?? false;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** A transient failure (throttling, a 5xx): the engine retries with backoff. */
export class RetryableError extends ResourceError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "RetryableError";

  constructor(message: string, options?: { retryAfterMs?: number; cause?: unknown }) {
    super(message, { ...options, retryable: true, code: ErrorCode.RETRYABLE });
  }
}

/** Thrown by an `update` handler: this change cannot be made in place, replace the resource. */
export class UpdateReplace extends ResourceError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "UpdateReplace";

  constructor(message = "the change requires replacement") {
    super(message, { code: ErrorCode.UPDATE_REPLACE });
  }
}

/** An operation was aborted through its AbortSignal (cancel or timeout). */
export class AbortedError extends ResourceError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "AbortedError";

  constructor(message = "aborted") {
    super(message, { code: ErrorCode.ABORTED });
  }
}

/** A runtime (store or queue) failed or answered something the protocol cannot accept. */
export class RuntimeError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "RuntimeError";

  /** @param options.code a more specific code of a subclass (e.g. PERMISSION_DENIED). @default RUNTIME */
  constructor(message: string, options?: { cause?: unknown; code?: ErrorCode }) {
    super(options?.code ?? ErrorCode.RUNTIME, message, options);
  }
}

/** A check message could not be decoded; it is failed and never touches a stack. */
export class CorruptMessageError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "CorruptMessageError";

  constructor(message: string) {
    super(ErrorCode.CORRUPT_MESSAGE, `corrupt check message: ${message}`);
  }
}

/**
 * The protocol met data that breaks one of its invariants (a malformed node key, a graph
 * edge to a resource no row was chosen for, a node run without its predecessors' data): a
 * bug or corrupt stored state, never bad user input.
 */
export class ProtocolError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "ProtocolError";

  constructor(message: string) {
    super(ErrorCode.PROTOCOL_INVARIANT, `protocol invariant broken: ${message}`);
  }
}

/** The engine was declared dead (its liveness lease lapsed); it must stop writing. */
export class EngineDeadError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "EngineDeadError";

  constructor(engineId: string) {
    super(ErrorCode.ENGINE_DEAD, `engine "${engineId}" is no longer alive`);
  }
}

/**
 * A check was fenced out: it may no longer act on a row, because its engine's liveness lease
 * may have lapsed (a pause longer than the lease) or the row's lock is no longer held by its
 * attempt (another engine took the row over). It makes no further plugin call or write for
 * the row, and is handed back to the queue; whoever runs it next resumes from the row's state.
 */
export class FencedError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "FencedError";

  constructor(message: string) {
    super(ErrorCode.FENCED, message);
  }
}

/**
 * A memory-runtime snapshot (for example a CLI state file) is corrupt, foreign, or of a
 * version this code does not read. Nothing is restored from it.
 */
export class SnapshotError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "SnapshotError";

  /** Where the snapshot came from, e.g. `state file .converge/state.json`. */
  readonly source: string;
  /** Path of the offending value inside the snapshot (`stacks[0].rows[2].version`), `""` for the whole. */
  readonly path: string;
  constructor(source: string, path: string, message: string) {
    super(ErrorCode.SNAPSHOT_INVALID, `${source}${path === "" ? "" : ` at ${path}`}: ${message}`);
    this.source = source;
    this.path = path;
  }
}

/**
 * A resource could not be imported (`external_id`, `importResource`, `adoptStack`): the
 * physical id names nothing that exists, or the resource cannot be adopted in the stack's state.
 */
export class ImportError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "ImportError";

  /** The logical resource name. */
  readonly resourceName: string;
  /** The physical id that was to be imported. */
  readonly physicalId: string;
  constructor(resourceName: string, physicalId: string, message: string) {
    super(ErrorCode.IMPORT_FAILED, `cannot import ${JSON.stringify(physicalId)} as resource ${resourceName}: ${message}`);
    this.resourceName = resourceName;
    this.physicalId = physicalId;
  }
}

/** A value given to `adoptStack` is not a well-formed abandoned stack. `path` names the bad node. */
export class AbandonedStackError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "AbandonedStackError";

  /** Dotted path of the offending node inside the value (`resources[2].physicalId`), `""` for the whole. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(ErrorCode.ABANDONED_INVALID, `abandoned stack${path === "" ? "" : ` at ${path}`}: ${message}`);
    this.path = path;
  }
}

/** True when `error` is a Converge error with the given code. */
export function isConvergeError(error: unknown, code?: ErrorCode): error is ConvergeError {
  return error instanceof ConvergeError && (code === undefined || error.code === code);
}
