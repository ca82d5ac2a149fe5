import { describe, expect, it } from "vitest";
import { createRandom } from "../../memory/random.js";
import { jsonEqual } from "../plain-data.js";
import { UNKNOWN } from "../resolve.js";
import { compileProperty, expectCompileError, expectRunTimeError, resolveProperty } from "../../../test/support/template-fixtures.js";
import { LIST_CONCAT_UNIQUE } from "./collections.js";

const out = { get_attr: ["src", "out"] };

/** Heat's list_concat_unique loop, step by step (deleting while iterating), to compare against. */
function heatUnique(items: readonly unknown[]): unknown[] {
  const list = [...items];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const count = (): number => list.filter((x) => jsonEqual(x, item)).length;
    while (count() > 1) list.splice(list.findIndex((x) => jsonEqual(x, item)), 1);
  }
  return list;
}

describe("list_concat and list_concat_unique", () => {
  it("fold literal lists, skipping null ones", () => {
    expect(compileProperty({ list_concat: [["a", "b"], null, [{ k: 1 }], []] })).toEqual(["a", "b", { k: 1 }]);
    expect(compileProperty({ list_concat: [] })).toEqual([]);
    expect(compileProperty({ list_concat_unique: [["v1", "v2"], ["v2", "v3"]] })).toEqual(["v1", "v2", "v3"]);
    expect(compileProperty({ list_concat_unique: [["a", "b"], ["a", "c"]] })).toEqual(["b", "a", "c"]);
    expect(compileProperty({ list_concat_unique: [[{ a: 1, b: 2 }], [{ b: 2, a: 1 }]] })).toEqual([{ b: 2, a: 1 }]);
  });

  it("list_concat_unique keeps each item at its last occurrence, like Heat's loop wherever that loop removes every repeat", () => {
    const random = createRandom(7);
    let heatLeftRepeats = 0;
    for (let round = 0; round < 400; round++) {
      const items = Array.from({ length: Math.floor(random() * 9) }, () => ["a", "b", "c", 1, { k: 1 }][Math.floor(random() * 5)]);
      const ours = LIST_CONCAT_UNIQUE.evaluate([items]) as unknown[];
      expect(ours.every((x, i) => ours.findIndex((y) => jsonEqual(x, y)) === i), JSON.stringify(ours)).toBe(true);
      const heat = heatUnique(items);
      const heatUniqueResult = heat.every((x, i) => heat.findIndex((y) => jsonEqual(x, y)) === i);
      if (heatUniqueResult) expect(ours).toEqual(heat);
      else heatLeftRepeats++;
    }
    // Heat deletes while iterating, so a few inputs keep repeats there: ["b","a","c","a","d","b","c"] → [a, a, d, b, c].
    expect(heatLeftRepeats).toBeGreaterThan(0);
    expect(LIST_CONCAT_UNIQUE.evaluate([["b", "a", "c", "a", "d", "b", "c"]])).toEqual(["a", "d", "b", "c"]);
  });

  it("resolve at run time, with UNKNOWN for previews", () => {
    const compiled = compileProperty({ list_concat: [["a"], out] });
    expect(compiled).toEqual({ list_concat: [["a"], out] });
    expect(resolveProperty(compiled, ["b", "c"])).toEqual(["a", "b", "c"]);
    expect(resolveProperty(compiled, null)).toEqual(["a"]);
    expect(resolveProperty(compiled, UNKNOWN)).toBe(UNKNOWN);
    expect(resolveProperty(compileProperty({ list_concat_unique: out }), [["x"], ["x"]])).toEqual(["x"]);
  });

  it("reject items that are not lists", () => {
    expectCompileError({ list_concat: [["a"], "b"] }, /list_concat takes \[list, list, \.\.\.\]: argument 1 must be a list or null, got string/);
    expectCompileError({ list_concat_unique: "ab" }, /the argument must be a list, got string/);
    expectCompileError({ list_concat: [["a"], { map_merge: [{}] }] }, /argument 1 must be a list or null, got mapping/);
    expectCompileError({ list_concat: [["a"], { get_resource: "src" }] }, /argument 1 must be a list or null, but a function yielding a string is given/);
    expectRunTimeError({ list_concat: [out] }, { a: 1 }, /argument 0 must be a list or null, got mapping/);
  });
});

describe("filter", () => {
  it("folds: removes the values (compared as data), a null list stays null", () => {
    expect(compileProperty({ filter: [[3, "x"], [1, 2, 3, "x", { a: 1 }]] })).toEqual([1, 2, { a: 1 }]);
    expect(compileProperty({ filter: [[{ a: 1 }], [{ a: 1 }, { a: 2 }]] })).toEqual([{ a: 2 }]);
    expect(compileProperty({ filter: [null, [1, 2]] })).toEqual([1, 2]);
    expect(compileProperty({ filter: [[1], null] })).toBeNull();
  });

  it("resolves at run time", () => {
    const compiled = compileProperty({ filter: [[""], out] });
    expect(resolveProperty(compiled, ["a", "", "b"])).toEqual(["a", "b"]);
    expect(resolveProperty(compiled, UNKNOWN)).toBe(UNKNOWN);
  });

  it("rejects malformed calls", () => {
    expectCompileError({ filter: [[1]] }, /filter takes \[values to remove, list\]: the argument must be a list of 2 items, got 1/);
    expectCompileError({ filter: [1, [1]] }, /the values to remove must be a list or null, got number/);
    expectCompileError({ filter: [[1], "abc"] }, /the list must be a list or null, got string/);
    expectCompileError({ filter: out }, /must be written in the template/);
    expectRunTimeError({ filter: [[1], out] }, 7, /the list must be a list or null, got number/);
  });
});

