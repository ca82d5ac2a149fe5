import { describe, it, expect } from "vitest";
import {
  DependencyCycleError,
  InvalidOptionsError,
  ParameterError,
  TemplateValidationError,
  UnknownResourceTypeError,
} from "../errors.js";
import { z } from "zod";
import { defineResourceType } from "../plugin/define-resource-type.js";
import { createTypeRegistry } from "../plugin/registry.js";
import { compileTemplate } from "./compile.js";
import { parseTemplate } from "./parse.js";
import { testTypes, thrownBy } from "../../test/support/template-fixtures.js";

type ErrorClass = abstract new (...args: never[]) => TemplateValidationError;

/** Compile `template` expecting an error of class `cls` at `path`; returns the error. */
function expectError<E extends TemplateValidationError>(
  template: unknown,
  cls: ErrorClass,
  path: string,
  parameters?: Record<string, unknown>,
): E {
  const error = thrownBy(() => compileTemplate(template, { types: testTypes, parameters }));
  expect(error).toBeInstanceOf(cls);
  expect((error as TemplateValidationError).path).toBe(path);
  return error as E;
}

/** A template with one resource `web` of type Server and the given extra fields. */
const web = (fields: Record<string, unknown>, more: Record<string, unknown> = {}): unknown => ({
  resources: { web: { type: "test:compute:Server", ...fields }, db: { type: "test:db:Database", properties: { size: 1 } }, ...more },
});

describe("compileTemplate: top level", () => {
  it("rejects a template that is not a mapping at ''", () => {
    expectError([], TemplateValidationError, "");
    expectError(null, TemplateValidationError, "");
  });

  it("rejects unknown top-level keys", () => {
    expectError({ resources: {}, resource: {} }, TemplateValidationError, "resource");
  });

  it("rejects sections of the wrong kind", () => {
    expectError({ resources: [] }, TemplateValidationError, "resources");
    expectError({ outputs: "x" }, TemplateValidationError, "outputs");
    expectError({ parameters: 3 }, TemplateValidationError, "parameters");
    expectError({ parameter_groups: {} }, TemplateValidationError, "parameter_groups");
    expectError({ description: 5 }, TemplateValidationError, "description");
  });

  it("accepts empty (null) sections from YAML", () => {
    const compiled = compileTemplate(parseTemplate("heat_template_version: 2018-08-31\nparameters:\nresources:\noutputs:\n"), {
      types: testTypes,
    });
    expect(compiled).toEqual({
      resources: {},
      outputs: {},
      attributeRefs: {},
      parameters: { "OS::stack_name": "stack", "OS::stack_id": "00000000-0000-0000-0000-000000000000", "OS::project_id": "converge" },
    });
  });

  it("requires a type registry", () => {
    expect(thrownBy(() => compileTemplate({}, {} as never))).toBeInstanceOf(InvalidOptionsError);
  });
});

