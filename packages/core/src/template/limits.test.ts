import { describe, expect, it } from "vitest";
import { ErrorCode, ParameterError, TemplateNestingError, TemplateSyntaxError, TemplateValidationError } from "../errors.js";
import { compileTemplate } from "./compile.js";
import { findJsonStructureProblem } from "./json-structure.js";
import { MAX_TEMPLATE_DEPTH, checkNesting } from "./nesting.js";
import { parseTemplate } from "./parse.js";
import { resolveValue } from "./resolve.js";
import { testTypes, thrownBy } from "../../test/support/template-fixtures.js";

const ANY = "test:misc:Anything";

/** `inner` wrapped in `depth` lists. */
function lists(depth: number, inner: unknown = 1): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** `list_join` nested `depth` times. */
function functions(depth: number): unknown {
  let value: unknown = "x";
  for (let i = 0; i < depth; i++) value = { list_join: [",", [value]] };
  return value;
}

function nestingError(fn: () => unknown): TemplateNestingError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(TemplateNestingError);
  expect(error).toBeInstanceOf(TemplateValidationError);
  const nesting = error as TemplateNestingError;
  expect(nesting.code).toBe(ErrorCode.TEMPLATE_TOO_DEEP);
  expect(nesting.limit).toBe(MAX_TEMPLATE_DEPTH);
  expect(nesting.message).toContain(String(MAX_TEMPLATE_DEPTH));
  return nesting;
}

const compile = (template: unknown, parameters?: Record<string, unknown>) => compileTemplate(template, { types: testTypes, parameters });
const withProperty = (value: unknown) => ({ resources: { a: { type: ANY, properties: { v: value } } } });
// The template is level 1, resources 2, a 3, properties 4: the property value is level 5.
const propertyPath = (depth: number) => ["resources.a.properties.v", ...Array.from({ length: depth }, () => "0")].join(".");

describe("nesting limit", () => {
  it("compiles a template exactly at the limit and resolves it", () => {
    const value = lists(MAX_TEMPLATE_DEPTH - 4);
    const compiled = compile(withProperty(value));
    expect(resolveValue(compiled.resources.a?.properties.v, { getResource: () => undefined, getAttr: () => undefined })).toEqual(value);
  });

  it.each([
    ["lists 2,000 deep", lists(2000)],
    ["lists 20,000 deep", lists(20_000)],
    ["one level past the limit", lists(MAX_TEMPLATE_DEPTH - 3)],
  ])("rejects a property of %s at the path where the limit is hit", (_label, value) => {
    expect(nestingError(() => compile(withProperty(value))).path).toBe(propertyPath(MAX_TEMPLATE_DEPTH - 4));
  });

  it("rejects functions 1,000 deep", () => {
    const error = nestingError(() => compile(withProperty(functions(1000))));
    expect(error.path).toMatch(/^resources\.a\.properties\.v\.list_join\.1\.0\.list_join/);
  });

  it("rejects deep outputs, parameter defaults, conditions and metadata", () => {
    const deep = lists(2000);
    expect(nestingError(() => compile({ outputs: { o: { value: deep } } })).path).toMatch(/^outputs\.o\.value\.0\.0/);
    expect(nestingError(() => compile({ parameters: { p: { type: "json", default: deep } } })).path).toMatch(/^parameters\.p\.default\.0/);
    expect(nestingError(() => compile({ conditions: { c: { not: lists(500, true) } } })).path).toMatch(/^conditions\.c\.not\.0/);
    expect(nestingError(() => compile({ resources: { a: { type: ANY, metadata: deep } } })).path).toMatch(/^resources\.a\.metadata\.0/);
  });

  it("rejects deep parameter values, given as data or as JSON text", () => {
    const template = { parameters: { p: { type: "json" } } };
    expect(nestingError(() => compile(template, { p: lists(2000) })).path).toMatch(/^parameters\.p\.0\.0/);
    const text = "[".repeat(2000) + "]".repeat(2000);
    const error = thrownBy(() => compile(template, { p: text }));
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).path).toBe("parameters.p");
    expect((error as ParameterError).message).toMatch(/nested more than 100 levels/);
  });

  it("checks deep values iteratively, with the path of the first container past the limit", () => {
    expect(() => checkNesting(lists(1_000_000), "x", 3)).toThrow(TemplateNestingError);
    expect(nestingError(() => checkNesting({ a: [1, { b: lists(200) }] }, "root")).path).toBe(`root.a.1.b${".0".repeat(97)}`);
  });

  it("parses JSON 2,000 deep into a nesting error with line and column", () => {
    const text = `{"resources": {"a": {"type": "${ANY}", "properties": {"v": ${"[".repeat(2000)}${"]".repeat(2000)}}}}}`;
    const error = nestingError(() => parseTemplate(text));
    expect(error.path).toBe(propertyPath(MAX_TEMPLATE_DEPTH - 4));
    expect(error.line).toBe(1);
    expect(error.column).toBe(text.indexOf("[") + MAX_TEMPLATE_DEPTH - 4 + 1);
  });

  it("parses YAML nested too deep (flow or block) into a nesting error", () => {
    const flow = `resources:\n  a:\n    type: ${ANY}\n    properties:\n      v: ${"[".repeat(2000)}${"]".repeat(2000)}\n`;
    nestingError(() => parseTemplate(flow, "yaml"));
    const shallow = `resources:\n  a:\n    properties:\n      v: ${"[".repeat(150)}${"]".repeat(150)}\n`;
    expect(nestingError(() => parseTemplate(shallow, "yaml")).path).toBe(propertyPath(MAX_TEMPLATE_DEPTH - 4));
    // Aliases multiply depth: each anchor nests the previous one 45 levels deeper (135 in all).
    const anchors = Array.from({ length: 3 }, (_, i) => `a${i}: &a${i} ${"[".repeat(45)}${i === 0 ? "1" : `*a${i - 1}`}${"]".repeat(45)}`);
    nestingError(() => parseTemplate(`${anchors.join("\n")}\n`, "yaml"));
    const block = Array.from({ length: 300 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + " 1\n";
    expect(nestingError(() => parseTemplate(block, "yaml")).path).toMatch(/^k0\.k1\.k2/);
  });
});

