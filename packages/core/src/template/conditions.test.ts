import { describe, expect, it } from "vitest";
import { compileTemplate } from "./compile.js";
import { parseTemplate } from "./parse.js";
import { PROPERTY_PATH, compileProperty, testTypes, validationError } from "../../test/support/template-fixtures.js";

const parameters = {
  env: { type: "string", default: "test" },
  zone: { type: "string", default: "eu" },
  backups: { type: "boolean", default: true },
  services: { type: "comma_delimited_list", default: "nova,neutron" },
};
const conditions = {
  always: true,
  is_prod: { equals: [{ get_param: "env" }, "prod"] },
  not_prod: { not: "is_prod" },
  wants_backups: { get_param: "backups" },
  prod_backups: { and: ["is_prod", "wants_backups"] },
  prod_or_eu: { or: ["is_prod", { equals: [{ get_param: "zone" }, "eu"] }] },
  has_neutron: { contains: ["neutron", { get_param: "services" }] },
  nested: { not: { and: [true, { not: "not_prod" }] } },
};
const extra = (values: Record<string, unknown> = {}) => ({ parameters, conditions, values });
const anything = "test:misc:Anything";

describe("conditions section", () => {
  it("evaluates conditions over parameters, naming other conditions", () => {
    const names = Object.keys(conditions);
    const values = (env: string, zone = "eu") => names.map((name) => compileProperty({ if: [name, true, false] }, extra({ env, zone })));
    expect(values("test")).toEqual([true, false, true, true, false, true, true, true]);
    expect(values("prod", "us")).toEqual([true, true, false, true, true, true, true, false]);
  });

  it("rejects malformed conditions at their path, even unused ones", () => {
    const at = (section: unknown, path: string, message: RegExp, values: Record<string, unknown> = {}): void => {
      const error = validationError(() => compileTemplate({ parameters, conditions: section, resources: {} }, { types: testTypes, parameters: values }));
      expect(error.path).toBe(path);
      expect(error.message).toMatch(message);
    };
    at([], "conditions", /must be a mapping, got list/);
    at({ c: "other" }, "conditions.c", /a condition must be true, false or a condition function \(get_param, contains, equals, not, and, or\), got "other"/);
    at({ c: null }, "conditions.c", /a condition must be/);
    at({ c: { get_param: "env" } }, "conditions.c", /a condition must evaluate to true or false, got "test"/);
    at({ c: { equals: [{ list_join: [",", ["a"]] }, "a"] } }, "conditions.c.equals.0", /list_join cannot be used in a condition \(conditions may use get_param, contains, equals, not, and, or\)/);
    at({ c: { equals: [{ get_resource: "x" }, "a"] } }, "conditions.c.equals.0", /get_resource cannot be used in a condition/);
    at({ c: { if: [true, true, false] } }, "conditions.c", /if cannot be used in a condition/);
    at({ c: { not: "nope" } }, "conditions.c.not", /unknown condition "nope" \(declared: c\)/);
    at({ c: { and: [true, "c2"] } }, "conditions.c.and.1", /unknown condition "c2"/);
    at({ c: { and: [true] } }, "conditions.c", /and takes \[condition_1, condition_2, \.\.\.\].*: the argument must be a list of at least 2 items, got 1/);
    at({ c: { or: [true, "yes"] } }, "conditions.c.or.1", /unknown condition "yes"/);
    at({ c: { not: { get_param: "env" } } }, "conditions.c", /not takes a condition .*: the argument must be a boolean, got string/);
    at({ c: { get_file: "x" } }, "conditions.c", /get_file cannot be used in a condition/);
    at({ c: { yaql: "x" } }, "conditions.c", /a condition must be/);
    at({ a: { not: "b" }, b: { and: [true, "a"] } }, "conditions.a", /conditions name each other in a cycle: a -> b -> a/);
    at({ a: { not: "a" } }, "conditions.a", /cycle: a -> a/);
  });
});

