import { describe, it, expect } from "vitest";
import { TemplateSyntaxError, TemplateValidationError } from "../errors.js";
import { findJsonSyntaxProblem, lineColumnAt } from "./json-error-position.js";
import { parseTemplate } from "./parse.js";
import { thrownBy } from "../../test/support/template-fixtures.js";

function syntaxError(text: string, format?: "json" | "yaml" | "auto"): TemplateSyntaxError {
  const error = thrownBy(() => parseTemplate(text, format));
  expect(error).toBeInstanceOf(TemplateSyntaxError);
  return error as TemplateSyntaxError;
}

describe("parseTemplate", () => {
  it("reads YAML with the 1.2 core schema", () => {
    const t = parseTemplate(
      [
        "heat_template_version: 2018-08-31",
        "description: demo",
        "parameters:",
        "  flag: { type: string, default: yes }",
        "resources:",
        "  web:",
        "    type: test:compute:Server",
        "    properties:",
        "      image: { get_param: image }",
      ].join("\n"),
      "yaml",
    );
    expect(t.heat_template_version).toBe("2018-08-31");
    expect(t.parameters?.flag?.default).toBe("yes");
    expect(t.resources?.web?.properties).toEqual({ image: { get_param: "image" } });
  });

  it("reads JSON, and auto-detects it", () => {
    const text = '{ "resources": { "a": { "type": "x:y:Z" } } }';
    expect(parseTemplate(text, "json")).toEqual({ resources: { a: { type: "x:y:Z" } } });
    expect(parseTemplate(`  \n${text}`)).toEqual({ resources: { a: { type: "x:y:Z" } } });
    expect(parseTemplate("resources: {}\n")).toEqual({ resources: {} });
  });

  it("ignores a byte-order mark", () => {
    expect(parseTemplate('\ufeff{"outputs": {}}', "json")).toEqual({ outputs: {} });
  });

  it("reports a YAML syntax error with line and column", () => {
    const error = syntaxError('description: x\nresources: "a" b\n', "yaml");
    expect(error.line).toBe(2);
    expect(error.column).toBe(16);
    expect(error.path).toBe("");
    expect(error.message).toMatch(/line 2, column 16/);
    const tab = syntaxError("resources:\n\tweb: {}\n", "auto");
    expect([tab.line, tab.column]).toEqual([2, 1]);
    expect(tab.message).toMatch(/[Tt]ab/);
  });

  it("reports an unterminated YAML flow sequence", () => {
    const error = syntaxError("a: 1\nb: [1, 2\n", "yaml");
    expect([error.line, error.column]).toEqual([3, 1]);
  });

  it("reports duplicate YAML keys", () => {
    const error = syntaxError("resources: {}\nresources: {}\n", "yaml");
    expect([error.line, error.column]).toEqual([2, 1]);
    expect(error.message).toMatch(/unique/);
  });

  it("reports an unresolved YAML alias at the alias", () => {
    const error = syntaxError("outputs:\n  a: { value: *missing }\n", "yaml");
    expect([error.line, error.column]).toEqual([2, 15]);
  });

  it("reports a JSON syntax error with line and column", () => {
    const error = syntaxError('{\n  "a": 1,\n  "b": }\n', "json");
    expect([error.line, error.column]).toEqual([3, 8]);
    expect(error.message).toMatch(/expected a value/);
  });

  it("reports JSON trailing commas, early ends and trailing content", () => {
    expect([syntaxError('{"a": 1,}', "json").line, syntaxError('{"a": 1,}', "json").column]).toEqual([1, 9]);
    const early = syntaxError('{"a": [1,\n 2', "json");
    expect([early.line, early.column]).toEqual([2, 3]);
    expect(early.message).toMatch(/end of input/);
    const trailing = syntaxError("{} x", "auto");
    expect([trailing.line, trailing.column]).toEqual([1, 4]);
  });

  it("rejects a document that is not a mapping at path ''", () => {
    for (const [text, format] of [
      ["- a\n- b\n", "yaml"],
      ["", "yaml"],
      ["42", "json"],
    ] as const) {
      const error = thrownBy(() => parseTemplate(text, format));
      expect(error).toBeInstanceOf(TemplateValidationError);
      expect(error).not.toBeInstanceOf(TemplateSyntaxError);
      expect((error as TemplateValidationError).path).toBe("");
    }
  });
});

describe("findJsonSyntaxProblem", () => {
  it("accepts valid JSON", () => {
    for (const text of ['{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]}', " [] ", '"s"', "0"]) {
      expect(findJsonSyntaxProblem(text)).toBeNull();
    }
  });

  it("locates each kind of problem", () => {
    const at = (text: string): number | undefined => findJsonSyntaxProblem(text)?.offset;
    expect(at("{a: 1}")).toBe(1);
    expect(at('{"a" 1}')).toBe(5);
    expect(at("[01]")).toBe(2);
    expect(at('["\\x"]')).toBe(2);
    expect(at('["a\tb"]')).toBe(3);
    expect(at("[tru]")).toBe(1);
    expect(at("")).toBe(0);
    expect(at('"abc')).toBe(4);
  });

  it("maps offsets to 1-based lines and columns", () => {
    expect(lineColumnAt("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });
});
