/**
 * `converge:http:Resource`: a generic JSON-over-HTTP resource. Create is a POST to a
 * collection URL, the id comes from the response, and the item lives at an item URL that
 * update (PUT or PATCH), read (GET) and delete (DELETE) address.
 */
import { UpdateReplace, defineResourceType } from "@converge/core";
import type { BaseContext, ResourceType } from "@converge/core";
import { ResourceError } from "@converge/core";
import { z } from "zod";
import { heatInteger, heatString } from "../heat/heat-schema.js";
import { checkOptions, functionOption, typeNameOption } from "../support/options.js";
import type { Sleep } from "../support/sleep.js";
import { realSleep } from "../support/sleep.js";
import type { FetchFunction, HttpRequest, HttpResponse } from "./http-request.js";
import { sendWithRetry } from "./http-retry.js";
import { getJsonPath, parseJsonPath } from "./json-path.js";
import { mergePatch } from "./merge-patch.js";

/** Type name of {@link HttpResource}. */
export const HTTP_RESOURCE_TYPE = "converge:http:Resource";

const jsonPath = z.string().refine((p) => {
  try {
    parseJsonPath(p);
    return true;
  } catch {
    return false;
  }
}, "must be a JSON path like id, data.id or items[0].id");

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const httpUrl = (what: string) => z.url({ protocol: /^https?$/, error: `${what} must be an http(s) URL` });
const count = (min: number, max: number) => heatInteger().pipe(z.number().int().min(min).max(max));

const properties = z.object({
  /** Collection URL: create POSTs here. */
  url: httpUrl("url"),
  /** JSON body: the resource's desired representation, sent on create and update. */
  body: z.unknown().default({}),
  /** Method of an update that changes `body`: PUT sends the body, PATCH a merge patch. */
  update_method: z.enum(["PUT", "PATCH"]).default("PUT"),
  /** JSON path of the id in the create response body. */
  id_path: jsonPath.default("id"),
  /** Item URL template; `{id}` is replaced by the URL-encoded id. @default `<url>/{id}` */
  item_url: z
    .string()
    .refine((u) => u.includes("{id}"), "item_url must contain {id}")
    .refine((u) => httpUrl("item_url").safeParse(u.replaceAll("{id}", "x")).success, "item_url must be an http(s) URL with {id}")
    .optional(),
  /** Attributes to extract: name → JSON path into the latest response body. */
  attributes: z.record(z.string(), jsonPath).default({}),
  /** Extra request headers (secret: redacted everywhere). */
  headers: z
    .record(z.string().regex(HEADER_NAME, "header names are HTTP tokens"), heatString().refine((v) => !/[\r\n]/.test(v), "header values cannot hold line breaks"))
    .default({}),
  /** Bearer token sent as `Authorization: Bearer <token>` (secret). */
  token: z.string().min(1).optional(),
  /** Time limit of each request, ms. */
  timeout_ms: count(1, 3_600_000).default(30_000),
  /** Retries of a request after a 429, a 5xx, a timeout or a network error. */
  retries: count(0, 20).default(3),
  /** Wait before the first retry, ms (doubled for each further one). */
  retry_delay_ms: count(0, 3_600_000).default(500),
  /** Longest single wait before a retry, ms; a longer `Retry-After` ends the retries. */
  max_retry_delay_ms: count(0, 3_600_000).default(60_000),
});

/** Resolved properties of {@link HttpResource}. */
export type HttpResourceProperties = z.output<typeof properties>;

/** Options of {@link createHttpResourceType}. */
export interface HttpResourceOptions {
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: FetchFunction;
  /** How waits between retries are performed (tests inject a fake). @default an abortable timer */
  readonly sleep?: Sleep;
  /** Epoch ms now, for `Retry-After` dates and deadlines. @default Date.now */
  readonly now?: () => number;
  /** Type name. @default "converge:http:Resource" */
  readonly type?: string;
}

