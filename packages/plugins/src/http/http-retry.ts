/**
 * Retrying JSON-over-HTTP requests: transient failures (429, 5xx, timeouts, network errors)
 * are retried with exponential backoff, never sooner than the server's `Retry-After` asks,
 * and never past the operation's deadline; every wait stops when the operation aborts.
 */
import { ResourceError, RetryableError } from "@converge/core";
import type { Sleep } from "../support/sleep.js";
import type { FetchFunction, HttpRequest, HttpResponse } from "./http-request.js";
import { httpRequest } from "./http-request.js";

/** How a request is retried. */
export interface HttpRetryPolicy {
  /** Retries after the first attempt (0: no retry). */
  readonly retries: number;
  /** Wait before the first retry, ms; doubled for each further retry. */
  readonly baseDelayMs: number;
  /** Longest single wait, ms. A `Retry-After` asking for longer ends the retries. */
  readonly maxDelayMs: number;
}

/** What {@link sendWithRetry} needs besides the request. */
export interface RetryEnv {
  readonly fetch: FetchFunction;
  readonly sleep: Sleep;
  /** Epoch ms now (for `Retry-After` dates and the deadline). */
  readonly now: () => number;
  /** Epoch ms the operation must finish by, if any. */
  readonly deadline: number | undefined;
}

/** The wait before retry number `retry` (1-based): backoff, raised to `Retry-After`. */
export function retryDelay(policy: HttpRetryPolicy, retry: number, retryAfterMs: number | undefined): number {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.max(backoff, retryAfterMs ?? 0);
}

/**
 * Send `request`, retrying transient failures per `policy`. When the retries are used up (or
 * a wait would be too long, or pass the deadline) the last failure is thrown as a terminal
 * {@link ResourceError}, so the engine does not retry it a second time; aborts and other
 * client errors are thrown at once.
 */
export async function sendWithRetry(env: RetryEnv, request: HttpRequest, policy: HttpRetryPolicy): Promise<HttpResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await httpRequest(env.fetch, request, env.now);
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      const stop = (why: string): ResourceError => new ResourceError(`${error.message} (${why})`, { cause: error });
      if (attempt > policy.retries) {
        throw stop(policy.retries === 0 ? "retries are off" : `gave up after ${attempt} attempts`);
      }
      const wait = retryDelay(policy, attempt, error.retryAfterMs);
      if (wait > policy.maxDelayMs) {
        throw stop(`the server asks to retry after ${Math.ceil(wait / 1000)} s, more than max_retry_delay_ms allows`);
      }
      if (env.deadline !== undefined && env.now() + wait > env.deadline) throw stop("a retry would pass the deadline");
      await env.sleep(wait, request.signal);
    }
  }
}
