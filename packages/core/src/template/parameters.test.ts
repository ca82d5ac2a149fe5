import { describe, it, expect } from "vitest";
import { ParameterError, TemplateValidationError } from "../errors.js";
import { compileTemplate } from "./compile.js";
import { openSealedProperties, templateSecrets } from "../secrets/template-secrets.js";
import { coerceParameterValue } from "./parameter-coercion.js";
import { testTypes, thrownBy } from "../../test/support/template-fixtures.js";
import type { ParameterType } from "./types.js";

/** Compile a template with one parameter `p` and return p's substituted value. */
function bind(decl: Record<string, unknown>, value?: unknown): unknown {
  const compiled = compileTemplate(
    { parameters: { p: decl }, outputs: { v: { value: { get_param: "p" } } } },
    { types: testTypes, parameters: value === undefined ? {} : { p: value } },
  );
  return compiled.outputs.v?.value;
}

/** The error of binding `value` to parameter `p`, checked for class and path. */
function bindError(decl: Record<string, unknown>, value: unknown, path = "parameters.p"): ParameterError {
  const error = thrownBy(() => bind(decl, value));
  expect(error).toBeInstanceOf(ParameterError);
  expect((error as ParameterError).path).toBe(path);
  return error as ParameterError;
}

/** The template error of a bad declaration, checked for class and path. */
function declarationError(decl: unknown, path: string): TemplateValidationError {
  const error = thrownBy(() => compileTemplate({ parameters: { p: decl } }, { types: testTypes, parameters: { p: "x" } }));
  expect(error).toBeInstanceOf(TemplateValidationError);
  expect(error).not.toBeInstanceOf(ParameterError);
  expect((error as TemplateValidationError).path).toBe(path);
  return error as TemplateValidationError;
}

describe("parameter coercion", () => {
  const coerce = (type: ParameterType, value: unknown): unknown => {
    const r = coerceParameterValue(type, value);
    return r.ok ? r.value : `error: ${r.message}`;
  };

  it("coerces numbers from numeric strings", () => {
    expect(coerce("number", "3")).toBe(3);
    expect(coerce("number", " 2.5 ")).toBe(2.5);
    expect(coerce("number", 7)).toBe(7);
    expect(coerce("number", "abc")).toMatch(/^error/);
    expect(coerce("number", "")).toMatch(/^error/);
    expect(coerce("number", true)).toMatch(/^error/);
  });

  it("coerces booleans like Heat", () => {
    for (const word of ["true", "yes", "on", "1", "TRUE", "Yes"]) expect(coerce("boolean", word)).toBe(true);
    for (const word of ["false", "no", "off", "0", "False"]) expect(coerce("boolean", word)).toBe(false);
    expect(coerce("boolean", 1)).toBe(true);
    expect(coerce("boolean", false)).toBe(false);
    expect(coerce("boolean", "maybe")).toMatch(/^error/);
  });

  it("coerces comma-delimited lists from strings (trimmed) and lists", () => {
    expect(coerce("comma_delimited_list", "a, b ,c")).toEqual(["a", "b", "c"]);
    expect(coerce("comma_delimited_list", "")).toEqual([]);
    expect(coerce("comma_delimited_list", ["x", "y"])).toEqual(["x", "y"]);
    expect(coerce("comma_delimited_list", [1, true])).toEqual(["1", "true"]);
    expect(coerce("comma_delimited_list", { a: 1 })).toMatch(/^error/);
    expect(coerce("comma_delimited_list", [{}])).toMatch(/^error/);
  });

  it("coerces json from mappings, lists and JSON strings", () => {
    const input = { a: [1, { b: 2 }] };
    const out = coerce("json", input);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(coerce("json", '{"k": 1}')).toEqual({ k: 1 });
    expect(coerce("json", "[1, 2]")).toEqual([1, 2]);
    expect(coerce("json", "{nope")).toMatch(/^error: not valid JSON/);
    expect(coerce("json", "3")).toMatch(/^error/);
    expect(coerce("json", 3)).toMatch(/^error/);
  });

  it("stringifies scalars for string parameters", () => {
    expect(coerce("string", 5)).toBe("5");
    expect(coerce("string", true)).toBe("true");
    expect(coerce("string", { a: 1 })).toMatch(/^error/);
  });

  it("applies coercion to given values and defaults", () => {
    expect(bind({ type: "number" }, "42")).toBe(42);
    expect(bind({ type: "number", default: "8" })).toBe(8);
    expect(bind({ type: "boolean", default: "off" })).toBe(false);
    expect(bind({ type: "comma_delimited_list" }, "a,b")).toEqual(["a", "b"]);
    expect(bind({ type: "json" }, '{"a": [1]}')).toEqual({ a: [1] });
    expect(bind({ type: "string", default: "d" }, "given")).toBe("given");
  });
});