describe("condition on resources", () => {
  const template = (condition: unknown, more: Record<string, unknown> = {}) => ({
    parameters,
    conditions,
    resources: {
      volume: { type: "test:db:Database", condition, properties: { size: 1 } },
      web: { type: anything, properties: { label: "w" }, ...more },
    },
    outputs: { size: { value: { get_attr: ["volume", "port"] }, condition } },
  });
  const compile = (t: unknown, values: Record<string, unknown> = {}) => compileTemplate(t, { types: testTypes, parameters: values });

  it("keeps a resource whose condition is true (name, boolean or expression) and drops it otherwise", () => {
    for (const condition of ["is_prod", true, { equals: [{ get_param: "env" }, "prod"] }, { not: "not_prod" }]) {
      const prod = compile(template(condition), { env: "prod" });
      expect(Object.keys(prod.resources)).toEqual(["volume", "web"]);
      expect(prod.outputs.size).toEqual({ value: { get_attr: ["volume", "port"] } });
      const test = compile(template(condition === true ? false : condition), { env: "test" });
      expect(Object.keys(test.resources)).toEqual(["web"]);
      expect(test.attributeRefs).toEqual({ web: [] });
      expect(test.outputs.size).toEqual({ value: null });
    }
    expect(Object.keys(compile(template(null)).resources)).toEqual(["volume", "web"]);
  });

  it("rejects a reference to a dropped resource outside a dropped branch, naming the path", () => {
    const ref = (properties: Record<string, unknown>, path: string, message: RegExp) => {
      const error = validationError(() => compile(template("is_prod", { properties })));
      expect(error.path).toBe(path);
      expect(error.message).toMatch(message);
    };
    ref({ v: { get_resource: "volume" } }, "resources.web.properties.v", /get_resource refers to resource "volume", which is not part of the stack: its condition "is_prod" is false/);
    ref({ v: [{ list_join: [",", [{ get_attr: ["volume", "host"] }]] }] }, "resources.web.properties.v.0.list_join.1.0", /get_attr refers to resource "volume"/);
    ref({ v: { if: ["not_prod", { get_resource: "volume" }, "x"] } }, "resources.web.properties.v.if.1", /not part of the stack/);
    const error = validationError(() => compile(template({ equals: [1, 2] }, { depends_on: ["volume"] })));
    expect(error.path).toBe("resources.web.depends_on.0");
    expect(error.message).toMatch(/depends_on refers to resource "volume", which is not part of the stack: its condition is false/);
  });

  it("allows references in the branch an if leaves out, without a dependency", () => {
    const compiled = compile(template("is_prod", { properties: { v: { if: ["is_prod", { get_attr: ["volume", "host"] }, "none"] } } }));
    expect(compiled.resources.web).toMatchObject({ properties: { v: "none" }, dependsOn: [] });
    const prod = compile(template("is_prod", { properties: { v: { if: ["is_prod", { get_attr: ["volume", "host"] }, "none"] } } }), { env: "prod" });
    expect(prod.resources.web).toMatchObject({ properties: { v: { get_attr: ["volume", "host"] } }, dependsOn: ["volume"] });
    expect(prod.attributeRefs.volume).toEqual(["host", "port"]);
  });

  it("only checks a dropped resource's declaration to be well-formed data", () => {
    const dropped = (volume: Record<string, unknown>) => compile({ parameters, conditions, resources: { volume: { condition: "is_prod", ...volume } } });
    expect(dropped({ type: "unregistered:Type", properties: { x: { get_resource: "nope" } }, depends_on: ["ghost"] }).resources).toEqual({});
    const at = (volume: Record<string, unknown>, path: string) => expect(validationError(() => dropped(volume)).path).toBe(path);
    at({ properties: {} }, "resources.volume.type");
    at({ type: "x", properties: [] }, "resources.volume.properties");
    at({ type: "x", properties: { f: { yaql: "a.sh" } } }, "resources.volume.properties.f");
    at({ type: "x", depends_on: [1] }, "resources.volume.depends_on.0");
    at({ type: "x", deletion_policy: "Snapshot" }, "resources.volume.deletion_policy");
  });

  it("rejects an unknown or malformed resource condition", () => {
    const at = (condition: unknown, path: string, message: RegExp) => {
      const error = validationError(() => compile(template(condition)));
      expect(error.path).toBe(path);
      expect(error.message).toMatch(message);
    };
    at("prod", "resources.volume.condition", /unknown condition "prod" \(declared: always, is_prod/);
    at(1, "resources.volume.condition", /a condition must be the name of a condition, true, false or a condition function/);
    at({ get_param: "zone" }, "resources.volume.condition", /must evaluate to true or false, got "eu"/);
    at({ get_attr: ["web", "out"] }, "resources.volume.condition", /get_attr cannot be used in a condition/);
  });
});

describe("if", () => {
  it("takes the branch of a condition name, a boolean or a condition expression", () => {
    expect(compileProperty({ if: ["is_prod", "s_prod", "s_test"] }, extra({ env: "prod" }))).toBe("s_prod");
    expect(compileProperty({ if: ["is_prod", "s_prod", "s_test"] }, extra())).toBe("s_test");
    expect(compileProperty({ if: [false, 1, { list_join: ["-", ["a", "b"]] }] })).toBe("a-b");
    expect(compileProperty({ if: [{ equals: [{ get_param: "zone" }, "eu"] }, "EU", "other"] }, extra())).toBe("EU");
    expect(compileProperty({ name: { if: [{ get_param: "backups" }, { get_resource: "src" }, null] } }, extra())).toEqual({ name: { get_resource: "src" } });
  });

  it("leaves the enclosing item out when the false branch is missing", () => {
    const value = { list: ["a", { if: ["is_prod", "b"] }, "c"], map: { keep: 1, drop: { if: ["is_prod", 2] } } };
    expect(compileProperty(value, extra())).toEqual({ list: ["a", "c"], map: { keep: 1 } });
    expect(compileProperty(value, extra({ env: "prod" }))).toEqual({ list: ["a", "b", "c"], map: { keep: 1, drop: 2 } });
    expect(compileProperty({ if: ["is_prod", "x"] }, extra())).toBeUndefined();
    const t = (env: string) =>
      compileTemplate(
        { parameters, conditions, resources: { db: { type: "test:db:Database", properties: { size: { if: ["is_prod", 5] } } } }, outputs: { o: { value: { if: ["is_prod", 1] } } } },
        { types: testTypes, parameters: { env } },
      );
    expect(t("prod").outputs.o).toEqual({ value: 1 });
    const error = validationError(() => t("test"));
    expect(error.path).toBe("resources.db.properties.size");
    expect(error.message).toMatch(/required property "size" of type test:db:Database is missing \(an if without a value for a false condition left it out\)/);
  });

  it("checks the branch left out only to be data", () => {
    expect(compileProperty({ if: [true, "x", { get_param: "undeclared" }] })).toBe("x");
    const error = validationError(() => compileProperty({ if: [true, "x", [{ yaql: { expression: "$" } }]] }));
    expect(error.path).toBe(`${PROPERTY_PATH}.if.2.0`);
  });

  it("rejects malformed calls at the call", () => {
    const at = (value: unknown, path: string, message: RegExp) => {
      const error = validationError(() => compileProperty(value, extra()));
      expect(error.path).toBe(path);
      expect(error.message).toMatch(message);
    };
    at({ if: "is_prod" }, PROPERTY_PATH, /if takes \[condition, value_if_true, value_if_false\]/);
    at({ if: ["is_prod"] }, PROPERTY_PATH, /if takes/);
    at({ if: ["is_prod", 1, 2, 3] }, PROPERTY_PATH, /if takes/);
    at({ if: ["nope", 1, 2] }, `${PROPERTY_PATH}.if.0`, /unknown condition "nope"/);
    at({ if: [{ get_param: "env" }, 1, 2] }, `${PROPERTY_PATH}.if.0`, /must evaluate to true or false, got "test"/);
    at({ if: [{ get_attr: ["src", "out"] }, 1, 2] }, `${PROPERTY_PATH}.if.0`, /get_attr cannot be used in a condition/);
    at({ list_join: [",", { if: [false, ["a"]] }] }, PROPERTY_PATH, /list_join takes .*a list of at least 2 items, got 1/);
    at({ not: { if: [false, true] } }, PROPERTY_PATH, /not takes .*its argument is an if that leaves it out/);
  });
});

describe("conditions from YAML, as Heat writes them", () => {
  it("compiles Heat's example section", () => {
    const compiled = compileTemplate(
      parseTemplate(`
heat_template_version: 2018-08-31
parameters:
  env_type: { type: string, default: test }
  zone: { type: string, default: shanghai }
  ServiceNames: { type: comma_delimited_list, default: "heat,neutron" }
conditions:
  cd1: True
  cd3: { equals: [{ get_param: env_type }, prod] }
  cd4: { not: { equals: [{ get_param: env_type }, prod] } }
  cd6:
    or:
    - equals: [{ get_param: zone }, shanghai]
    - equals: [{ get_param: zone }, beijing]
  cd7: { not: cd4 }
  cd8: { and: [cd1, cd6] }
  cd10: { contains: [neutron, { get_param: ServiceNames }] }
resources:
  volume: { type: test:misc:Anything, condition: cd3 }
  server:
    type: test:misc:Anything
    properties:
      name: { if: [cd8, s_prod, s_test] }
      flags: [{ if: [cd7, prod] }, { if: [cd10, neutron] }]
outputs:
  vol: { value: { get_resource: volume }, condition: cd3 }
`),
      { types: testTypes },
    );
    expect(Object.keys(compiled.resources)).toEqual(["server"]);
    expect(compiled.resources.server?.properties).toEqual({ name: "s_prod", flags: ["neutron"] });
    expect(compiled.outputs.vol).toEqual({ value: null });
  });
});

describe("hidden parameters through functions and conditions", () => {
  it("marks the paths a hidden value flows into, not those only a condition on it decides", () => {
    const compiled = compileTemplate(
      {
        parameters: { password: { type: "string", hidden: true, default: "pw" }, debug: { type: "boolean", hidden: true, default: false } },
        conditions: { debugging: { get_param: "debug" } },
        resources: {
          app: {
            type: anything,
            properties: {
              hash: { digest: ["sha1", { get_param: "password" }] },
              level: { if: ["debugging", "debug", "info"] },
              dropped: { if: ["debugging", { get_param: "password" }, "none"] },
            },
          },
        },
      },
      { types: testTypes },
    );
    expect(compiled.resources.app?.properties).toMatchObject({ level: "info", dropped: "none" });
    expect(compiled.hiddenParameters).toEqual(["password", "debug", "resources.app.properties.hash"]);
  });
});
