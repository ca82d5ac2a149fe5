/**
 * Calling a resource type's handlers: the handler context, the fence before every call (the
 * engine's lease and the row's lock still this attempt's), retries with backoff for
 * retryable errors, abort on cancel or a lost lease, and normalisation of whatever the
 * plugin throws.
 */
import { errorMessage } from "../error-message.js";
import { AbortedError, ConvergeError, FencedError, ResourceError } from "../errors.js";
import type { ResourceRow, StackRecord } from "../model/types.js";
import type { AnyResourceType, BaseContext, Logger } from "../plugin/types.js";
import type { CallSignal } from "./abort-registry.js";
import type { CheckEnv } from "./env.js";

/** Which handler is called (for messages). */
export type HandlerName = "create" | "update" | "delete" | "read" | "getAttribute";

/** The stable idempotency key of a row's create. */
export function idempotencyKey(stackId: string, rowId: string): string {
  return `${stackId}:${rowId}`;
}

/** Which handler of which resource {@link invokePlugin} calls, for which row and traversal. */
export interface PluginCall {
  readonly stack: StackRecord;
  readonly traversalId: string;
  readonly row: Pick<ResourceRow, "id" | "name">;
  readonly type: AnyResourceType;
  readonly handler: HandlerName;
}

/** Options of {@link invokePlugin}. */
export interface InvokeOptions {
  /**
   * The call acts on a row this attempt holds locked: before every try, the call is fenced -
   * it does not start when the engine's lease may have lapsed or the row is no longer locked
   * by this attempt (FencedError). @default true
   */
  readonly locked?: boolean;
  /**
   * Clean-up of this attempt's own leftovers (a resource whose create could not be
   * recorded): not fenced, and not aborted with the delivery or the traversal. @default false
   */
  readonly detached?: boolean;
}

/**
 * Stop unless this attempt may still act on the row: its engine's lease is certainly held
 * (known locally) and the row is still locked by this attempt. @throws FencedError
 */
export async function fence(env: CheckEnv, stackId: string, row: Pick<ResourceRow, "id" | "name">, handler: HandlerName): Promise<void> {
  if (env.leaseValid?.() === false) {
    throw new FencedError(`${handler} of ${row.name} not started: the liveness lease of engine ${env.engineId} may have lapsed`);
  }
  const current = await env.store.loadRow(stackId, row.id);
  if (current?.lockHolder !== env.holder) {
    throw new FencedError(`${handler} of ${row.name} not started: row ${row.id} is no longer locked by this check (held by ${current?.lockHolder ?? "nobody"})`);
  }
}

/** The abort state of a call: its delivery's and traversal's (`AbortRegistry`), or never aborted (detached). */
type CallState = Pick<CallSignal, "aborted" | "reason" | "signal">;

/** A detached call's state: never aborted; its own signal (listeners a handler adds die with it), made when read. */
class DetachedCall implements CallState {
  readonly aborted = false;
  readonly reason = undefined;
  #signal: AbortSignal | undefined;

  get signal(): AbortSignal {
    return (this.#signal ??= new AbortController().signal);
  }
}

/**
 * Run `call` with a fresh handler context, retrying retryable failures with exponential
 * backoff up to the engine's limit. Every try is fenced first (see {@link InvokeOptions}).
 * Errors come back as {@link ResourceError} (or {@link AbortedError} when the traversal was
 * cancelled), or {@link FencedError} when the check may no longer act on the row. The
 * context's `signal` is made when first read (`AbortRegistry`); build a handler's context
 * from the base with {@link handlerContext}, which keeps it so.
 */
export async function invokePlugin<T>(env: CheckEnv, target: PluginCall, call: (base: BaseContext) => Promise<T>, options: InvokeOptions = {}): Promise<T> {
  const { stack, traversalId, row, type, handler } = target;
  const detached = options.detached === true;
  const locked = !detached && options.locked !== false;
  const opened = detached ? undefined : env.aborts.open(stack.id, traversalId, env.signal);
  const state: CallState = opened ?? new DetachedCall();
  const base = baseContext(state, stack, row, new ScopedLogger(env.logger, stack.name, row.name, type.type, handler));
  try {
    let delay = env.retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      if (state.aborted) throw stopped(env, row, handler, state);
      if (locked) await fence(env, stack.id, row, handler);
      try {
        return await call(base);
      } catch (raw) {
        if (state.aborted) throw stopped(env, row, handler, state);
        if (raw instanceof FencedError) throw raw;
        const error = normalizeError(raw, type, handler);
        if (!error.retryable || attempt >= env.retry.maxAttempts) throw error;
        const wait = Math.min(env.retry.maxDelayMs, Math.max(delay, error.retryAfterMs ?? 0));
        base.logger.warn(`retryable failure, retrying in ${wait} ms`, { attempt, error: error.message });
        await env.runtime.sleep(wait, state.signal).catch(() => undefined);
        delay = Math.min(env.retry.maxDelayMs, delay * env.retry.backoffFactor);
      }
    }
  } finally {
    if (opened !== undefined) env.aborts.release(stack.id, traversalId, opened);
  }
}