describe("parameter values", () => {
  it("requires a value when there is no default", () => {
    const error = thrownBy(() => compileTemplate({ parameters: { size: { type: "number" } } }, { types: testTypes }));
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).path).toBe("parameters.size");
  });

  it("rejects values for undeclared parameters", () => {
    const error = thrownBy(() =>
      compileTemplate({ parameters: { size: { type: "number", default: 1 } } }, { types: testTypes, parameters: { sise: 2 } }),
    );
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).path).toBe("parameters.sise");
  });

  it("rejects a value that cannot be coerced", () => {
    expect(bindError({ type: "number" }, "many").message).toMatch(/expected a number/);
  });

  it("rejects an invalid default at parameters.NAME.default", () => {
    const error = thrownBy(() => compileTemplate({ parameters: { p: { type: "number", default: "x" } } }, { types: testTypes }));
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).path).toBe("parameters.p.default");
  });

  it("checks defaults against constraints", () => {
    const error = thrownBy(() =>
      compileTemplate(
        { parameters: { p: { type: "number", default: 50, constraints: [{ range: { max: 10 } }] } } },
        { types: testTypes },
      ),
    );
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).path).toBe("parameters.p.default");
  });
});

describe("parameter constraints", () => {
  it("allowed_values", () => {
    const decl = { type: "string", constraints: [{ allowed_values: ["m1.small", "m1.large"] }] };
    expect(bind(decl, "m1.small")).toBe("m1.small");
    expect(bindError(decl, "m1.huge").message).toMatch(/must be one of \["m1.small","m1.large"\]/);
    const numeric = { type: "number", constraints: [{ allowed_values: [1, "2"] }] };
    expect(bind(numeric, "2")).toBe(2);
    bindError(numeric, 3);
    const list = { type: "comma_delimited_list", constraints: [{ allowed_values: ["a", "b"] }] };
    expect(bind(list, "a,b,a")).toEqual(["a", "b", "a"]);
    expect(bindError(list, "a,c").message).toMatch(/every item/);
    const json = { type: "json", constraints: [{ allowed_values: [{ a: 1 }] }] };
    expect(bind(json, { a: 1 })).toEqual({ a: 1 });
    bindError(json, { a: 2 });
  });

  it("range", () => {
    const decl = { type: "number", constraints: [{ range: { min: 1, max: 10 } }] };
    expect(bind(decl, 1)).toBe(1);
    expect(bind(decl, "10")).toBe(10);
    expect(bindError(decl, 11).message).toMatch(/between 1 and 10/);
    expect(bindError({ type: "number", constraints: [{ range: { min: 5 } }] }, 4).message).toMatch(/at least 5/);
  });

  it("length of strings and lists", () => {
    const str = { type: "string", constraints: [{ length: { min: 2, max: 4 } }] };
    expect(bind(str, "abcd")).toBe("abcd");
    expect(bindError(str, "a").message).toMatch(/length must be between 2 and 4/);
    bindError(str, "abcde");
    const list = { type: "comma_delimited_list", constraints: [{ length: { max: 2 } }] };
    expect(bind(list, "a,b")).toEqual(["a", "b"]);
    expect(bindError(list, "a,b,c").message).toMatch(/at most 2/);
  });

  it("allowed_pattern and pattern must match the whole string", () => {
    const decl = { type: "string", constraints: [{ allowed_pattern: "[a-z]+" }] };
    expect(bind(decl, "abc")).toBe("abc");
    expect(bindError(decl, "abc1").message).toMatch(/must match the pattern \[a-z\]\+/);
    bindError(decl, "1abc");
    const alias = { type: "string", constraints: [{ pattern: "a|b" }] };
    expect(bind(alias, "b")).toBe("b");
    bindError(alias, "ab");
  });

  it("uses the constraint description as the message", () => {
    const decl = { type: "string", constraints: [{ allowed_pattern: "[A-Z].*", description: "must start with a capital" }] };
    expect(bindError(decl, "lower").message).toBe('parameters.p: must start with a capital (value "lower")');
  });

  it("keeps hidden values out of messages and reports where they flow", () => {
    const decl = { type: "string", hidden: true, constraints: [{ length: { min: 8 }, description: "too short" }] };
    expect(bindError(decl, "hunter2").message).toBe("parameters.p: too short");
    const compiled = compileTemplate(
      {
        parameters: { pw: { type: "string", hidden: true }, name: { type: "string", default: "n" } },
        resources: { db: { type: "test:db:Database", properties: { size: 1, name: { get_param: "pw" } } } },
        outputs: { secret: { value: { get_param: "pw" } }, open: { value: { get_param: "name" } } },
      },
      { types: testTypes, parameters: { pw: "s3cret-value" } },
    );
    expect(compiled.hiddenParameters).toEqual(["pw", "resources.db.properties.name", "outputs.secret.value"]);
    // The compiled (stored) template holds the hidden value only sealed.
    expect(JSON.stringify(compiled)).not.toContain("s3cret-value");
    expect(openSealedProperties(compiled.resources.db?.properties ?? {})).toEqual({ size: 1, name: "s3cret-value" });
    expect(templateSecrets(compiled)).toEqual({ parameters: ["pw"], values: ["s3cret-value"] });
  });

  it("keeps a hidden value out of a compile error that quotes it (a map_replace collision)", () => {
    const error = thrownBy(() =>
      compileTemplate(
        {
          parameters: { pj: { type: "json", hidden: true } },
          resources: { db: { type: "test:db:Database", properties: { size: 1, name: { map_replace: [{ a: 1, "sekrit-json-value": 2 }, { keys: { get_param: "pj" } }] } } } },
        },
        { types: testTypes, parameters: { pj: { a: "sekrit-json-value" } } },
      ),
    );
    expect(error).toBeInstanceOf(TemplateValidationError);
    expect((error as Error).message).toMatch(/which collides/);
    expect((error as Error).message).not.toContain("sekrit-json-value");
  });

  it("keeps a hidden value out of a type error's message", () => {
    expect(bindError({ type: "number", hidden: true }, "n0t-a-number-secret").message).not.toContain("n0t-a-number-secret");
    expect(bindError({ type: "json", hidden: true }, "{bad json secret").message).not.toContain("bad json secret");
  });
});

