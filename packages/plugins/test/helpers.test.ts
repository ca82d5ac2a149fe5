import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { physicalResourceName, shortId, stableUuid } from "@converge/plugins";
import { getJsonPath, parseJsonPath } from "../src/http/json-path.js";
import { heatBoolean, heatInteger, heatNumber, heatString } from "../src/heat/heat-schema.js";
import { mergePatch } from "../src/http/merge-patch.js";
import { parseRetryAfter } from "../src/http/retry-after.js";
import { retryDelay } from "../src/http/http-retry.js";

describe("Heat property conversions", () => {
  const parse = (schema: z.ZodType, v: unknown): unknown => {
    const r = schema.safeParse(v);
    return r.success ? r.data : `error: ${r.error.issues[0]?.message}`;
  };
  it("converts as Heat does and names what it expected", () => {
    expect(parse(heatString(), 42)).toBe("42");
    expect(parse(heatString(), false)).toBe("false");
    expect(parse(heatString(), [1])).toBe("error: must be a string, got a list");
    expect(parse(heatNumber(), " 2.5e1 ")).toBe(25);
    expect(parse(heatNumber(), "1,5")).toBe('error: must be a number, got string "1,5"');
    expect(parse(heatNumber(), Number.NaN)).toMatch(/^error: must be a number/);
    expect(parse(heatInteger(), "-3")).toBe(-3);
    expect(parse(heatInteger(), 1.5)).toBe("error: must be an integer, got number 1.5");
    for (const t of ["true", "Yes", "ON", "1", "y", "t", 1]) expect(parse(heatBoolean(), t)).toBe(true);
    for (const f of ["false", "No", "off", "0", "n", "F", 0]) expect(parse(heatBoolean(), f)).toBe(false);
    expect(parse(heatBoolean(), "2")).toMatch(/^error: must be a boolean/);
    expect(parse(heatBoolean(), undefined)).toBe("error: must be a boolean (true/false, yes/no, on/off, 1/0), got nothing");
    expect(parse(heatBoolean().default(false), undefined)).toBe(false);
  });
});

describe("JSON paths", () => {
  const doc = { id: 1, data: { items: [{ id: "a" }, { id: "b" }], "x-id": "q" } };
  it.each<[string, unknown]>([
    ["id", 1],
    ["$.id", 1],
    ["data.items[1].id", "b"],
    ["data.items.0.id", "a"],
    ['data["x-id"]', "q"],
    ["data['x-id']", "q"],
    ["data.missing.id", undefined],
    ["data.items[5]", undefined],
    ["$", doc],
  ])("reads %s", (path, expected) => {
    expect(getJsonPath(doc, path)).toEqual(expected);
  });
  it("rejects malformed paths", () => {
    expect(() => parseJsonPath("a[")).toThrow(/malformed JSON path/);
    expect(() => parseJsonPath("a..b")).toThrow(/malformed JSON path/);
    expect(parseJsonPath('a[0]["b.c"]')).toEqual(["a", 0, "b.c"]);
  });
});

describe("Retry-After and backoff", () => {
  it("reads delay-seconds and HTTP dates", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7_000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
  it("doubles the backoff, caps it, and never waits less than Retry-After", () => {
    const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 350 };
    expect([1, 2, 3, 4].map((n) => retryDelay(policy, n, undefined))).toEqual([100, 200, 350, 350]);
    expect(retryDelay(policy, 1, 2_000)).toBe(2_000);
  });
});

describe("merge patches", () => {
  it("sends changes, additions and removals (as null), recursing into objects", () => {
    expect(mergePatch({ a: 1, b: { c: 1, d: 2 }, e: [1], f: 1 }, { a: 1, b: { c: 2, d: 2 }, e: [1, 2], g: null })).toEqual({ b: { c: 2 }, e: [1, 2], g: null, f: null });
    expect(mergePatch([1], { a: 1 })).toEqual({ a: 1 });
    expect(mergePatch({ a: 1 }, { a: 1 })).toEqual({});
  });
});

describe("physical names", () => {
  it("are Heat-shaped and stable per idempotency key", () => {
    const ctx = { stackName: "web", resourceName: "db", idempotencyKey: "s:1" };
    expect(physicalResourceName(ctx)).toMatch(/^web-db-[a-z2-7]{12}$/);
    expect(physicalResourceName(ctx)).toBe(physicalResourceName({ ...ctx }));
    expect(shortId("a")).not.toBe(shortId("b"));
    expect(stableUuid("k")).toBe(stableUuid("k"));
    expect(stableUuid("k")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