describe("contains", () => {
  it("folds: membership in a list (as data) or a substring of a string", () => {
    expect(compileProperty({ contains: ["v1", ["v1", "v2"]] })).toBe(true);
    expect(compileProperty({ contains: [{ a: [1] }, [{ a: [1] }]] })).toBe(true);
    expect(compileProperty({ contains: [1, ["1"]] })).toBe(false);
    expect(compileProperty({ contains: ["neutron", { get_param: "services" }] }, { parameters: { services: { type: "comma_delimited_list", default: "nova,neutron" } } })).toBe(true);
    expect(compileProperty({ contains: ["ell", "hello"] })).toBe(true);
  });

  it("resolves at run time", () => {
    const compiled = compileProperty({ contains: ["b", out] });
    expect(resolveProperty(compiled, ["a", "b"])).toBe(true);
    expect(resolveProperty(compiled, ["a"])).toBe(false);
    expect(resolveProperty(compiled, UNKNOWN)).toBe(UNKNOWN);
  });

  it("rejects malformed calls", () => {
    expectCompileError({ contains: ["a"] }, /contains takes \[value, list or string\]: the argument must be a list of 2 items/);
    expectCompileError({ contains: ["a", { k: "a" }] }, /the sequence must be a list or a string, got mapping/);
    expectCompileError({ contains: [1, "a1"] }, /to look for a value in a string, the value must be a string, got number/);
    expectRunTimeError({ contains: ["a", out] }, 3, /the sequence must be a list or a string, got number/);
  });
});

describe("map_merge", () => {
  it("folds: later maps win, null maps are ignored, __proto__ stays a plain key", () => {
    expect(compileProperty({ map_merge: [{ k1: "v1", k2: "v2" }, { k1: "v2" }] })).toEqual({ k1: "v2", k2: "v2" });
    expect(compileProperty({ map_merge: [{}, null] })).toEqual({});
    const merged = compileProperty({ map_merge: [JSON.parse('{"__proto__": {"polluted": true}}'), { a: 1 }] }) as Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(["__proto__", "a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("resolves at run time", () => {
    const compiled = compileProperty({ map_merge: [{ a: 1, b: 1 }, out] });
    expect(resolveProperty(compiled, { b: 2 })).toEqual({ a: 1, b: 2 });
    expect(resolveProperty(compiled, UNKNOWN)).toBe(UNKNOWN);
  });

  it("rejects items that are not maps, and a result that reads as a function", () => {
    expectCompileError({ map_merge: [{ a: 1 }, ["b"]] }, /map_merge takes \[map, map, \.\.\.\]: argument 1 must be a mapping or null, got list/);
    expectCompileError({ map_merge: { a: 1 } }, /the argument must be a list, got mapping/);
    expectRunTimeError({ map_merge: [out] }, "x", /argument 0 must be a mapping or null, got string/);
  });
});

describe("map_replace", () => {
  it("folds: renames keys and replaces values", () => {
    expect(compileProperty({ map_replace: [{ k1: "v1", k2: "v2" }, { keys: { k1: "K1" }, values: { v2: "V2" } }] })).toEqual({ K1: "v1", k2: "V2" });
    expect(compileProperty({ map_replace: [{ a: 1, b: true, c: [1] }, { values: { "1": "one", true: "yes" } }] })).toEqual({ a: "one", b: "yes", c: [1] });
    expect(compileProperty({ map_replace: [{ a: 1 }, { keys: { a: 5 } }] })).toEqual({ "5": 1 });
    expect(compileProperty({ map_replace: [null, null] })).toEqual({});
    expect(compileProperty({ map_replace: [{ a: 1 }, { keys: { a: "a" } }] })).toEqual({ a: 1 });
  });

  it("rejects renamed keys that collide", () => {
    expectCompileError({ map_replace: [{ a: 1, b: 2 }, { keys: { a: "b" } }] }, /key "a" is renamed "b", which collides with a key of the map/);
    expectCompileError({ map_replace: [{ a: 1, b: 2 }, { keys: { a: "c", b: "c" } }] }, /key "b" is renamed "c", which collides with a key already in the result/);
    expectCompileError({ map_replace: [{ a: 1 }, { keys: { a: ["x"] } }] }, /the new name of key "a" must be a string or a number, got list/);
  });

  it("rejects a result that reads as an intrinsic function", () => {
    expectCompileError({ map_replace: [{ a: "x" }, { keys: { a: "get_resource" } }] }, /the result contains a mapping that reads as an intrinsic function/);
  });

  it("resolves at run time", () => {
    const compiled = compileProperty({ map_replace: [out, { keys: { a: "A" } }] });
    expect(resolveProperty(compiled, { a: 1, b: 2 })).toEqual({ A: 1, b: 2 });
    expect(resolveProperty(compiled, UNKNOWN)).toBe(UNKNOWN);
  });

  it("rejects malformed calls", () => {
    const takes = /map_replace takes \[map, \{ keys: map, values: map \}\]/;
    expectCompileError({ map_replace: [{ a: 1 }] }, takes);
    expectCompileError({ map_replace: [{ a: 1 }, { key: {} }] }, /the replacements has an unknown key "key" \(allowed: keys, values\)/);
    expectCompileError({ map_replace: [{ a: 1 }, { keys: [] }] }, /"keys" must be a mapping or null, got list/);
    expectCompileError({ map_replace: ["a", {}] }, /the map must be a mapping or null, got string/);
    expectRunTimeError({ map_replace: [out, {}] }, [1], /the map must be a mapping or null, got list/);
  });
});
