import { describe, it, expect } from "vitest";
import { TemplateValidationError } from "../errors.js";
import { compileTemplate } from "./compile.js";
import { collectReferences } from "./references.js";
import { UNKNOWN, containsUnknown, resolveValue } from "./resolve.js";
import type { ResolveContext } from "./resolve.js";
import { testTypes, thrownBy } from "../../test/support/template-fixtures.js";

const ids: Record<string, unknown> = { db: "db-123", net: "net-9" };
const attrs: Record<string, Record<string, unknown>> = {
  db: { host: "10.0.0.5", port: 5432, url: { path: ["/a", "/b"], scheme: "pg" } },
  web: { ip: "1.2.3.4", networks: ["n1", "n2"] },
};
const ctx: ResolveContext = {
  getResource: (name) => ids[name],
  getAttr: (name, attribute) => attrs[name]?.[attribute],
};

describe("resolveValue", () => {
  it("returns literal data unchanged (as a copy)", () => {
    const value = { a: [1, "x", null, { b: true }] };
    const resolved = resolveValue(value, ctx);
    expect(resolved).toEqual(value);
    expect(resolved).not.toBe(value);
  });

  it("resolves get_resource and get_attr with paths", () => {
    expect(resolveValue({ get_resource: "db" }, ctx)).toBe("db-123");
    expect(resolveValue({ get_attr: ["db", "port"] }, ctx)).toBe(5432);
    expect(resolveValue({ get_attr: ["db", "url", "path", 1] }, ctx)).toBe("/b");
    expect(resolveValue({ get_attr: ["db", "url", "path", "0"] }, ctx)).toBe("/a");
    expect(resolveValue({ get_attr: ["db", "url", "scheme"] }, ctx)).toBe("pg");
  });

  it("gives null for a missing get_attr path step or attribute", () => {
    expect(resolveValue({ get_attr: ["db", "url", "nope"] }, ctx)).toBeNull();
    expect(resolveValue({ get_attr: ["db", "url", "path", 7] }, ctx)).toBeNull();
    expect(resolveValue({ get_attr: ["db", "port", "deeper"] }, ctx)).toBeNull();
    expect(resolveValue({ get_attr: ["db", "missing"] }, ctx)).toBeNull();
  });

  it("resolves nested intrinsics inside list_join and str_replace", () => {
    const value = {
      url: { list_join: ["", ["http://", { get_attr: ["web", "ip"] }, ":", { get_attr: ["db", "port"] }]] },
      nets: { list_join: [",", { get_attr: ["web", "networks"] }, [{ get_resource: "net" }]] },
      cmd: {
        str_replace: {
          template: "psql -h $HOST -p $PORT -d $DB",
          params: { $HOST: { get_attr: ["db", "host"] }, $PORT: { get_attr: ["db", "port"] }, $DB: { list_join: ["_", ["app", "prod"]] } },
        },
      },
      list: [{ get_resource: "db" }, { nested: { get_attr: ["db", "url", "path", 0] } }],
    };
    expect(resolveValue(value, ctx)).toEqual({
      url: "http://1.2.3.4:5432",
      nets: "n1,n2,net-9",
      cmd: "psql -h 10.0.0.5 -p 5432 -d app_prod",
      list: ["db-123", { nested: "/a" }],
    });
  });

  it("resolves what compileTemplate leaves", () => {
    const compiled = compileTemplate(
      {
        parameters: { user: { type: "string", default: "admin" } },
        resources: {
          db: { type: "test:db:Database", properties: { size: 1 } },
          web: {
            type: "test:compute:Server",
            properties: {
              image: "i",
              user_data: { str_replace: { template: "$U@$H", params: { $U: { get_param: "user" }, $H: { get_attr: ["db", "host"] } } } },
            },
          },
        },
      },
      { types: testTypes },
    );
    expect(resolveValue(compiled.resources.web?.properties.user_data, ctx)).toBe("admin@10.0.0.5");
  });

  it("propagates UNKNOWN through list_join and str_replace", () => {
    const preview: ResolveContext = {
      getResource: (name) => (name === "db" ? UNKNOWN : ids[name]),
      getAttr: (name, attribute) => (name === "db" ? UNKNOWN : attrs[name]?.[attribute]),
    };
    expect(resolveValue({ get_resource: "db" }, preview)).toBe(UNKNOWN);
    expect(resolveValue({ get_attr: ["db", "url", "path", 0] }, preview)).toBe(UNKNOWN);
    expect(resolveValue({ list_join: [",", ["a", { get_resource: "db" }]] }, preview)).toBe(UNKNOWN);
    expect(resolveValue({ str_replace: { template: "x=$X", params: { $X: { get_attr: ["db", "host"] } } } }, preview)).toBe(UNKNOWN);
    expect(resolveValue({ list_join: [",", ["a", { get_resource: "net" }]] }, preview)).toBe("a,net-9");
    const mixed = resolveValue({ a: [{ get_resource: "db" }], b: "x" }, preview);
    expect(containsUnknown(mixed)).toBe(true);
    expect(containsUnknown(resolveValue({ a: [{ get_resource: "net" }] }, preview))).toBe(false);
  });

  it("rejects get_param and malformed run-time arguments at the given path", () => {
    const cases: Array<[unknown, string]> = [
      [{ get_param: "x" }, "resources.web.properties.p"],
      [{ get_attr: ["db"] }, "resources.web.properties.p"],
      [{ list_join: [",", { get_attr: ["db", "host"] }] }, "resources.web.properties.p"],
      [{ str_replace: { template: { get_attr: ["db", "port"] }, params: {} } }, "resources.web.properties.p"],
      [[1, { get_resource: 5 }], "resources.web.properties.p.1"],
    ];
    for (const [value, path] of cases) {
      const error = thrownBy(() => resolveValue(value, ctx, "resources.web.properties.p"));
      expect(error).toBeInstanceOf(TemplateValidationError);
      expect((error as TemplateValidationError).path).toBe(path);
    }
  });
});

describe("containsUnknown", () => {
  it("finds UNKNOWN at any depth", () => {
    expect(containsUnknown(UNKNOWN)).toBe(true);
    expect(containsUnknown({ a: [{ b: UNKNOWN }] })).toBe(true);
    expect(containsUnknown({ a: [{ b: "UNKNOWN" }] })).toBe(false);
    expect(containsUnknown(null)).toBe(false);
  });

  it("is shared across copies of the package", () => {
    expect(UNKNOWN).toBe(Symbol.for("@converge/core/template/unknown"));
  });
});

describe("collectReferences", () => {
  it("lists referenced resources and attributes at any depth", () => {
    const refs = collectReferences({
      a: { list_join: [",", [{ get_resource: "net" }, { get_attr: ["db", "port"] }]] },
      b: { str_replace: { template: "$x", params: { $x: { get_attr: ["db", "host", 0] } } } },
      c: [{ get_attr: ["web", "ip"] }, { get_file: "x" }],
    });
    expect(refs).toEqual({ resources: ["db", "net", "web"], attributes: { db: ["host", "port"], web: ["ip"] } });
  });
});
