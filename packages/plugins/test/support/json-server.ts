/**
 * A small JSON REST server on `node:http` (port 0) for the HTTP resource tests: collections
 * of items (POST creates, honouring `Idempotency-Key`; GET/PUT/PATCH/DELETE on items), a
 * `/hang` path that never answers, scripted failures, and a log of every request.
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the server received. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

/** A scripted answer for the next matching request. */
export interface ScriptedFailure {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** Only requests with this method. @default any */
  readonly method?: string;
}

/** The server and its controls. */
export interface JsonServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Items by collection name, then id. */
  readonly items: Map<string, Map<string, Record<string, unknown>>>;
  /** Every request received, in order. */
  readonly requests: SeenRequest[];
  /** Answer the next matching requests with these, in order. */
  fail(...failures: ScriptedFailure[]): void;
  /** Answer PUT/PATCH with 204 and no body. @default false */
  noContentOnUpdate: boolean;
  /** Requests waiting on `/hang` (their sockets are open). */
  hanging(): number;
  /** Forget every item, request, idempotency key and scripted failure; ids restart at 1. */
  reset(): void;
  /** Stop the server. */
  close(): Promise<void>;
}

const collection = (items: JsonServer["items"], name: string): Map<string, Record<string, unknown>> => {
  let found = items.get(name);
  if (found === undefined) items.set(name, (found = new Map()));
  return found;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? null : (JSON.parse(text) as unknown);
}

/** Start a server on a free port. */
export async function startJsonServer(): Promise<JsonServer> {
  const items: JsonServer["items"] = new Map();
  const requests: SeenRequest[] = [];
  const failures: ScriptedFailure[] = [];
  const keys = new Map<string, string>();
  const open = new Set<ServerResponse>();
  let nextId = 0;
  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void => {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, { ...(text === "" ? {} : { "content-type": "application/json" }), ...headers });
    res.end(text);
  };
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "/").split("?")[0] as string;
      const body = await readJson(req);
      const method = req.method ?? "GET";
      requests.push({ method, path, headers: req.headers, body });
      const scripted = failures.findIndex((f) => f.method === undefined || f.method === method);
      if (scripted >= 0) {
        const [failure] = failures.splice(scripted, 1) as [ScriptedFailure];
        return send(res, failure.status, failure.body ?? { error: `scripted ${failure.status}` }, failure.headers);
      }
      const parts = path.split("/").filter((p) => p !== "");
      if (parts[0] === "hang") {
        open.add(res);
        res.on("close", () => open.delete(res));
        return;
      }
      const [name, rawId] = parts as [string | undefined, string | undefined];
      if (name === undefined) return send(res, 404, { error: "no collection" });
      const coll = collection(items, name);
      const id = rawId === undefined ? undefined : decodeURIComponent(rawId);
      if (id === undefined) {
        if (method !== "POST") return send(res, 405, { error: "POST to a collection" });
        const key = req.headers["idempotency-key"];
        const known = typeof key === "string" ? keys.get(`${name}/${key}`) : undefined;
        if (known !== undefined && coll.has(known)) return send(res, 200, coll.get(known));
        const newId = `${name}-${++nextId}`;
        const item = { ...(isObject(body) ? body : { value: body }), id: newId };
        coll.set(newId, item);
        if (typeof key === "string") keys.set(`${name}/${key}`, newId);
        return send(res, 201, name === "wrapped" ? { data: { uuid: newId, item } } : item, { location: `/${name}/${newId}` });
      }
      const item = coll.get(id);
      if (item === undefined) return send(res, 404, { error: `no item ${id}` });
      if (method === "GET") return send(res, 200, item);
      if (method === "DELETE") {
        coll.delete(id);
        return send(res, 204);
      }
      if (method === "PUT" || method === "PATCH") {
        const next = method === "PUT" ? { ...(isObject(body) ? body : {}), id } : { ...(applyMergePatch(item, body) as Record<string, unknown>), id };
        coll.set(id, next);
        return controls.noContentOnUpdate ? send(res, 204) : send(res, 200, next);
      }
      return send(res, 405, { error: `no ${method}` });
    })().catch((error: unknown) => send(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const controls: JsonServer = {
    url: `http://127.0.0.1:${port}`,
    items,
    requests,
    fail: (...f) => void failures.push(...f),
    noContentOnUpdate: false,
    hanging: () => open.size,
    reset: () => {
      items.clear();
      requests.length = 0;
      failures.length = 0;
      keys.clear();
      nextId = 0;
      controls.noContentOnUpdate = false;
    },
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return controls;
}
