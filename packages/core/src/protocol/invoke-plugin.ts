/**
 * Calling a resource type's handlers: the handler context, retries with backoff for
 * retryable errors, abort on cancel, and normalisation of whatever the plugin throws.
 */
import { AbortedError, ConvergeError, ResourceError } from "../errors.js";
import type { ResourceRow, StackRecord } from "../model/types.js";
import type { AnyResourceType, BaseContext, Logger } from "../plugin/types.js";
import type { CheckEnv } from "./env.js";

/** Which handler is called (for messages). */
export type HandlerName = "create" | "update" | "delete" | "read" | "getAttribute";

/** The stable idempotency key of a row's create. */
export function idempotencyKey(stackId: string, rowId: string): string {
  return `${stackId}:${rowId}`;
}

/**
 * Run `call` with a fresh handler context, retrying retryable failures with exponential
 * backoff up to the engine's limit. Errors come back as {@link ResourceError} (or
 * {@link AbortedError} when the traversal was cancelled).
 */
export async function invokePlugin<T>(
  env: CheckEnv,
  stack: StackRecord,
  traversalId: string,
  row: Pick<ResourceRow, "id" | "name">,
  type: AnyResourceType,
  handler: HandlerName,
  call: (base: BaseContext) => Promise<T>,
): Promise<T> {
  const { signal, release } = env.aborts.open(stack.id, traversalId, env.signal);
  const base: BaseContext = {
    stackName: stack.name,
    resourceName: row.name,
    rowId: row.id,
    signal,
    deadline: stack.deadline ?? undefined,
    logger: scopedLogger(env.logger, { stack: stack.name, resource: row.name, type: type.type, handler }),
    idempotencyKey: idempotencyKey(stack.id, row.id),
  };
  try {
    let delay = env.retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new AbortedError(`${handler} aborted: ${String(signal.reason)}`);
      try {
        return await call(base);
      } catch (raw) {
        if (signal.aborted) throw new AbortedError(`${handler} aborted: ${String(signal.reason)}`);
        const error = normalizeError(raw, type, handler);
        if (!error.retryable || attempt >= env.retry.maxAttempts) throw error;
        const wait = Math.min(env.retry.maxDelayMs, Math.max(delay, error.retryAfterMs ?? 0));
        base.logger.warn(`retryable failure, retrying in ${wait} ms`, { attempt, error: error.message });
        await env.runtime.sleep(wait, signal).catch(() => undefined);
        delay = Math.min(env.retry.maxDelayMs, delay * env.retry.backoffFactor);
      }
    }
  } finally {
    release();
  }
}

/** Turn anything a handler threw into a ResourceError whose message names the handler. */
export function normalizeError(raw: unknown, type: AnyResourceType, handler: HandlerName): ResourceError {
  if (raw instanceof ResourceError) return raw;
  if (raw instanceof ConvergeError) return new ResourceError(raw.message, { cause: raw, code: raw.code });
  const message = raw instanceof Error ? raw.message : String(raw);
  return new ResourceError(`${type.type} ${handler} failed: ${message}`, { cause: raw });
}

function scopedLogger(logger: Logger, fields: Record<string, unknown>): Logger {
  return {
    debug: (m, f) => logger.debug(m, { ...fields, ...f }),
    info: (m, f) => logger.info(m, { ...fields, ...f }),
    warn: (m, f) => logger.warn(m, { ...fields, ...f }),
    error: (m, f) => logger.error(m, { ...fields, ...f }),
  };
}