describe("duplicate JSON keys", () => {
  function duplicate(text: string): TemplateSyntaxError {
    const error = thrownBy(() => parseTemplate(text, "json"));
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    return error as TemplateSyntaxError;
  }

  it("are a syntax error with the path, line and column, as in YAML", () => {
    const error = duplicate('{\n  "resources": {\n    "a": {"type": "x"},\n    "a": {"type": "y"}\n  }\n}');
    expect(error.message).toMatch(/duplicate key at resources\.a/);
    expect([error.line, error.column]).toEqual([4, 5]);
    expect(duplicate('{"a": [1, {"k": 1, "j": 2, "k": 3}]}').message).toMatch(/duplicate key at a\.1\.k/);
    expect(thrownBy(() => parseTemplate("a: 1\na: 2\n", "yaml"))).toBeInstanceOf(TemplateSyntaxError);
  });

  it("compare decoded keys, and only within one mapping", () => {
    expect(duplicate('{"a": 1, "\\u0061": 2}').message).toMatch(/duplicate key at a/);
    expect(parseTemplate('{"a": {"a": 1}, "b": {"a": 2}, "c": ["a", "a"], "d": "\\"a\\"", "\\"a\\"": 1}', "json")).toEqual({
      a: { a: 1 },
      b: { a: 2 },
      c: ["a", "a"],
      d: '"a"',
      '"a"': 1,
    });
  });

  it("handle __proto__ keys like any other", () => {
    const parsed = parseTemplate('{"resources": {"__proto__": {"type": "x"}, "b": {"type": "y"}}}', "json");
    expect(Object.keys(parsed.resources ?? {})).toEqual(["__proto__", "b"]);
    expect(duplicate('{"resources": {"__proto__": {"type": "x"}, "__proto__": {"type": "y"}}}').message).toMatch(/duplicate key at resources\.__proto__/);
  });

  it("are found among 20,000 resources, after many unique keys", () => {
    const resources = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`r${i}`, { type: ANY, properties: { v: i } }]));
    const text = JSON.stringify({ resources }).replace('"r19999":{"type":"test:misc:Anything","properties":{"v":19999}}', '"r19999":{"type":"a","type":"b"}');
    expect(duplicate(text).message).toMatch(/duplicate key at resources\.r19999\.type/);
    expect(Object.keys(parseTemplate(JSON.stringify({ resources }), "json").resources ?? {})).toHaveLength(20_000);
  });

  it("finds nothing in valid, unique JSON", () => {
    const text = '{"a": [{"b": "}", "c": "{\\"d\\": 1}"}, [], {}], "e": null}';
    expect(findJsonStructureProblem(text, JSON.parse(text), 10)).toBeNull();
  });
});

describe("names", () => {
  it.each([
    ["resources", { resources: { "": { type: ANY } } }, "resources."],
    ["outputs", { outputs: { "": { value: 1 } } }, "outputs."],
    ["parameters", { parameters: { "": { type: "string", default: "x" } } }, "parameters."],
    ["conditions", { conditions: { "": true } }, "conditions."],
  ])("reject an empty name in %s", (_section, template, path) => {
    const error = thrownBy(() => compile(template));
    expect(error).toBeInstanceOf(TemplateValidationError);
    expect((error as TemplateValidationError).path).toBe(path);
    expect((error as TemplateValidationError).message).toMatch(/name must not be empty/);
  });

  it.each(["a\nb", "tab\t", "nul\u0000", "del\u007f", "c1\u0085"])("reject a name with a control character (%j)", (name) => {
    for (const [section, decl] of [
      ["resources", { type: ANY }],
      ["outputs", { value: 1 }],
      ["parameters", { type: "string", default: "x" }],
      ["conditions", true],
    ] as const) {
      const error = thrownBy(() => compile({ [section]: { [name]: decl } }));
      expect(error).toBeInstanceOf(TemplateValidationError);
      expect((error as TemplateValidationError).path).toBe(`${section}.${JSON.stringify(name)}`);
      expect((error as TemplateValidationError).message).toMatch(/contains a control character/);
    }
  });

  it("accept other names, including non-ASCII ones", () => {
    expect(Object.keys(compile({ resources: { "web-1.a_b": { type: ANY }, "données": { type: ANY } } }).resources)).toEqual(["web-1.a_b", "données"]);
  });
});