describe("compileTemplate: resources", () => {
  it("rejects a resource that is not a mapping", () => {
    expectError({ resources: { web: "test:compute:Server" } }, TemplateValidationError, "resources.web");
  });

  it("rejects unknown resource keys", () => {
    expectError(web({ propertys: {} }), TemplateValidationError, "resources.web.propertys");
  });

  it("requires a string type", () => {
    expectError({ resources: { web: { properties: {} } } }, TemplateValidationError, "resources.web.type");
    expectError({ resources: { web: { type: 3 } } }, TemplateValidationError, "resources.web.type");
  });

  it("rejects an unknown type with UnknownResourceTypeError", () => {
    const error = expectError<UnknownResourceTypeError>({ resources: { web: { type: "test:compute:Servr" } } }, UnknownResourceTypeError, "resources.web.type");
    expect(error.typeName).toBe("test:compute:Servr");
    expect(error.message).toMatch(/known types: test:compute:Server/);
  });

  it("requires properties to be a mapping", () => {
    expectError(web({ properties: ["image"] }), TemplateValidationError, "resources.web.properties");
  });

  it("rejects a property the schema does not declare", () => {
    const error = expectError(web({ properties: { image: "i", imag: "x" } }), TemplateValidationError, "resources.web.properties.imag");
    expect(error.message).toMatch(/its properties are image, flavor/);
  });

  it("accepts unknown properties when the type allows them", () => {
    const compiled = compileTemplate({ resources: { any: { type: "test:misc:Anything", properties: { whatever: [1] } } } }, { types: testTypes });
    expect(compiled.resources.any?.properties).toEqual({ whatever: [1] });
  });

  it("rejects a missing required property", () => {
    const error = expectError(web({ properties: { flavor: "big" } }), TemplateValidationError, "resources.web.properties.image");
    expect(error.message).toMatch(/required/);
    expectError(web({}), TemplateValidationError, "resources.web.properties.image");
  });

  it("reports schema failures with the zod message and sub-path", () => {
    const error = expectError(web({ properties: { image: 42 } }), TemplateValidationError, "resources.web.properties.image");
    expect(error.message).toMatch(/^resources\.web\.properties\.image: .*expected string/);
    expectError(web({ properties: { image: "i", tags: ["a", "b", 3] } }), TemplateValidationError, "resources.web.properties.tags.2");
    expectError(web({ properties: { image: "i", config: { port: "80" } } }), TemplateValidationError, "resources.web.properties.config.port");
  });

  it("validates a property after get_param substitution", () => {
    const template = {
      parameters: { size: { type: "string", default: "big" } },
      resources: { db: { type: "test:db:Database", properties: { size: { get_param: "size" } } } },
    };
    expectError(template, TemplateValidationError, "resources.db.properties.size");
  });

  it("leaves properties with get_resource/get_attr to run time", () => {
    const compiled = compileTemplate(
      web({ properties: { image: { get_attr: ["db", "port"] }, tags: [{ get_resource: "db" }] } }),
      { types: testTypes },
    );
    expect(compiled.resources.web?.properties).toEqual({ image: { get_attr: ["db", "port"] }, tags: [{ get_resource: "db" }] });
  });

  it("never reads inherited members for names like constructor or __proto__", () => {
    expectError(web({ properties: { image: "i", toString: "x" } }), TemplateValidationError, "resources.web.properties.toString");
    const template = JSON.parse(
      '{"parameters": {"constructor": {"type": "string", "default": "c"}},' +
        ' "resources": {"__proto__": {"type": "test:misc:Anything", "properties": {"constructor": {"get_param": "constructor"}}}}}',
    ) as unknown;
    const compiled = compileTemplate(template, { types: testTypes });
    expect(Object.keys(compiled.resources)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(compiled.resources)).toBe(Object.prototype);
    expect(JSON.stringify(compiled.resources)).toBe(
      '{"__proto__":{"type":"test:misc:Anything","properties":{"constructor":"c"},"dependsOn":[],"deletionPolicy":"delete"}}',
    );
  });

  it("rejects data that is not JSON", () => {
    expectError(web({ properties: { image: new Date(0) } }), TemplateValidationError, "resources.web.properties.image");
    expectError(web({ properties: { image: "i", config: { port: Number.NaN } } }), TemplateValidationError, "resources.web.properties.config.port");
  });

  it("checks depends_on", () => {
    expectError(web({ properties: { image: "i" }, depends_on: "nope" }), TemplateValidationError, "resources.web.depends_on");
    expectError(web({ properties: { image: "i" }, depends_on: ["db", "nope"] }), TemplateValidationError, "resources.web.depends_on.1");
    expectError(web({ properties: { image: "i" }, depends_on: "web" }), TemplateValidationError, "resources.web.depends_on");
    expectError(web({ properties: { image: "i" }, depends_on: ["web"] }), TemplateValidationError, "resources.web.depends_on.0");
    expectError(web({ properties: { image: "i" }, depends_on: [3] }), TemplateValidationError, "resources.web.depends_on.0");
    expectError(web({ properties: { image: "i" }, depends_on: { db: true } }), TemplateValidationError, "resources.web.depends_on");
  });

  it("normalizes deletion_policy and rejects other values", () => {
    const compiled = compileTemplate(web({ properties: { image: "i" }, deletion_policy: "Retain" }), { types: testTypes });
    expect(compiled.resources.web?.deletionPolicy).toBe("retain");
    expect(compiled.resources.db?.deletionPolicy).toBe("delete");
    expectError(web({ properties: { image: "i" }, deletion_policy: "Snapshot" }), TemplateValidationError, "resources.web.deletion_policy");
  });
});

