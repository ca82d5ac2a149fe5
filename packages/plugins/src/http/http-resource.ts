/**
 * `converge:http:Resource`: a generic JSON-over-HTTP resource. Create is a POST to a
 * collection URL, the id comes from the response, the item lives at an item URL that update
 * (PUT or PATCH), read (GET) and delete (DELETE) address.
 */
import { ResourceError, defineResourceType } from "@converge/core";
import type { BaseContext, ResourceType } from "@converge/core";
import { z } from "zod";
import type { FetchFunction, HttpResponse } from "./http-request.js";
import { httpRequest } from "./http-request.js";
import { getJsonPath, parseJsonPath } from "./json-path.js";

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

const properties = z.object({
  /** Collection URL: create POSTs here. */
  url: z.url({ protocol: /^https?$/, error: "url must be an http(s) URL" }),
  /** JSON body: the resource's desired representation, sent on create and update. */
  body: z.unknown().optional(),
  /** Method of an update. */
  updateMethod: z.enum(["PUT", "PATCH"]).default("PUT"),
  /** JSON path of the id in the create response. */
  idPath: jsonPath.default("id"),
  /** Item URL template; `{id}` is replaced by the (URL-encoded) id. @default `${url}/{id}` */
  itemUrl: z.string().refine((u) => u.includes("{id}"), "itemUrl must contain {id}").optional(),
  /** Attributes to extract: name → JSON path into the latest response body (`attributes` attribute). */
  attributes: z.record(z.string(), jsonPath).default({}),
  /** Extra request headers (secret: redacted everywhere). */
  headers: z.record(z.string(), z.string()).default({}),
  /** Bearer token sent as `Authorization: Bearer <token>` (secret). */
  token: z.string().optional(),
  /** Time limit of each request, ms. */
  timeoutMs: z.number().int().positive().default(30_000),
});

/** Resolved properties of {@link HttpResource}. */
export type HttpResourceProperties = z.output<typeof properties>;

/** Options of {@link createHttpResourceType}. */
export interface HttpResourceOptions {
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: FetchFunction;
  /** Type name. @default "converge:http:Resource" */
  readonly type?: string;
}

/** The item URL of `id` for these properties. */
export function itemUrlOf(props: Pick<HttpResourceProperties, "url" | "itemUrl">, id: string): string {
  const template = props.itemUrl ?? `${props.url.replace(/\/+$/, "")}/{id}`;
  return template.replaceAll("{id}", encodeURIComponent(id));
}

/** The part of `actual` that `desired` describes (same keys, recursively), to report drift. */
export function projectOnto(actual: unknown, desired: unknown): unknown {
  if (typeof desired !== "object" || desired === null || Array.isArray(desired)) return actual;
  if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return actual;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(desired)) {
    if (Object.prototype.hasOwnProperty.call(actual, key)) {
      out[key] = projectOnto((actual as Record<string, unknown>)[key], (desired as Record<string, unknown>)[key]);
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

/**
 * Build a `converge:http:Resource` type (inject `fetch` to test without a network).
 *
 * - properties: `url` (collection), `body`, `updateMethod` (PUT | PATCH), `idPath` (default
 *   `id`), `itemUrl` (with `{id}`, default `${url}/{id}`), `attributes` (name → JSON path),
 *   `headers` and `token` (both secret), `timeoutMs` (default 30000).
 * - attributes: `id`, `url` (item URL), `body` (latest response body), `attributes` (the
 *   extracted values: `get_attr: [api, attributes, name]`).
 * - replacement: a change of `url` or `itemUrl`; everything else updates in place.
 * - create sends the row's idempotency key as `Idempotency-Key` (so a retried create makes one
 *   item when the server honours it); 404 on read means gone, 404/410 on delete is success;
 *   429 and 5xx are retried by the engine after `Retry-After`; every request honours the
 *   operation's AbortSignal and `timeoutMs`.
 */
export function createHttpResourceType(options: HttpResourceOptions = {}): ResourceType<typeof properties, "id" | "url" | "body" | "attributes"> {
  const fetchFn: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const send = (ctx: BaseContext, props: HttpResourceProperties, request: Omit<Parameters<typeof httpRequest>[1], "signal" | "timeoutMs">): Promise<HttpResponse> =>
    httpRequest(fetchFn, { ...request, signal: ctx.signal, timeoutMs: props.timeoutMs });
  return defineResourceType({
    type: options.type ?? HTTP_RESOURCE_TYPE,
    description: "A generic JSON-over-HTTP resource (POST to create, PUT/PATCH to update, DELETE to delete, GET to read)",
    properties,
    attributes: {
      id: "The id extracted from the create response.",
      url: "The item URL.",
      body: "The latest response body.",
      attributes: "Values extracted from the latest response body by the `attributes` property.",
    },
    updatable: ["body", "updateMethod", "idPath", "attributes", "headers", "token", "timeoutMs"],
    secretProperties: ["headers", "token"],
    idempotentCreate: true,
    async create(ctx) {
      const props = ctx.properties;
      const response = await send(ctx, props, {
        method: "POST",
        url: props.url,
        headers: headersOf(props, { "idempotency-key": ctx.idempotencyKey }),
        body: props.body ?? {},
      });
      const raw = getJsonPath(response.body, props.idPath);
      if ((typeof raw !== "string" || raw === "") && typeof raw !== "number") {
        throw new ResourceError(`POST ${props.url} answered ${response.status} without an id at "${props.idPath}" (set idPath to where the response holds the id)`);
      }
      const id = String(raw);
      return { physicalId: id, attributes: attributesOf(props, id, response.body) };
    },
    async update(ctx) {
      const props = ctx.properties;
      const url = itemUrlOf(props, ctx.physicalId);
      const response = await send(ctx, props, { method: props.updateMethod, url, headers: headersOf(props), body: props.body ?? {} });
      const body = response.body === null ? (await send(ctx, props, { method: "GET", url, headers: headersOf(props) })).body : response.body;
      return { attributes: attributesOf(props, ctx.physicalId, body) };
    },
    async delete(ctx) {
      if (ctx.physicalId === null) return;
      const props = properties.safeParse(ctx.properties);
      if (!props.success) return; // never created with valid properties: nothing to address
      await send(ctx, props.data, { method: "DELETE", url: itemUrlOf(props.data, ctx.physicalId), headers: headersOf(props.data), accept: [404, 410] });
    },
    async read(ctx) {
      if (ctx.physicalId === null) return { exists: false };
      const props = ctx.properties;
      const response = await send(ctx, props, { method: "GET", url: itemUrlOf(props, ctx.physicalId), headers: headersOf(props), accept: [404, 410] });
      if (response.status === 404 || response.status === 410) return { exists: false };
      return {
        exists: true,
        physicalId: ctx.physicalId,
        attributes: attributesOf(props, ctx.physicalId, response.body),
        ...(props.body === undefined ? {} : { properties: { body: projectOnto(response.body, props.body) } }),
      };
    },
  });
}

/** `converge:http:Resource` over the global `fetch`. See {@link createHttpResourceType}. */
export const HttpResource = createHttpResourceType();