/** Why an aborted call stopped: its engine's lease was lost (fenced, not a failure of the resource), or it was cancelled. */
function stopped(env: CheckEnv, row: Pick<ResourceRow, "name">, handler: HandlerName, state: CallState): Error {
  return env.leaseValid?.() === false
    ? new FencedError(`${handler} of ${row.name} aborted: the liveness lease of engine ${env.engineId} lapsed`)
    : new AbortedError(`${handler} aborted: ${String(state.reason)}`);
}

/** Where a handler context's `signal` comes from: the call's state, or the base context. */
type SignalSource = { readonly signal: AbortSignal };

/**
 * A handler's context. Its `signal` is an own enumerable accessor (a spread of the context
 * keeps it, reading it then), read from the call's state when first read - with one getter
 * shared by every context: an object literal's `get signal()` made a getter, and so a hidden
 * class, per context, allocated in old space (~130 B of old-space garbage per plugin call).
 */
class PluginContext implements BaseContext {
  declare readonly signal: AbortSignal;
  readonly #source: SignalSource;
  static readonly #signal: PropertyDescriptor = {
    enumerable: true,
    get(this: PluginContext): AbortSignal {
      return this.#source.signal;
    },
  };

  constructor(
    readonly stackName: string,
    readonly resourceName: string,
    readonly rowId: string,
    source: SignalSource,
    readonly deadline: number | undefined,
    readonly logger: Logger,
    readonly idempotencyKey: string,
  ) {
    this.#source = source;
    Object.defineProperty(this, "signal", PluginContext.#signal);
  }
}

function baseContext(state: CallState, stack: StackRecord, row: Pick<ResourceRow, "id" | "name">, logger: Logger): BaseContext {
  return new PluginContext(stack.name, row.name, row.id, state, stack.deadline ?? undefined, logger, idempotencyKey(stack.id, row.id));
}

/**
 * A handler's context: `base` with `extra`. Its `signal` is read from the base when first
 * read (a spread of the base would make the base's signal at once: see {@link invokePlugin}).
 */
export function handlerContext<E extends object>(base: BaseContext, extra: E): BaseContext & E {
  const context = new PluginContext(base.stackName, base.resourceName, base.rowId, base, base.deadline, base.logger, base.idempotencyKey);
  return Object.assign(context, extra);
}

/**
 * The message of a plugin call's failure, to record on the row - unless the check was fenced
 * out, which is no failure of the resource: then the FencedError is thrown on, so the check
 * stops without writing and is delivered again.
 */
export function failureMessage(error: unknown): string {
  if (error instanceof FencedError) throw error;
  return errorMessage(error);
}

/** Turn anything a handler threw into a ResourceError whose message names the handler. */
export function normalizeError(raw: unknown, type: AnyResourceType, handler: HandlerName): ResourceError {
  if (raw instanceof ResourceError) return raw;
  if (raw instanceof ConvergeError) return new ResourceError(raw.message, { cause: raw, code: raw.code });
  const message = errorMessage(raw);
  return new ResourceError(`${type.type} ${handler} failed: ${message}`, { cause: raw });
}

/** A logger that adds the call's stack, resource, type and handler to every entry's fields. */
class ScopedLogger implements Logger {
  readonly #logger: Logger;
  readonly #stack: string;
  readonly #resource: string;
  readonly #type: string;
  readonly #handler: HandlerName;

  constructor(logger: Logger, stack: string, resource: string, type: string, handler: HandlerName) {
    this.#logger = logger;
    this.#stack = stack;
    this.#resource = resource;
    this.#type = type;
    this.#handler = handler;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.#logger.debug(message, this.#fields(fields));
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.#logger.info(message, this.#fields(fields));
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#logger.warn(message, this.#fields(fields));
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.#logger.error(message, this.#fields(fields));
  }

  #fields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
    return { stack: this.#stack, resource: this.#resource, type: this.#type, handler: this.#handler, ...fields };
  }
}
