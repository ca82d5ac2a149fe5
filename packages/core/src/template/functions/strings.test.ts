import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../resolve.js";
import { PROPERTY_PATH, compileProperty, expectCompileError, expectRunTimeError, resolveProperty } from "../../../test/support/template-fixtures.js";

const out = { get_attr: ["src", "out"] };

describe("str_split", () => {
  it("folds a literal call: the pieces, or the piece at an index (negative from the end)", () => {
    expect(compileProperty({ str_split: [",", "a,b,,c"] })).toEqual(["a", "b", "", "c"]);
    expect(compileProperty({ str_split: [",", "a,b,,c", 1] })).toBe("b");
    expect(compileProperty({ str_split: [",", "a,b,,c", "2"] })).toBe("");
    expect(compileProperty({ str_split: [",", "a,b,,c", -1] })).toBe("c");
    expect(compileProperty({ str_split: ["::", "x::y"] })).toEqual(["x", "y"]);
    expect(compileProperty({ str_split: [",", null] })).toBeNull();
    expect(compileProperty({ str_split: [",", { get_param: "csv" }, 1] }, { parameters: { csv: { type: "string", default: "p,q" } } })).toBe("q");
  });

  it("resolves at run time, and yields UNKNOWN over an unknown string", () => {
    const compiled = compileProperty({ str_split: [":", out, 0] });
    expect(compiled).toEqual({ str_split: [":", out, 0] });
    expect(resolveProperty(compiled, "db.local:5432")).toBe("db.local");
    expect(resolveProperty(compiled, UNKNOWN)).toBe(UNKNOWN);
    expect(resolveProperty(compileProperty({ str_split: [",", out] }), "a,b")).toEqual(["a", "b"]);
  });

  it("rejects malformed calls at the call, saying what it takes", () => {
    const takes = /str_split takes \[delimiter, string, index\]/;
    expectCompileError({ str_split: "a,b" }, takes);
    expectCompileError({ str_split: [","] }, /must be a list of 2 to 3 items, got 1/);
    expectCompileError({ str_split: [",", "a", 0, 1] }, /2 to 3 items, got 4/);
    expectCompileError({ str_split: [1, "a"] }, /the delimiter must be a string, got number/);
    expectCompileError({ str_split: ["", "a"] }, /the delimiter must not be empty/);
    expectCompileError({ str_split: [",", 12] }, /the string must be a string or null, got number/);
    expectCompileError({ str_split: [",", "a", 1.5] }, /the index must be an integer/);
    expectCompileError({ str_split: [",", "a", "one"] }, /the index must be an integer/);
    expectCompileError({ str_split: [",", "a", true] }, /the index must be a number or a string, got boolean/);
    expectCompileError({ str_split: [",", "a,b", 2] }, /the index 2 is out of range: the string has 2 pieces \(0 to 1\)/);
    expectCompileError({ str_split: [",", "a,b", -3] }, /out of range/);
    expectCompileError({ tags: [{ str_split: [",", "a", "x"] }] }, takes, `${PROPERTY_PATH}.tags.0`);
  });

  it("checks the known parts of a call left for run time", () => {
    expectCompileError({ str_split: [",", out, "x"] }, /the index must be an integer/);
    expect(compileProperty({ str_split: [{ get_resource: "src" }, out] })).toEqual({ str_split: [{ get_resource: "src" }, out] });
    expectCompileError({ str_split: [",", { list_concat: [["a"], out] }] }, /the string must be a string or null, but a function yielding a list is given/);
    expectCompileError({ str_split: out }, /the argument must be written in the template/);
  });

  it("fails at run time on what only then is wrong", () => {
    expectRunTimeError({ str_split: [",", out] }, 5, /str_split takes .*the string must be a string or null, got number/);
    expectRunTimeError({ str_split: [",", out, 3] }, "a,b", /out of range/);
  });
});

