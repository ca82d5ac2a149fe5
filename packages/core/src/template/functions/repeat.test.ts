import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../resolve.js";
import { PROPERTY_PATH, compileProperty, expectCompileError, resolveProperty, validationError } from "../../../test/support/template-fixtures.js";

const out = { get_attr: ["src", "out"] };

describe("repeat", () => {
  it("renders the template once per item of one loop", () => {
    const rules = compileProperty(
      {
        repeat: {
          for_each: { "<%port%>": { get_param: "ports" } },
          template: { protocol: "tcp", port_range_min: "<%port%>", port_range_max: "<%port%>" },
        },
      },
      { parameters: { ports: { type: "comma_delimited_list", default: "80,443,8080" } } },
    );
    expect(rules).toEqual([
      { protocol: "tcp", port_range_min: "80", port_range_max: "80" },
      { protocol: "tcp", port_range_min: "443", port_range_max: "443" },
      { protocol: "tcp", port_range_min: "8080", port_range_max: "8080" },
    ]);
  });

  it("nests several loops, the first outermost, and replaces inside strings and keys", () => {
    expect(
      compileProperty({ repeat: { for_each: { "%p%": ["80", "443"], "%t%": ["tcp", "udp"] }, template: { "rule-%t%": "%t%/%p% on %p%" } } }),
    ).toEqual([{ "rule-tcp": "tcp/80 on 80" }, { "rule-udp": "udp/80 on 80" }, { "rule-tcp": "tcp/443 on 443" }, { "rule-udp": "udp/443 on 443" }]);
    expect(compileProperty({ repeat: { for_each: { X: ["a"] }, template: [1, null, true, "X"] } })).toEqual([[1, null, true, "a"]]);
  });

  it("walks the lists side by side without permutations", () => {
    expect(
      compileProperty({
        repeat: { for_each: { "<%sub%>": ["sub1", "sub2"], "<%net%>": ["net1", "net2"] }, template: { subnet: "<%sub%>", network: "<%net%>" }, permutations: false },
      }),
    ).toEqual([
      { subnet: "sub1", network: "net1" },
      { subnet: "sub2", network: "net2" },
    ]);
  });

  it("loops over a mapping's keys, and over nothing for null", () => {
    expect(compileProperty({ repeat: { for_each: { K: { a: 1, b: 2 } }, template: "key K" } })).toEqual(["key a", "key b"]);
    expect(compileProperty({ repeat: { for_each: { K: null, L: ["x"] }, template: "K L" } })).toEqual([]);
  });

  it("replaces the variables one after the other, in for_each order", () => {
    // "A" becomes "B" first, then every "B" (also the new one) becomes "c".
    expect(compileProperty({ repeat: { for_each: { A: ["B"], B: ["c"] }, template: "A B" } })).toEqual(["c c"]);
  });

  it("resolves loops known only at run time, with UNKNOWN for previews", () => {
    const compiled = compileProperty({ repeat: { for_each: { "%n%": out }, template: { name: "%n%", ref: { get_resource: "src" } } } });
    expect(resolveProperty(compiled, ["x", "y"])).toEqual([
      { name: "x", ref: "src-id" },
      { name: "y", ref: "src-id" },
    ]);
    expect(resolveProperty(compiled, UNKNOWN)).toBe(UNKNOWN);
    const error = validationError(() => resolveProperty(compiled, "x"));
    expect(error.path).toBe(PROPERTY_PATH);
    expect(error.message).toMatch(/the value of "%n%" must be a list, a mapping or null, got string/);
  });

  it("rejects malformed calls", () => {
    const takes = /repeat takes \{ for_each: \{ variable: list, \.\.\. \}, template: value, permutations: true or false \}/;
    expectCompileError({ repeat: [] }, takes);
    expectCompileError({ repeat: { template: "x" } }, /needs the key "for_each"/);
    expectCompileError({ repeat: { for_each: { X: ["a"] } } }, /needs the key "template"/);
    expectCompileError({ repeat: { for_each: { X: ["a"] }, template: "X", each: 1 } }, /unknown key "each"/);
    expectCompileError({ repeat: { for_each: {}, template: "x" } }, /for_each must give at least one loop variable/);
    expectCompileError({ repeat: { for_each: { "": ["a"] }, template: "x" } }, /a loop variable must not be empty/);
    expectCompileError({ repeat: { for_each: { X: "abc" }, template: "X" } }, /the value of "X" must be a list, a mapping or null, got string/);
    expectCompileError({ repeat: { for_each: ["X"], template: "X" } }, /"for_each" must be a mapping, got list/);
    expectCompileError({ repeat: { for_each: { X: ["a"] }, template: "X", permutations: "no" } }, /"permutations" must be a boolean, got string/);
    expectCompileError({ repeat: { for_each: { X: ["a"] }, template: "X", permutations: out } }, /"permutations" must be written in the template/);
    expectCompileError({ repeat: { for_each: { X: [1, 2] }, template: "port X" } }, /loop variable "X" must take string values to be put into the template, got number/);
  });

  it("rejects, without permutations, maps and lists of different lengths (as soon as they are known)", () => {
    expectCompileError({ repeat: { for_each: { X: ["a"], Y: ["b", "c"] }, template: "X", permutations: false } }, /the lists of for_each must have the same length/);
    expectCompileError({ repeat: { for_each: { X: { a: 1 } }, template: "X", permutations: false } }, /loop variable "X" must be a list, got mapping/);
    expectCompileError({ repeat: { for_each: { X: ["a"], Y: ["b", "c"], Z: out }, template: "X", permutations: false } }, /same length/);
  });

  it("keeps a template that is just a number as it is", () => {
    expect(compileProperty({ repeat: { for_each: { X: [1, 2] }, template: 7 } })).toEqual([7, 7]);
  });
});