describe("compileTemplate: references", () => {
  it("rejects get_resource of a missing resource at the intrinsic", () => {
    expectError(web({ properties: { image: "i", user_data: { get_resource: "nope" } } }), TemplateValidationError, "resources.web.properties.user_data");
  });

  it("rejects get_attr of a missing resource or undeclared attribute", () => {
    expectError(web({ properties: { image: { get_attr: ["nope", "url"] } } }), TemplateValidationError, "resources.web.properties.image");
    const error = expectError(web({ properties: { image: { get_attr: ["db", "uri"] } } }), TemplateValidationError, "resources.web.properties.image");
    expect(error.message).toMatch(/no attribute "uri".*url, host, port/);
  });

  it("rejects get_param of an undeclared parameter", () => {
    expectError(web({ properties: { image: { get_param: "image" } } }), TemplateValidationError, "resources.web.properties.image");
  });

  it("reports nested intrinsic errors at their own path", () => {
    expectError(
      web({ properties: { image: "i", user_data: { list_join: [",", ["a", { get_resource: "nope" }]] } } }),
      TemplateValidationError,
      "resources.web.properties.user_data.list_join.1.1",
    );
    expectError(
      web({ properties: { image: "i", tags: ["a", { str_replace: { template: "$x", params: { $x: { get_attr: ["db", "nope"] } } } }] } }),
      TemplateValidationError,
      "resources.web.properties.tags.1.str_replace.params.$x",
    );
  });

  it("rejects malformed intrinsic arguments at the intrinsic", () => {
    const at = "resources.web.properties.image";
    for (const image of [
      { get_resource: 3 },
      { get_resource: ["db"] },
      { get_attr: "db" },
      { get_attr: ["db"] },
      { get_attr: ["db", "url", -1] },
      { get_attr: ["db", "url", 1.5] },
      { get_param: [] },
      { get_param: ["p", { a: 1 }] },
      { list_join: "x" },
      { list_join: [","] },
      { list_join: [1, ["a"]] },
      { list_join: [",", "not a list"] },
      { list_join: [",", { get_resource: "db" }] },
      { str_replace: { template: "x" } },
      { str_replace: { template: "x", params: ["a"] } },
      { str_replace: { template: 5, params: {} } },
      { str_replace: { template: "x", params: { "": "y" } } },
      { str_replace: { template: "x", params: {}, extra: 1 } },
    ]) {
      expectError(web({ properties: { image } }), TemplateValidationError, at, {});
    }
  });

  it("treats a one-key mapping that names no function as data", () => {
    const compiled = compileTemplate(
      { resources: { any: { type: "test:misc:Anything", properties: { file: { get_files: "x.sh" }, two: { get_resource: "any", x: 1 } } } } },
      { types: testTypes },
    );
    expect(compiled.resources.any?.properties).toEqual({ file: { get_files: "x.sh" }, two: { get_resource: "any", x: 1 } });
    expect(compiled.resources.any?.dependsOn).toEqual([]);
  });
});

