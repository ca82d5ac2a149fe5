import { describe, it, expect } from "vitest";
import { TemplateValidationError } from "../errors.js";
import { compileTemplate } from "./compile.js";
import { parseTemplate } from "./parse.js";
import { templateDependencyGraph } from "./template-graph.js";
import { deepFreeze, testTypes, thrownBy } from "../../test/support/template-fixtures.js";

const STACK = `
heat_template_version: 2018-08-31
description: three tiers
parameters:
  image: { type: string, default: ubuntu }
  size: { type: number }
  zones: { type: comma_delimited_list, default: "a, b" }
  settings: { type: json, default: { ports: [80, 443], tier: { name: front } } }
resources:
  net:
    type: test:misc:Anything
    properties: { cidr: 10.0.0.0/24 }
  db:
    type: test:db:Database
    properties:
      size: { get_param: size }
      name: { str_replace: { template: "db-$TIER", params: { $TIER: { get_param: [settings, tier, name] } } } }
    depends_on: net
    deletion_policy: Retain
  web:
    type: test:compute:Server
    properties:
      image: { get_param: image }
      networks: [{ get_resource: net }]
      tags: [{ get_param: [zones, 1] }, { get_attr: [db, host] }]
      user_data:
        str_replace:
          template: "connect $DB:$PORT as $USER"
          params:
            $DB: { get_attr: [db, host] }
            $PORT: { get_attr: [db, port] }
            $USER: admin
    depends_on: [db, net]
outputs:
  url:
    description: where to go
    value: { list_join: ["", ["http://", { get_attr: [web, ip] }, ":", { get_param: [settings, ports, 0] }]] }
  db_url: { value: { get_attr: [db, url, path, 0] } }
  zones: { value: { list_join: [",", { get_param: zones }, [c]] } }
`;

describe("compileTemplate: compiled form", () => {
  const template = deepFreeze(parseTemplate(STACK));
  const before = JSON.stringify(template);
  const compiled = compileTemplate(template, { types: testTypes, parameters: { size: "3" } });

  it("never mutates the input and returns JSON-serializable data", () => {
    expect(JSON.stringify(template)).toBe(before);
    expect(JSON.parse(JSON.stringify(compiled))).toEqual(compiled);
    expect(compiled.resources.web?.properties.networks).not.toBe(template.resources?.web?.properties?.networks);
  });

  it("computes dependsOn from depends_on, get_resource and get_attr", () => {
    expect(compiled.resources.net?.dependsOn).toEqual([]);
    expect(compiled.resources.db?.dependsOn).toEqual(["net"]);
    expect(compiled.resources.web?.dependsOn).toEqual(["db", "net"]);
    expect(templateDependencyGraph(compiled).topologicalOrder()).toEqual(["net", "db", "web"]);
  });

  it("collects attributeRefs from properties and outputs, with every resource present", () => {
    expect(compiled.attributeRefs).toEqual({ net: [], db: ["host", "port", "url"], web: ["ip"] });
  });

  it("substitutes get_param (with paths) and folds literal list_join/str_replace", () => {
    expect(compiled.description).toBe("three tiers");
    expect(compiled.resources.db).toEqual({
      type: "test:db:Database",
      properties: { size: 3, name: "db-front" },
      dependsOn: ["net"],
      deletionPolicy: "retain",
    });
    expect(compiled.outputs.zones).toEqual({ value: "a,b,c" });
  });

  it("keeps run-time intrinsics, with get_param substituted inside them", () => {
    expect(compiled.resources.web?.properties).toEqual({
      image: "ubuntu",
      networks: [{ get_resource: "net" }],
      tags: ["b", { get_attr: ["db", "host"] }],
      user_data: {
        str_replace: {
          template: "connect $DB:$PORT as $USER",
          params: { $DB: { get_attr: ["db", "host"] }, $PORT: { get_attr: ["db", "port"] }, $USER: "admin" },
        },
      },
    });
    expect(compiled.outputs.url).toEqual({
      description: "where to go",
      value: { list_join: ["", ["http://", { get_attr: ["web", "ip"] }, ":", 80]] },
    });
    expect(compiled.outputs.db_url).toEqual({ value: { get_attr: ["db", "url", "path", 0] } });
  });

  it("produces the same result on every call", () => {
    expect(compileTemplate(template, { types: testTypes, parameters: { size: 3 } })).toEqual(compiled);
  });
});

