import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AbortedError, PluginContractError, ResourceError, RetryableError, TemplateValidationError, createEngine, createMemoryRuntime } from "@converge/core";
import { CONTRACT_CHECKS, handlerContext, resourceTypeContractChecks, silentLogger } from "@converge/core/testing";
import { createHttpResourceType } from "@converge/plugins";
import { itemUrlOf, projectOnto } from "../src/http/http-resource.js";
import type { HttpResourceProperties, Sleep } from "@converge/plugins";
import type { JsonServer } from "./support/json-server.js";
import { startJsonServer } from "./support/json-server.js";


let server: JsonServer;
beforeAll(async () => {
  server = await startJsonServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

/** A sleep that records each wait and returns at once (aborting like the real one). */
function fakeSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    if (signal.aborted) throw new AbortedError("aborted");
    waits.push(ms);
  };
  return { sleep, waits };
}

const build = (sleep?: Sleep, now?: () => number) => createHttpResourceType({ ...(sleep ? { sleep } : {}), ...(now ? { now } : {}) });
const props = (type: ReturnType<typeof build>, input: Record<string, unknown>): HttpResourceProperties => type.properties.parse(input);
const ctx = (overrides: Parameters<typeof handlerContext>[0] = {}) => handlerContext(overrides);
const noPhysicalId = async (): Promise<void> => undefined;