/** The item URL of `id` for these properties. */
export function itemUrlOf(props: Pick<HttpResourceProperties, "url" | "item_url">, id: string): string {
  const template = props.item_url ?? `${props.url.replace(/\/+$/, "")}/{id}`;
  return template.replaceAll("{id}", encodeURIComponent(id));
}

/**
 * The part of `actual` that `desired` describes (same keys, recursively), to report drift.
 * A key `desired` sets to null that `actual` leaves out reads as null: a PATCH update
 * removes such keys (a merge patch cannot store a null), and many APIs omit nulls.
 */
export function projectOnto(actual: unknown, desired: unknown): unknown {
  if (typeof desired !== "object" || desired === null || Array.isArray(desired)) return actual;
  if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return actual;
  const out: Record<string, unknown> = {};
  for (const [key, want] of Object.entries(desired)) {
    if (Object.prototype.hasOwnProperty.call(actual, key)) {
      out[key] = projectOnto((actual as Record<string, unknown>)[key], want);
    } else if (want === null) {
      out[key] = null;
    }
  }
  return out;
}

const headersOf = (props: HttpResourceProperties, extra: Record<string, string> = {}): Record<string, string> => ({
  ...props.headers,
  ...(props.token === undefined ? {} : { authorization: `Bearer ${props.token}` }),
  ...extra,
});

const attributesOf = (props: HttpResourceProperties, id: string, body: unknown): Record<string, unknown> => {
  const extracted: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(props.attributes)) extracted[name] = getJsonPath(body, path) ?? null;
  return { id, url: itemUrlOf(props, id), body, attributes: extracted };
};

type Request = Omit<HttpRequest, "signal" | "timeoutMs" | "headers"> & { readonly headers?: Record<string, string> };

/**
 * Build a `converge:http:Resource` type (inject `fetch`, `sleep` and `now` to test it).
 *
 * - properties: `url` (collection), `body`, `update_method` (PUT | PATCH), `id_path`
 *   (default `id`), `item_url` (with `{id}`, default `<url>/{id}`), `attributes` (name →
 *   JSON path), `headers` and `token` (both secret), `timeout_ms`, `retries`,
 *   `retry_delay_ms`, `max_retry_delay_ms`.
 * - attributes: `id`, `url` (item URL), `body` (latest response body), `attributes` (the
 *   extracted values: `get_attr: [api, attributes, name]`).
 * - physical id (and `get_resource`): the id from the create response.
 * - replacement: a change of `url` or `item_url`; everything else updates in place. An
 *   update that changes `body` sends it (PUT) or a merge patch from the old body (PATCH);
 *   any other update only re-reads the item (GET) to refresh the attributes.
 * - create sends the row's idempotency key as `Idempotency-Key`, so a retried create makes
 *   one item when the server honours it. Read: GET of the item URL (with the same headers,
 *   retries and AbortSignal as every other call), 404/410 = gone, else the given properties
 *   with `body` replaced by the item as the server has it, projected onto the desired body
 *   (see {@link projectOnto}): fields the template does not set are ignored, a changed or
 *   missing one is drift. Any other error status fails the read (never "gone"). With no
 *   physical id it reports gone (the create is idempotent through `Idempotency-Key`).
 *   Delete: DELETE, 404/410 = already gone = success.
 * - 429, 5xx, timeouts and network errors are retried (`retries`, exponential backoff from
 *   `retry_delay_ms`, never sooner than `Retry-After`, never past the deadline), then fail
 *   for good; other statuses >= 400 fail at once. Every request and wait honours the
 *   operation's AbortSignal.
 * @throws InvalidOptionsError on a bad option.
 */