describe("compileTemplate: get_param", () => {
  const withParam = (type: string, value: unknown, get: unknown): unknown =>
    compileTemplate(
      { parameters: { p: { type } }, outputs: { o: { value: { get_param: get } } } },
      { types: testTypes, parameters: { p: value } },
    ).outputs.o?.value;

  it("walks json and list parameters", () => {
    expect(withParam("json", { a: { b: [1, 2] } }, ["p", "a", "b", 1])).toBe(2);
    expect(withParam("json", { a: { b: [1, 2] } }, ["p", "a", "b", "0"])).toBe(1);
    expect(withParam("comma_delimited_list", "x,y", ["p", 1])).toBe("y");
    expect(withParam("json", { a: 1 }, "p")).toEqual({ a: 1 });
  });

  it("rejects a path that does not exist at the intrinsic", () => {
    for (const get of [["p", "missing"], ["p", "a", 5], ["p", "a", "b", "c"]]) {
      const error = thrownBy(() => withParam("json", { a: { b: 1 } }, get));
      expect(error).toBeInstanceOf(TemplateValidationError);
      expect((error as TemplateValidationError).path).toBe("outputs.o.value");
    }
  });

  it("refuses parameter values that would read as intrinsic functions", () => {
    const error = thrownBy(() => withParam("json", { x: { get_resource: "db" } }, "p"));
    expect(error).toBeInstanceOf(TemplateValidationError);
    expect((error as TemplateValidationError).path).toBe("outputs.o.value");
  });

  it("allows get_param inside get_attr and get_resource arguments", () => {
    const compiled = compileTemplate(
      {
        parameters: { target: { type: "string", default: "db" }, attr: { type: "string", default: "url" } },
        resources: {
          db: { type: "test:db:Database", properties: { size: 1 } },
          app: { type: "test:misc:Anything", properties: { a: { get_attr: [{ get_param: "target" }, { get_param: "attr" }] }, b: { get_resource: { get_param: "target" } } } },
        },
      },
      { types: testTypes },
    );
    expect(compiled.resources.app?.properties).toEqual({ a: { get_attr: ["db", "url"] }, b: { get_resource: "db" } });
    expect(compiled.resources.app?.dependsOn).toEqual(["db"]);
    expect(compiled.attributeRefs.db).toEqual(["url"]);
  });
});

describe("compileTemplate: folding", () => {
  const fold = (value: unknown): unknown =>
    compileTemplate({ outputs: { o: { value } } }, { types: testTypes }).outputs.o?.value;

  it("joins several lists and stringifies non-strings like Heat", () => {
    expect(fold({ list_join: ["-", ["a", "b"], ["c"], []] })).toBe("a-b-c");
    expect(fold({ list_join: [",", [1, true, null, { k: "v" }, [2]]] })).toBe('1,true,,{"k":"v"},[2]');
    expect(fold({ list_join: [", ", [{ list_join: ["+", ["x", "y"]] }, "z"]] })).toBe("x+y, z");
  });

  it("replaces every occurrence, longer placeholders first, without rescanning", () => {
    expect(fold({ str_replace: { template: "$HOST:$HOST_PORT/$HOST", params: { $HOST: "db", $HOST_PORT: 5432 } } })).toBe("db:5432/db");
    expect(fold({ str_replace: { template: "ab", params: { a: "b", b: "c" } } })).toBe("bc");
    expect(fold({ str_replace: { template: "v=$v", params: { $v: { x: [1] } } } })).toBe('v={"x":[1]}');
    expect(fold({ str_replace: { template: "[$n]", params: { $n: null } } })).toBe("[]");
  });
});

describe("compileTemplate: scale", () => {
  it("compiles a 20,000-resource chain and a 20,000-name depends_on list", () => {
    const n = 20_000;
    const chain: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      chain[`r${i}`] = { type: "test:misc:Anything", properties: i === 0 ? {} : { after: { get_resource: `r${i - 1}` } } };
    }
    const compiled = compileTemplate({ resources: chain }, { types: testTypes });
    expect(compiled.resources[`r${n - 1}`]?.dependsOn).toEqual([`r${n - 2}`]);
    const fan: Record<string, unknown> = { hub: { type: "test:misc:Nothing", depends_on: Object.keys(chain) } };
    for (const name of Object.keys(chain)) fan[name] = { type: "test:misc:Nothing" };
    const fanned = compileTemplate({ resources: fan }, { types: testTypes });
    expect(fanned.resources.hub?.dependsOn).toHaveLength(n);
  });
});