describe("compileTemplate: unsupported Heat functions", () => {
  it("rejects HOT and CFN functions Converge does not implement, naming the function and where", () => {
    for (const fn of ["yaql", "make_url", "resource_facade", "Fn::Join", "Fn::Split", "Ref"]) {
      expectError(
        { resources: { any: { type: "test:misc:Anything", properties: { deep: [{ x: { [fn]: "arg" } }] } } } },
        TemplateValidationError,
        "resources.any.properties.deep.0.x",
      );
    }
    expect(() =>
      compileTemplate({ resources: {}, outputs: { o: { value: { yaql: "$.data" } } } }, { types: testTypes }),
    ).toThrow(/outputs\.o\.value: intrinsic function "yaql" is not supported \(supported: get_resource, .*str_split/);
  });
});

describe("compileTemplate: whole-schema validation", () => {
  it("runs cross-property rules of the type when every property is literal", () => {
    const Ranged = defineResourceType({
      type: "test:misc:Ranged",
      properties: z.object({ min: z.number(), max: z.number() }).refine((p) => p.min <= p.max, { message: "min must not exceed max", path: ["min"] }),
      async create() {
        return { physicalId: "r" };
      },
      async delete() {},
    });
    const types = createTypeRegistry([Ranged]);
    expect(() => compileTemplate({ resources: { r: { type: "test:misc:Ranged", properties: { min: 5, max: 1 } } } }, { types })).toThrow(
      /resources\.r\.properties\.min: min must not exceed max/,
    );
    // With a value known only at run time, the rule is checked when the resource converges.
    const later = compileTemplate(
      { resources: { a: { type: "test:misc:Ranged", properties: { min: 0, max: 1 } }, r: { type: "test:misc:Ranged", properties: { min: 5, max: { get_resource: "a" } } } } },
      { types },
    );
    expect(later.resources.r?.dependsOn).toEqual(["a"]);
  });
});

describe("compileTemplate: outputs", () => {
  it("checks output shape", () => {
    expectError({ outputs: { url: "x" } }, TemplateValidationError, "outputs.url");
    expectError({ outputs: { url: { description: "d" } } }, TemplateValidationError, "outputs.url.value");
    expectError({ outputs: { url: { value: 1, condition: "c" } } }, TemplateValidationError, "outputs.url.condition");
    expectError({ outputs: { url: { value: 1, description: 2 } } }, TemplateValidationError, "outputs.url.description");
  });

  it("validates output intrinsics", () => {
    const base = { resources: { db: { type: "test:db:Database", properties: { size: 1 } } } };
    expectError({ ...base, outputs: { url: { value: { get_attr: ["db", "nope"] } } } }, TemplateValidationError, "outputs.url.value");
    expectError({ ...base, outputs: { url: { value: ["x", { get_resource: "nope" }] } } }, TemplateValidationError, "outputs.url.value.1");
    expectError({ ...base, outputs: { url: { value: { get_param: "nope" } } } }, TemplateValidationError, "outputs.url.value");
  });
});

describe("compileTemplate: cycles and order", () => {
  it("names a dependency cycle", () => {
    //  a ──get_resource──► b ──depends_on──► c ──get_attr──► a
    const template = {
      resources: {
        a: { type: "test:misc:Anything", properties: { ref: { get_resource: "b" } } },
        b: { type: "test:misc:Nothing", depends_on: ["c"] },
        c: { type: "test:misc:Anything", properties: { ref: { get_attr: ["a", "out"] } } },
      },
    };
    const error = expectError<DependencyCycleError>(template, DependencyCycleError, "resources");
    expect(error.cycle).toEqual(["a", "b", "c", "a"]);
  });

  it("treats a resource referencing itself as a cycle", () => {
    const error = expectError<DependencyCycleError>(
      { resources: { a: { type: "test:misc:Anything", properties: { me: { get_resource: "a" } } } } },
      DependencyCycleError,
      "resources",
    );
    expect(error.cycle).toEqual(["a", "a"]);
  });

  it("throws the first error in the documented order", () => {
    const template = {
      parameters: { p: { type: "string" } },
      resources: {
        b: { type: "nope:x:Y" },
        a: { type: "test:compute:Server", properties: {} },
      },
      outputs: { o: { value: { get_resource: "zzz" } } },
    };
    expectError(template, ParameterError, "parameters.p");
    expectError(template, UnknownResourceTypeError, "resources.b.type", { p: "x" });
    expectError({ ...template, resources: { a: template.resources.a, b: template.resources.b } }, TemplateValidationError, "resources.a.properties.image", { p: "x" });
    expectError({ ...template, resources: {} }, TemplateValidationError, "outputs.o.value", { p: "x" });
  });
});