export function createHttpResourceType(options?: HttpResourceOptions): ResourceType<typeof properties, "id" | "url" | "body" | "attributes"> {
  const opts = checkOptions(options, "createHttpResourceType", ["fetch", "sleep", "now", "type"]);
  const fetchFn = functionOption<FetchFunction>(opts, "fetch", (input, init) => globalThis.fetch(input, init));
  const sleep = functionOption<Sleep>(opts, "sleep", realSleep);
  const now = functionOption<() => number>(opts, "now", Date.now);
  const send = (ctx: BaseContext, props: HttpResourceProperties, request: Request): Promise<HttpResponse> =>
    sendWithRetry(
      { fetch: fetchFn, sleep, now, deadline: ctx.deadline },
      { ...request, headers: headersOf(props, request.headers), signal: ctx.signal, timeoutMs: props.timeout_ms },
      { retries: props.retries, baseDelayMs: props.retry_delay_ms, maxDelayMs: props.max_retry_delay_ms },
    );
  const refresh = async (ctx: BaseContext, props: HttpResourceProperties, id: string): Promise<unknown> =>
    (await send(ctx, props, { method: "GET", url: itemUrlOf(props, id) })).body;
  return defineResourceType({
    type: typeNameOption(opts, HTTP_RESOURCE_TYPE),
    description: "A generic JSON-over-HTTP resource (POST to create, PUT/PATCH to update, DELETE to delete, GET to read)",
    properties,
    attributes: {
      id: "The id extracted from the create response.",
      url: "The item URL.",
      body: "The latest response body.",
      attributes: "Values extracted from the latest response body by the `attributes` property.",
    },
    updatable: Object.keys(properties.shape).filter((p) => p !== "url" && p !== "item_url"),
    secretProperties: ["headers", "token"],
    idempotentCreate: true,
    async create(ctx) {
      const props = ctx.properties;
      const response = await send(ctx, props, { method: "POST", url: props.url, headers: { "idempotency-key": ctx.idempotencyKey }, body: props.body });
      const raw = getJsonPath(response.body, props.id_path);
      if ((typeof raw !== "string" || raw === "") && typeof raw !== "number") {
        throw new ResourceError(`POST ${props.url} answered ${response.status} without an id at "${props.id_path}" (set id_path to where the response body holds the id)`);
      }
      const id = String(raw);
      return { physicalId: id, attributes: attributesOf(props, id, response.body) };
    },
    async update(ctx) {
      const props = ctx.properties;
      if (itemUrlOf(props, ctx.physicalId) !== itemUrlOf(ctx.oldProperties, ctx.physicalId)) {
        throw new UpdateReplace(`${ctx.resourceName}: the item moves to another URL`);
      }
      if (!ctx.changed.includes("body")) return { attributes: attributesOf(props, ctx.physicalId, await refresh(ctx, props, ctx.physicalId)) };
      const body = props.update_method === "PATCH" ? mergePatch(ctx.oldProperties.body, props.body) : props.body;
      const response = await send(ctx, props, { method: props.update_method, url: itemUrlOf(props, ctx.physicalId), body });
      const latest = response.body === null ? await refresh(ctx, props, ctx.physicalId) : response.body;
      return { attributes: attributesOf(props, ctx.physicalId, latest) };
    },
    async delete(ctx) {
      if (ctx.physicalId === null) return;
      const parsed = properties.safeParse(ctx.properties);
      if (!parsed.success) return; // never created with valid properties: nothing to address
      await send(ctx, parsed.data, { method: "DELETE", url: itemUrlOf(parsed.data, ctx.physicalId), accept: [404, 410] });
    },
    async read(ctx) {
      if (ctx.physicalId === null) return { exists: false };
      const props = ctx.properties;
      const response = await send(ctx, props, { method: "GET", url: itemUrlOf(props, ctx.physicalId), accept: [404, 410] });
      if (response.status === 404 || response.status === 410) return { exists: false };
      return {
        exists: true,
        physicalId: ctx.physicalId,
        attributes: attributesOf(props, ctx.physicalId, response.body),
        properties: { ...props, body: projectOnto(response.body, props.body) },
      };
    },
  });
}

/** `converge:http:Resource` over the global `fetch`. See {@link createHttpResourceType}. */
export const HttpResource = createHttpResourceType();