describe("digest", () => {
  const abc: Record<string, string> = {
    md5: "900150983cd24fb0d6963f7d28e17f72",
    sha1: "a9993e364706816aba3e25717850c26c9cd0d89d",
    sha224: "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
    sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    sha384: "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    sha512: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
  };

  it("folds every algorithm (case-insensitive) to the hex digest", () => {
    for (const [algorithm, hex] of Object.entries(abc)) {
      expect(compileProperty({ digest: [algorithm, "abc"] })).toBe(hex);
      expect(compileProperty({ digest: [algorithm.toUpperCase(), "abc"] })).toBe(hex);
    }
  });

  it("hashes the Latin-1 bytes, as Heat does, and rejects other characters", () => {
    const latin1 = createHash("md5").update(Buffer.from([0x63, 0x61, 0x66, 0xe9])).digest("hex");
    expect(compileProperty({ digest: ["md5", "café"] })).toBe(latin1);
    expect(latin1).not.toBe(createHash("md5").update("café", "utf8").digest("hex"));
    expectCompileError({ digest: ["md5", "5€"] }, /the value must contain only Latin-1 characters/);
  });

  it("resolves at run time (also a whole argument computed at run time), with UNKNOWN for previews", () => {
    const compiled = compileProperty({ digest: ["sha256", out] });
    expect(resolveProperty(compiled, "abc")).toBe(abc.sha256);
    expect(resolveProperty(compiled, UNKNOWN)).toBe(UNKNOWN);
    expect(resolveProperty(compileProperty({ digest: out }), ["md5", "abc"])).toBe(abc.md5);
  });

  it("rejects malformed calls", () => {
    expectCompileError({ digest: ["sha3_256", "abc"] }, /digest takes \[algorithm \(md5, sha1, sha224, sha256, sha384, sha512\), value\]: the algorithm must be one of/);
    expectCompileError({ digest: ["md5"] }, /a list of 2 items, got 1/);
    expectCompileError({ digest: ["md5", 42] }, /the value must be a string, got number/);
    expectCompileError({ digest: "md5" }, /the argument must be a list, got string/);
    expectCompileError({ digest: ["nope", out] }, /the algorithm must be one of/);
    expectRunTimeError({ digest: ["md5", out] }, { a: 1 }, /the value must be a string, got mapping/);
  });
});

describe("str_replace_strict and str_replace_vstrict", () => {
  it("replace like str_replace when every param occurs (and is non-empty)", () => {
    for (const fn of ["str_replace_strict", "str_replace_vstrict"]) {
      expect(compileProperty({ [fn]: { template: "$A-$B-$A", params: { $A: 1, $B: "x" } } })).toBe("1-x-1");
    }
    expect(compileProperty({ str_replace_strict: { template: "[$E]", params: { $E: "" } } })).toBe("[]");
  });

  it("str_replace_strict rejects a param the template lacks (one only inside a longer one counts as missing)", () => {
    expectCompileError({ str_replace_strict: { template: "$A", params: { $A: 1, $C: 2 } } }, /params not found in the template: "\$C"/);
    expectCompileError(
      { str_replace_strict: { template: "$HOST_PORT", params: { $HOST_PORT: 1, $HOST: 2 } } },
      /str_replace_strict takes .*params not found in the template: "\$HOST"$/,
    );
    expect(compileProperty({ str_replace: { template: "$A", params: { $A: 1, $C: 2 } } })).toBe("1");
  });

  it("str_replace_vstrict rejects null and empty params", () => {
    for (const empty of [null, "", [], {}]) {
      expectCompileError({ str_replace_vstrict: { template: "$A", params: { $A: empty } } }, /param "\$A" has an empty value/);
    }
    expect(compileProperty({ str_replace_vstrict: { template: "$A", params: { $A: 0 } } })).toBe("0");
  });

  it("check the known params at compile time even when a value is left for run time", () => {
    expectCompileError({ str_replace_strict: { template: "$A", params: { $A: out, $B: "b" } } }, /not found in the template: "\$B"/);
    expectCompileError({ str_replace_vstrict: { template: "$A $B", params: { $A: out, $B: "" } } }, /param "\$B" has an empty value/);
  });

  it("resolve at run time, failing on an empty value known only then, and yield UNKNOWN in previews", () => {
    const compiled = compileProperty({ str_replace_vstrict: { template: "host=$H", params: { $H: out } } });
    expect(resolveProperty(compiled, "db")).toBe("host=db");
    expect(resolveProperty(compiled, UNKNOWN)).toBe(UNKNOWN);
    expectRunTimeError({ str_replace_vstrict: { template: "host=$H", params: { $H: out } } }, "", /param "\$H" has an empty value/);
  });

  it("reject the shapes str_replace rejects", () => {
    expectCompileError({ str_replace_strict: { template: "x" } }, /needs the key "params"/);
    expectCompileError({ str_replace_vstrict: { template: "x", params: {}, extra: 1 } }, /unknown key "extra"/);
    expectCompileError({ str_replace_strict: { template: "x", params: { "": 1 } } }, /a placeholder must not be empty/);
  });
});

describe("list_join and str_replace with values known at run time", () => {
  it("accept a delimiter or params computed at run time (as Heat does)", () => {
    expect(resolveProperty(compileProperty({ list_join: [out, ["a", "b"]] }), "-")).toBe("a-b");
    expect(resolveProperty(compileProperty({ str_replace: { template: "$x!", params: out } }), { $x: "hi" })).toBe("hi!");
    expectCompileError({ str_replace: { template: "$x", params: { get_resource: "src" } } }, /"params" must be a mapping, but a function yielding a string is given/);
  });
});
