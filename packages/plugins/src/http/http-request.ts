/**
 * One JSON-over-HTTP request as a resource handler needs it: a per-request timeout combined
 * with the operation's AbortSignal, and failures classified for the engine - throttling and
 * server errors are retryable (honouring `Retry-After`), other client errors are terminal.
 */
import { AbortedError, ResourceError, RetryableError, errorMessage } from "@converge/core";
import { parseRetryAfter } from "./retry-after.js";

/** The `fetch` function used (injectable). */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** A request. */
export interface HttpRequest {
  /** The HTTP method. */
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Absolute URL. */
  readonly url: string;
  /** Request headers (never quoted in error messages: they may hold credentials). */
  readonly headers: Readonly<Record<string, string>>;
  /** JSON body (serialized), or undefined for none. */
  readonly body?: unknown;
  /** Time limit of this request. */
  readonly timeoutMs: number;
  /** The operation's signal (cancel, stack timeout). */
  readonly signal: AbortSignal;
  /** Statuses returned to the caller instead of thrown (e.g. 404 on read). */
  readonly accept?: readonly number[];
}

/** A response: status, headers and the body (parsed JSON when it is JSON, else text, null when empty). */
export interface HttpResponse {
  /** Status code. */
  readonly status: number;
  /** Response headers. */
  readonly headers: Headers;
  /** Parsed body. */
  readonly body: unknown;
}

const snippet = (body: unknown): string => {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return text === undefined || text === "" || text === "null" ? "" : `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
};

/** Parse a response body: JSON when declared or when it looks like JSON, else the text. */
async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === "") return null;
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("json") || /^\s*[[{"]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Send a request. Errors thrown (messages never include request headers):
 * - {@link AbortedError} when the operation's signal aborted;
 * - {@link RetryableError} on a timeout, a network failure, 429 or a 5xx (with `retryAfterMs`
 *   from `Retry-After`);
 * - {@link ResourceError} (terminal) on any other status >= 400 not in `accept`.
 */
export async function httpRequest(fetchFn: FetchFunction, request: HttpRequest, now: () => number = Date.now): Promise<HttpResponse> {
  const { method, url, signal } = request;
  const what = `${method} ${url}`;
  if (signal.aborted) throw new AbortedError(`${what} aborted: ${String(signal.reason)}`);
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  const headers: Record<string, string> = { accept: "application/json", ...request.headers };
  let response: Response;
  let body: unknown;
  try {
    const init: RequestInit = { method, headers, signal: combined };
    if (request.body !== undefined) {
      init.body = JSON.stringify(request.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
    }
    response = await fetchFn(url, init);
    body = await readBody(response);
  } catch (error) {
    if (signal.aborted) throw new AbortedError(`${what} aborted: ${String(signal.reason)}`);
    if (timeout.aborted) throw new RetryableError(`${what} timed out after ${request.timeoutMs} ms`, { cause: error });
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? errorMessage(error);
    throw new RetryableError(`${what} failed: ${detail}`, { cause: error });
  }
  const { status } = response;
  if (status < 400 || request.accept?.includes(status) === true) return { status, headers: response.headers, body };
  const message = `${what} answered ${status} ${response.statusText}${snippet(body)}`;
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now());
    throw new RetryableError(message, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  throw new ResourceError(message);
}