describe("parameter declarations", () => {
  it("rejects an unknown type at parameters.NAME.type", () => {
    declarationError({ type: "integer" }, "parameters.p.type");
    declarationError({}, "parameters.p.type");
  });

  it("rejects a declaration that is not a mapping, and unknown keys", () => {
    declarationError("string", "parameters.p");
    declarationError({ type: "string", defualt: "x" }, "parameters.p.defualt");
  });

  it("rejects malformed constraints", () => {
    declarationError({ type: "string", constraints: { length: { min: 1 } } }, "parameters.p.constraints");
    declarationError({ type: "string", constraints: [{ range: { min: 1 } }] }, "parameters.p.constraints.0.range");
    declarationError({ type: "string", constraints: [{ allowed_pattern: "([a-z" }] }, "parameters.p.constraints.0.allowed_pattern");
    declarationError({ type: "string", constraints: [{ length: { min: -1 } }] }, "parameters.p.constraints.0.length.min");
    declarationError({ type: "string", constraints: [{ custom_constraint: "nova.flavor" }] }, "parameters.p.constraints.0.custom_constraint");
    declarationError({ type: "string", constraints: [{ length: { min: 1 }, allowed_values: ["a"] }] }, "parameters.p.constraints.0");
  });

  it("checks parameter_groups against the declared parameters", () => {
    const error = thrownBy(() =>
      compileTemplate(
        {
          parameters: { a: { type: "string", default: "x" } },
          parameter_groups: [{ label: "main", parameters: ["a", "b"] }],
        },
        { types: testTypes },
      ),
    );
    expect(error).toBeInstanceOf(TemplateValidationError);
    expect((error as TemplateValidationError).path).toBe("parameter_groups.0.parameters.1");
  });
});
