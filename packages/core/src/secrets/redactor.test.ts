import { describe, expect, it } from "vitest";
import { REDACTED, Redactor, secretLeaves } from "./redactor.js";
import { isSealedMarker, seal, sealMarker, unseal, unsealDeep } from "./seal.js";

const none = (): readonly string[] => [];

describe("Redactor", () => {
  it("replaces a secret inside strings, and short secrets only as whole values", () => {
    const r = new Redactor(["hunter22", "ab"], none);
    expect(r.text("user=bob pass=hunter22;")).toBe(`user=bob pass=${REDACTED};`);
    expect(r.text("ab")).toBe(REDACTED);
    expect(r.text("abc")).toBe("abc");
    expect(r.value({ list: ["x", "hunter22"], n: 1, nested: { s: "a-hunter22-b" } })).toEqual({ list: ["x", REDACTED], n: 1, nested: { s: `a-${REDACTED}-b` } });
  });

  it("replaces the longest secret first, numbers whole, and says which secrets a value holds", () => {
    const r = new Redactor(["secret", "secret-long", "4242"], none);
    expect(r.text("a secret-long b")).toBe(`a ${REDACTED} b`);
    expect(r.value(4242)).toBe(REDACTED);
    expect(r.secretsIn({ a: "x secret-long y", b: 4242, c: "none" }).sort()).toEqual(["4242", "secret", "secret-long"]);
  });

  it("redacts a type's secret properties whole and learns their values", () => {
    const r = new Redactor([], (type) => (type === "vault" ? ["token"] : []));
    expect(r.quiet("vault")).toBe(false);
    expect(r.quiet("other")).toBe(true);
    expect(r.properties("vault", { token: ["t0ken-value"], name: "n" })).toEqual({ token: REDACTED, name: "n" });
    r.learnProperties("vault", { token: "t0ken-value" });
    expect(r.text("login with t0ken-value failed")).toBe(`login with ${REDACTED} failed`);
  });

  it("lists the secret strings of a value: strings, a whole number, a list also joined, never booleans", () => {
    expect(secretLeaves(["a", "b"])).toEqual(["a", "b", "a,b"]);
    expect(secretLeaves({ k: 1, j: true, s: "str" })).toEqual(["str", '{"k":1,"j":true,"s":"str"}']);
    expect(secretLeaves(4242)).toEqual(["4242"]);
    expect(secretLeaves(true)).toEqual([]);
    expect(secretLeaves("")).toEqual([]);
  });
});

describe("seal", () => {
  it("round-trips values, never as the plain string", () => {
    const value = { password: "pl4in-text" };
    expect(seal(value)).not.toContain("pl4in-text");
    expect(unseal(seal(value))).toEqual(value);
    expect(isSealedMarker(sealMarker(1))).toBe(true);
    expect(unsealDeep({ a: [sealMarker("x")], b: 2 })).toEqual({ a: ["x"], b: 2 });
    expect(() => unseal("plain")).toThrow(SyntaxError);
  });
});