describe("converge:http:Resource handlers", () => {
  it("creates with a POST carrying the body, the headers and the idempotency key, and extracts id and attributes", async () => {
    const type = build();
    const p = props(type, { url: `${server.url}/users`, body: { name: "ada", meta: { team: "core" } }, attributes: { team: "meta.team" }, token: "tok-1", headers: { "x-tenant": "t1" } });
    const base = ctx();
    const result = await type.create({ ...base, properties: p, setPhysicalId: noPhysicalId });
    expect(result.physicalId).toBe("users-1");
    expect(result.attributes).toEqual({
      id: "users-1",
      url: `${server.url}/users/users-1`,
      body: { name: "ada", meta: { team: "core" }, id: "users-1" },
      attributes: { team: "core" },
    });
    const [post] = server.requests;
    expect(post?.method).toBe("POST");
    expect(post?.body).toEqual({ name: "ada", meta: { team: "core" } });
    expect(post?.headers.authorization).toBe("Bearer tok-1");
    expect(post?.headers["x-tenant"]).toBe("t1");
    expect(post?.headers["idempotency-key"]).toBe(base.idempotencyKey);
    expect(post?.headers["content-type"]).toBe("application/json");
  });

  it("finds the id at id_path and addresses items through item_url", async () => {
    const type = build();
    const p = props(type, { url: `${server.url}/wrapped`, id_path: "data.uuid", item_url: `${server.url}/wrapped/{id}`, attributes: { name: "data.item.name" }, body: { name: "x" } });
    const created = await type.create({ ...ctx(), properties: p, setPhysicalId: noPhysicalId });
    expect(created.physicalId).toBe("wrapped-1");
    expect((created.attributes as { attributes: unknown }).attributes).toEqual({ name: "x" });
    const read = await type.read?.({ ...ctx(), physicalId: created.physicalId, properties: p });
    expect(read).toMatchObject({ exists: true, physicalId: "wrapped-1" });
  });

  it("fails with a clear, terminal error when the response has no id", async () => {
    const type = build();
    const p = props(type, { url: `${server.url}/wrapped` });
    const error = await type.create({ ...ctx(), properties: p, setPhysicalId: noPhysicalId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceError);
    expect((error as ResourceError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/without an id at "id" \(set id_path/);
  });

  it("updates with PUT (the whole body) or PATCH (a merge patch), and re-reads after a 204", async () => {
    const type = build();
    const before = props(type, { url: `${server.url}/things`, body: { a: 1, b: { c: 2, d: 3 }, gone: true } });
    const { physicalId } = await type.create({ ...ctx(), properties: before, setPhysicalId: noPhysicalId });
    const putProps = props(type, { url: `${server.url}/things`, body: { a: 2, b: { c: 2, d: 3 }, gone: true } });
    const put = await type.update?.({ ...ctx(), physicalId, properties: putProps, oldProperties: before, changed: ["body"], attributes: {} });
    expect(server.requests.at(-1)).toMatchObject({ method: "PUT", path: `/things/${physicalId}`, body: { a: 2, b: { c: 2, d: 3 }, gone: true } });
    expect((put?.attributes as { body: unknown }).body).toEqual({ a: 2, b: { c: 2, d: 3 }, gone: true, id: physicalId });

    server.noContentOnUpdate = true;
    const patchProps = props(type, { url: `${server.url}/things`, update_method: "PATCH", body: { a: 2, b: { c: 5, d: 3 } } });
    const patched = await type.update?.({ ...ctx(), physicalId, properties: patchProps, oldProperties: putProps, changed: ["body", "update_method"], attributes: {} });
    const [patch, get] = server.requests.slice(-2);
    expect(patch).toMatchObject({ method: "PATCH", body: { b: { c: 5 }, gone: null } });
    expect(get).toMatchObject({ method: "GET", path: `/things/${physicalId}` });
    expect((patched?.attributes as { body: unknown }).body).toEqual({ a: 2, b: { c: 5, d: 3 }, id: physicalId });
  });

  it("only re-reads the item when an update does not change the body", async () => {
    const type = build();
    const before = props(type, { url: `${server.url}/things`, body: { a: 1 }, token: "old" });
    const { physicalId } = await type.create({ ...ctx(), properties: before, setPhysicalId: noPhysicalId });
    const after = props(type, { url: `${server.url}/things`, body: { a: 1 }, token: "new", attributes: { a: "a" } });
    const result = await type.update?.({ ...ctx(), physicalId, properties: after, oldProperties: before, changed: ["attributes", "token"], attributes: {} });
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
    expect(server.requests[1]?.headers.authorization).toBe("Bearer new");
    expect((result?.attributes as { attributes: unknown }).attributes).toEqual({ a: 1 });
  });

  it("reads drift with a GET, reports a missing item as gone, and deletes a missing item as success", async () => {
    const type = build();
    const p = props(type, { url: `${server.url}/things`, body: { size: 1, tags: ["x"] } });
    const { physicalId } = await type.create({ ...ctx(), properties: p, setPhysicalId: noPhysicalId });
    const item = server.items.get("things")?.get(physicalId) as Record<string, unknown>;
    item.size = 7;
    item.extra = "server-side";
    const read = await type.read?.({ ...ctx(), physicalId, properties: p });
    expect(read).toMatchObject({ exists: true, properties: { url: p.url, body: { size: 7, tags: ["x"] } } });
    await type.delete({ ...ctx(), physicalId, properties: p });
    expect(server.requests.at(-1)).toMatchObject({ method: "DELETE", path: `/things/${physicalId}` });
    expect(await type.read?.({ ...ctx(), physicalId, properties: p })).toEqual({ exists: false });
    await expect(type.delete({ ...ctx(), physicalId, properties: p })).resolves.toBeUndefined();
    expect(server.requests.at(-1)).toMatchObject({ method: "DELETE" });
    await expect(type.delete({ ...ctx(), physicalId: null, properties: {} as HttpResourceProperties })).resolves.toBeUndefined();
  });

  it("reads with the retries and AbortSignal of its other calls: 5xx retried, 410 gone, other errors fail, nulls removed by PATCH in sync", async () => {
    const { sleep, waits } = fakeSleep();
    const type = build(sleep);
    const before = props(type, { url: `${server.url}/things`, body: { a: 1, gone: true }, retry_delay_ms: 100 });
    const { physicalId } = await type.create({ ...ctx(), properties: before, setPhysicalId: noPhysicalId });
    server.fail({ status: 503, method: "GET" });
    expect(await type.read?.({ ...ctx(), physicalId, properties: before })).toMatchObject({ exists: true, properties: { body: { a: 1, gone: true } } });
    expect(waits).toEqual([100]);

    const after = props(type, { url: `${server.url}/things`, body: { a: 1, gone: null }, update_method: "PATCH", retry_delay_ms: 100 });
    await type.update?.({ ...ctx(), physicalId, properties: after, oldProperties: before, changed: ["body", "update_method"], attributes: {} });
    expect(server.items.get("things")?.get(physicalId)).toEqual({ a: 1, id: physicalId });
    const synced = await type.read?.({ ...ctx(), physicalId, properties: after });
    expect(synced?.exists === true ? synced.properties?.body : null).toEqual({ a: 1, gone: null });

    server.fail({ status: 403, method: "GET" });
    await expect(type.read?.({ ...ctx(), physicalId, properties: after })).rejects.toThrow(/GET .*\/things\/things-1 answered 403/);
    server.fail({ status: 410, method: "GET" });
    expect(await type.read?.({ ...ctx(), physicalId, properties: after })).toEqual({ exists: false });

    const hanging = props(type, { url: `${server.url}/hang` });
    const controller = new AbortController();
    const pending = type.read?.({ ...ctx({ signal: controller.signal }), physicalId: "x", properties: hanging });
    while (server.hanging() === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error("cancelled"));
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });

  it("retries a 429 no sooner than its Retry-After (seconds or an HTTP date)", async () => {
    const { sleep, waits } = fakeSleep();
    const now = Date.parse("2025-01-01T00:00:00Z");
    const type = build(sleep, () => now);
    server.fail(
      { status: 429, headers: { "retry-after": "3" } },
      { status: 429, headers: { "retry-after": new Date(now + 5_000).toUTCString() } },
    );
    const p = props(type, { url: `${server.url}/things`, body: { a: 1 } });
    const created = await type.create({ ...ctx(), properties: p, setPhysicalId: noPhysicalId });
    expect(created.physicalId).toBe("things-1");
    expect(waits).toEqual([3_000, 5_000]);
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "POST", "POST"]);
    // Every attempt of one create carries the same idempotency key.
    expect(new Set(server.requests.map((r) => r.headers["idempotency-key"])).size).toBe(1);
  });

  it("retries 5xx with exponential backoff, then gives up with a terminal error", async () => {
    const { sleep, waits } = fakeSleep();
    const type = build(sleep);
    server.fail({ status: 503 }, { status: 500 });
    const p = props(type, { url: `${server.url}/things`, retry_delay_ms: 100 });
    await type.create({ ...ctx(), properties: p, setPhysicalId: noPhysicalId });
    expect(waits).toEqual([100, 200]);

    waits.length = 0;
    server.fail({ status: 502 }, { status: 502 }, { status: 502 });
    const twice = props(type, { url: `${server.url}/things`, retries: 2, retry_delay_ms: 100 });
    const error = await type.create({ ...ctx(), properties: twice, setPhysicalId: noPhysicalId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceError);
    expect(error).not.toBeInstanceOf(RetryableError);
    expect((error as Error).message).toMatch(/POST .*\/things answered 502 .*gave up after 3 attempts/);
    expect(waits).toEqual([100, 200]);
  });

  it("does not retry other client errors, nor past max_retry_delay_ms or the deadline", async () => {
    const { sleep, waits } = fakeSleep();
    const type = build(sleep, () => 1_000_000);
    server.fail({ status: 400, body: { error: "bad name" } });
    const p = props(type, { url: `${server.url}/things` });
    await expect(type.create({ ...ctx(), properties: p, setPhysicalId: noPhysicalId })).rejects.toThrow(/answered 400 Bad Request: \{"error":"bad name"\}$/);
    server.fail({ status: 429, headers: { "retry-after": "120" } });
    await expect(type.create({ ...ctx(), properties: p, setPhysicalId: noPhysicalId })).rejects.toThrow(/asks to retry after 120 s, more than max_retry_delay_ms/);
    server.fail({ status: 503 });
    await expect(type.create({ ...ctx({ deadline: 1_000_100 }), properties: p, setPhysicalId: noPhysicalId })).rejects.toThrow(/a retry would pass the deadline/);
    expect(waits).toEqual([]);
  });

  it("times out a request that does not answer, and retries it", async () => {
    const { sleep, waits } = fakeSleep();
    const type = build(sleep);
    const p = props(type, { url: `${server.url}/hang`, timeout_ms: 50, retries: 1, retry_delay_ms: 10 });
    await expect(type.create({ ...ctx(), properties: p, setPhysicalId: noPhysicalId })).rejects.toThrow(/POST .*\/hang timed out after 50 ms \(gave up after 2 attempts\)/);
    expect(waits).toEqual([10]);
  });

  it("stops at once when the operation aborts, during a request or a retry wait", async () => {
    const type = build();
    const p = props(type, { url: `${server.url}/hang` });
    const controller = new AbortController();
    const pending = type.create({ ...ctx({ signal: controller.signal }), properties: p, setPhysicalId: noPhysicalId });
    while (server.hanging() === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error("cancelled"));
    await expect(pending).rejects.toBeInstanceOf(AbortedError);

    const waiting = new AbortController();
    server.fail({ status: 503 });
    const slow = props(type, { url: `${server.url}/things`, retry_delay_ms: 3_600_000, max_retry_delay_ms: 3_600_000 });
    const retrying = type.create({ ...ctx({ signal: waiting.signal }), properties: slow, setPhysicalId: noPhysicalId });
    while (server.requests.length === 0 || server.requests.at(-1)?.path !== "/things") await new Promise((resolve) => setImmediate(resolve));
    waiting.abort(new Error("cancelled"));
    await expect(retrying).rejects.toBeInstanceOf(AbortedError);
  });

  it("validates its properties when the template is compiled", () => {
    const engine = createEngine({ runtime: createMemoryRuntime({ mode: "manual" }), types: [build()], logger: silentLogger });
    const compile = (properties: Record<string, unknown>) => () =>
      engine.validateTemplate({ resources: { api: { type: "converge:http:Resource", properties } } });
    expect(compile({ url: "ftp://x" })).toThrow(/resources\.api\.properties\.url: url must be an http\(s\) URL/);
    expect(compile({ url: "http://x", item_url: "http://x/items" })).toThrow(/item_url must contain \{id\}/);
    expect(compile({ url: "http://x", headers: { "bad header": "v" } })).toThrow(TemplateValidationError);
    expect(compile({ url: "http://x", id_path: "a[" })).toThrow(/must be a JSON path/);
    expect(compile({ url: "http://x", update_method: "POST" })).toThrow(TemplateValidationError);
    expect(compile({ url: "http://x", retries: "2", timeout_ms: "1000" })).not.toThrow();
  });

  it("builds item URLs and drift projections", () => {
    expect(itemUrlOf({ url: "http://h/a/", item_url: undefined }, "x/y")).toBe("http://h/a/x%2Fy");
    expect(itemUrlOf({ url: "http://h/a", item_url: "http://h/b/{id}/c" }, "1")).toBe("http://h/b/1/c");
    expect(projectOnto({ a: 1, b: { c: 2, d: 3 }, e: 4 }, { a: 0, b: { c: 0 }, f: 0 })).toEqual({ a: 1, b: { c: 2 } });
    expect(projectOnto([1], { a: 1 })).toEqual([1]);
  });

  it("rejects bad options, naming the field", () => {
    expect(() => createHttpResourceType({ fetch: "no" as never })).toThrow(/invalid option "fetch"/);
    expect(() => createHttpResourceType({ retries: 3 } as never)).toThrow(/invalid option "retries"/);
  });
});

describe("converge:http:Resource in a stack", () => {
  it("creates, updates in place, replaces on a url change and deletes, with get_attr on extracted values", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = createEngine({ runtime, types: [build()], logger: silentLogger });
    const template = (collection: string, name: string) => ({
      heat_template_version: "2018-08-31",
      resources: {
        api: { type: "converge:http:Resource", properties: { url: `${server.url}/${collection}`, body: { name }, attributes: { name: "name" }, token: "stack-token" } },
      },
      outputs: { id: { value: { get_resource: "api" } }, name: { value: { get_attr: ["api", "attributes", "name"] } } },
    });
    await engine.createStack("web", template("users", "ada"));
    await runtime.runUntilIdle();
    let stack = await engine.getStack("web");
    expect(stack.state).toBe("CREATE_COMPLETE");
    expect(stack.outputs).toEqual({ id: "users-1", name: "ada" });
    const [row] = await engine.listResources("web");
    expect(row?.properties.token).toBe("******");

    await engine.updateStack("web", template("users", "grace"));
    await runtime.runUntilIdle();
    stack = await engine.getStack("web");
    expect(stack.outputs).toEqual({ id: "users-1", name: "grace" });
    expect(server.items.get("users")?.get("users-1")).toEqual({ name: "grace", id: "users-1" });

    expect((await engine.previewUpdate("web", template("admins", "grace"))).resources[0]?.action).toBe("replace");
    await engine.updateStack("web", template("admins", "grace"));
    await runtime.runUntilIdle();
    stack = await engine.getStack("web");
    expect(stack.state).toBe("UPDATE_COMPLETE");
    expect(stack.outputs.id).toBe("admins-2");
    expect([...(server.items.get("users")?.keys() ?? [])]).toEqual([]);
    const post = server.requests.findIndex((r) => r.method === "POST" && r.path === "/admins");
    const del = server.requests.findIndex((r) => r.method === "DELETE" && r.path === "/users/users-1");
    expect(post).toBeGreaterThan(0);
    expect(del).toBeGreaterThan(post);

    await engine.deleteStack("web");
    await runtime.runUntilIdle();
    expect(await engine.listStacks()).toEqual([]);
    expect([...(server.items.get("admins")?.keys() ?? [])]).toEqual([]);
    const events = await runtime.store.readEvents(stack.id, null);
    expect(events.length).toBeGreaterThan(10);
    expect(JSON.stringify(events)).not.toContain("stack-token");
  });
});

describe("converge:http:Resource and idempotency", () => {
  it("makes one item when a crash interrupts a create, because the server honours Idempotency-Key", async () => {
    const check = resourceTypeContractChecks(build(), { create: { url: `${server.url}/items`, body: { n: 1 } } }).find((c) => c.name === CONTRACT_CHECKS.idempotentCreate);
    await check?.run();
    expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(2);
    expect([...(server.items.get("items")?.keys() ?? [])]).toEqual([]);
  });

  it("makes two when the key does not reach the server, and the contract kit says so", async () => {
    const dropKey = createHttpResourceType({
      fetch: (url, init) => {
        const headers = { ...(init.headers as Record<string, string>) };
        delete headers["idempotency-key"];
        return globalThis.fetch(url, { ...init, headers });
      },
    });
    const check = resourceTypeContractChecks(dropKey, { create: { url: `${server.url}/items`, body: { n: 1 } } }).find((c) => c.name === CONTRACT_CHECKS.idempotentCreate);
    const error = await check?.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginContractError);
    expect((error as Error).message).toMatch(/create ran 2 times and made 2 resources/);
    expect([...(server.items.get("items")?.keys() ?? [])]).toEqual([]);
  });
});
