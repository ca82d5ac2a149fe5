import { describe, expect, it } from "vitest";
import { INTRINSIC_FUNCTIONS, UNSUPPORTED_FUNCTIONS } from "../intrinsics.js";
import { kindOf } from "../plain-data.js";
import { invokeFunction } from "./definition.js";
import { ANY_KIND, NOTHING_PENDING, checkShape, slot, value } from "./shape.js";
import type { PendingKinds, Shape } from "./shape.js";
import { CONDITION_FUNCTIONS, FUNCTION_TABLE } from "./table.js";

/** One literal argument per function, to check what each yields. */
const SAMPLES: Record<string, readonly unknown[]> = {
  list_join: [[",", ["a", 1]]],
  str_replace: [{ template: "$a", params: { $a: [1] } }],
  str_replace_strict: [{ template: "$a", params: { $a: 1 } }],
  str_replace_vstrict: [{ template: "$a", params: { $a: 1 } }],
  str_split: [[",", "a,b"], [",", "a,b", 1], [",", null]],
  digest: [["md5", ""]],
  list_concat: [[["a"], null]],
  list_concat_unique: [[["a"], ["a"]]],
  filter: [[["a"], ["a", "b"]], [null, null]],
  contains: [["a", "abc"]],
  map_merge: [[{ a: 1 }, null]],
  map_replace: [[{ a: 1 }, { keys: { a: "b" } }]],
  repeat: [{ for_each: { x: ["1"] }, template: "x" }],
  equals: [[1, 1]],
  not: [true],
  and: [[true, false]],
  or: [[true, false]],
  "Fn::Select": [["1", ["a", "b"]], ["k", { k: [1] }], ["9", []], [0, null]],
  "Fn::Base64": ["text"],
  "Fn::MemberListToMap": [["Name", "Value", [".member.0.Name=a", ".member.0.Value=1"]], ["k", "v", []]],
};

describe("the function table", () => {
  it("defines every intrinsic except the five the compiler decides itself", () => {
    const specials = ["get_resource", "get_attr", "get_param", "get_file", "if"];
    expect([...specials, ...FUNCTION_TABLE.keys()].sort()).toEqual([...INTRINSIC_FUNCTIONS].sort());
    for (const name of INTRINSIC_FUNCTIONS) expect(UNSUPPORTED_FUNCTIONS.has(name), name).toBe(false);
    expect(CONDITION_FUNCTIONS).toEqual(["get_param", "contains", "equals", "not", "and", "or"]);
  });

  it("yields only the kinds each definition declares", () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...FUNCTION_TABLE.keys()].sort());
    for (const [name, fn] of FUNCTION_TABLE) {
      for (const arg of SAMPLES[name] ?? []) {
        const kind = kindOf(invokeFunction(fn, arg, "p"));
        expect(fn.yields, `${name} ${JSON.stringify(arg)} gave a ${kind}`).toContain(kind);
      }
    }
  });
});

describe("checkShape", () => {
  const pendingList: PendingKinds = (v) => (v === "PENDING_LIST" ? ["list"] : v === "PENDING_ANY" ? ANY_KIND : undefined);
  const shape: Shape = {
    form: "list",
    min: 1,
    items: [slot("the name", value(["string"], { test: (v) => (v === "" ? "must not be empty" : undefined) }))],
    rest: slot("item", { form: "mapping", fields: [slot("k", value(["number"]))], required: ["k"], nullable: true }),
  };

  it("accepts fitting arguments", () => {
    expect(checkShape(["n", { k: 1 }, null], shape, NOTHING_PENDING)).toBeUndefined();
    expect(checkShape(["n"], shape, NOTHING_PENDING)).toBeUndefined();
  });

  it("names the first position that does not fit", () => {
    expect(checkShape("n", shape, NOTHING_PENDING)).toBe("the argument must be a list, got string");
    expect(checkShape([], shape, NOTHING_PENDING)).toBe("the argument must be a list of at least 1 item, got 0");
    expect(checkShape([""], shape, NOTHING_PENDING)).toBe("the name must not be empty");
    expect(checkShape([3], shape, NOTHING_PENDING)).toBe("the name must be a string, got number");
    expect(checkShape(["n", { k: "1" }], shape, NOTHING_PENDING)).toBe('"k" must be a number, got string');
    expect(checkShape(["n", {}], shape, NOTHING_PENDING)).toBe('item 1 needs the key "k"');
    expect(checkShape(["n", { k: 1, j: 2 }], shape, NOTHING_PENDING)).toBe('item 1 has an unknown key "j" (allowed: k)');
  });

  it("lets a pending position pass when its call may yield an accepted kind", () => {
    expect(checkShape(["PENDING_ANY", "PENDING_ANY"], shape, pendingList)).toBeUndefined();
    expect(checkShape("PENDING_LIST", shape, pendingList)).toBeUndefined();
    expect(checkShape(["PENDING_LIST"], shape, pendingList)).toBe("the name must be a string, but a function yielding a list is given");
    expect(checkShape(["n", "PENDING_LIST"], shape, pendingList)).toBe("item 1 must be a mapping or null, but a function yielding a list is given");
    expect(checkShape("PENDING_ANY", { ...shape, literal: true }, pendingList)).toBe("the argument must be written in the template, not computed by a function");
  });
});
