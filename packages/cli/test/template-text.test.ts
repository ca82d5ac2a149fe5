/**
 * The CLI's fast template parsing gives exactly core's `parseTemplate` values and errors: the
 * fast path for plain YAML, core for JSON and for anything the fast path is unsure of.
 */
import { describe, expect, it } from "vitest";
import { MAX_TEMPLATE_DEPTH, TemplateNestingError, TemplateSyntaxError, parseTemplate } from "@converge/core";
import { isTreeWithin, parseTemplateText } from "../src/template-text.js";

/** What a parse gives: the value, or the error's class, message, path and position. */
function outcome(parse: () => unknown): unknown {
  try {
    return { value: parse() };
  } catch (error) {
    const e = error as Error & { path?: string; line?: number; column?: number };
    return { error: e.constructor.name, message: e.message, path: e.path, line: e.line, column: e.column };
  }
}

const same = (text: string): void => {
  expect(outcome(() => parseTemplateText(text))).toEqual(outcome(() => parseTemplate(text)));
};

describe("parseTemplateText", () => {
  it("reads YAML 1.2 core scalars, block and flow styles as core does", () => {
    same(
      [
        "heat_template_version: 2021-04-16",
        "description: >",
        "  folded",
        "  text",
        "parameters:",
        "  on: { type: boolean, default: yes }",
        "  n: { type: number, default: 0x1F }",
        "resources:",
        "  a:",
        "    type: T",
        "    properties:",
        "      literal: |",
        "        line 1",
        "          line 2",
        "      quoted: \"tab\\there \\u00e9\"",
        "      single: 'it''s'",
        "      list: [1, 2.5, -3, .inf, ~, null, true, False, 1e3, 0o14]",
        "      empty:",
        "      '<<': merge is a plain key in 1.2",
        "      date: 2018-08-31",
        "      __proto__: kept",
        "",
      ].join("\n"),
    );
    const template = parseTemplateText("resources:\n  a: { type: T, properties: { __proto__: 1 } }\n") as unknown as { resources: { a: { properties: object } } };
    expect(Object.keys(template.resources.a.properties)).toEqual(["__proto__"]);
  });

  it("strips a byte-order mark and reads JSON through core", () => {
    same('\ufeffresources:\n  a: {type: T}\n');
    same('{"resources": {"a": {"type": "T"}}}');
    same('{"a": 1, "a": 2}');
  });

  it("leaves errors to core, with their lines and columns", () => {
    for (const text of ['description: x\nresources: "a" b\n', "a: 1\nb: [1, 2\n", "a: 1\na: 2\n", "- 1\n- 2\n", "", "x: !Ref y\n"]) same(text);
    const error = (() => {
      try {
        parseTemplateText("a: 1\na: 2\n");
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect((error as TemplateSyntaxError).line).toBe(2);
  });

  it("leaves aliases of collections and deep nesting to core's limits", () => {
    same("base: &b {x: 1}\na: *b\nc: *b\n");
    same("s: &s word\nt: *s\n");
    const deep = `x: ${"[".repeat(MAX_TEMPLATE_DEPTH)}1${"]".repeat(MAX_TEMPLATE_DEPTH)}\n`;
    expect(() => parseTemplateText(deep)).toThrow(TemplateNestingError);
    same(deep);
    const laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    same(`${laughs.join("\n")}\n`);
  });

  it("isTreeWithin finds shared collections and depth past the limit", () => {
    const shared = { x: 1 };
    expect(isTreeWithin({ a: shared, b: shared }, 10)).toBe(false);
    expect(isTreeWithin({ a: { b: [1] } }, 3)).toBe(true);
    expect(isTreeWithin({ a: { b: [1] } }, 2)).toBe(false);
  });

  it("parses a 2,000-resource YAML template to the same value as core", () => {
    let text = "resources:\n";
    for (let i = 0; i < 2_000; i++) text += `  r${i}:\n    type: Test::Noop\n    properties: { name: item-${i}, size: ${i % 7} }\n`;
    expect(parseTemplateText(text)).toEqual(parseTemplate(text));
  });
});
