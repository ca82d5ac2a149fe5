import { describe, expect, it } from "vitest";
import { ErrorCode, ParameterError, UnknownResourceTypeError } from "../../errors.js";
import type { TemplateValidationError } from "../../errors.js";
import { compileTemplate } from "../compile.js";
import { parseTemplate } from "../parse.js";
import { testTypes, validationError } from "../../../test/support/template-fixtures.js";
import { isCfnTemplate } from "./translate.js";

const server = "test:compute:Server";
const db = "test:db:Database";
const anything = "test:misc:Anything";

const compile = (template: unknown, parameters: Record<string, unknown> = {}) => compileTemplate(template, { types: testTypes, parameters });
const errorOf = (template: unknown, parameters: Record<string, unknown> = {}): TemplateValidationError => validationError(() => compile(template, parameters));
const cfn = (body: Record<string, unknown>) => ({ AWSTemplateFormatVersion: "2010-09-09", ...body });
describe("CloudFormation dialect: structure", () => {
  it("recognizes both version keys and only the versions Heat accepts", () => {
    expect(isCfnTemplate({ HeatTemplateFormatVersion: "2012-12-12" })).toBe(true);
    expect(isCfnTemplate({ AWSTemplateFormatVersion: "2010-09-09" })).toBe(true);
    expect(isCfnTemplate({ heat_template_version: "2018-08-31" })).toBe(false);
    expect(compile({ HeatTemplateFormatVersion: "2012-12-12", Resources: {} }).resources).toEqual({});
    const bad = errorOf({ AWSTemplateFormatVersion: "2012-12-12" });
    expect(bad.path).toBe("AWSTemplateFormatVersion");
    expect(bad.message).toMatch(/unsupported version "2012-12-12" \(accepted: 2010-09-09\)/);
    expect(errorOf({ AWSTemplateFormatVersion: "2010-09-09", HeatTemplateFormatVersion: "2012-12-12" }).message).toMatch(/one version key/);
  });

  it("translates a whole template: parameters, resources, outputs, DependsOn, DeletionPolicy, Metadata, UpdatePolicy", () => {
    const text = `
HeatTemplateFormatVersion: '2012-12-12'
Description: a web server and its database
Parameters:
  Image: { Type: String, Default: cirros }
  Size: { Type: Number, Default: '2', MinValue: 1, MaxValue: 10 }
Resources:
  data:
    Type: ${db}
    Properties: { size: { Ref: Size } }
    DeletionPolicy: Retain
  web:
    Type: ${server}
    DependsOn: data
    Metadata: { role: web }
    UpdatePolicy: {}
    Properties:
      image: { Ref: Image }
      user_data: { "Fn::Join": ["", ["db=", { "Fn::GetAtt": [data, url] }]] }
      tags: [{ Ref: data }]
Outputs:
  url: { Value: { "Fn::GetAtt": [data, url] }, Description: the database }
`;
    const compiled = compile(parseTemplate(text), { Size: "3" });
    expect(compiled.description).toBe("a web server and its database");
    expect(compiled.resources.data).toEqual({ type: db, properties: { size: 3 }, dependsOn: [], deletionPolicy: "retain" });
    expect(compiled.resources.web?.properties).toEqual({
      image: "cirros",
      user_data: { list_join: ["", ["db=", { get_attr: ["data", "url"] }]] },
      tags: [{ get_resource: "data" }],
    });
    expect(compiled.resources.web?.dependsOn).toEqual(["data"]);
    expect(compiled.outputs.url).toEqual({ value: { get_attr: ["data", "url"] }, description: "the database" });
    expect(compiled.attributeRefs.data).toEqual(["url"]);
  });

  it("rejects unknown keys and malformed sections at their CFN path", () => {
    const at = (template: unknown, path: string, message: RegExp): void => {
      const error = errorOf(template);
      expect(error.path).toBe(path);
      expect(error.message).toMatch(message);
      expect(error.message.startsWith(`${path}: `)).toBe(true);
    };
    at(cfn({ resources: {} }), "resources", /unknown top-level key "resources" of a CloudFormation template/);
    at(cfn({ Resources: [] }), "Resources", /must be a mapping, got list/);
    at(cfn({ Resources: { a: { Type: anything, properties: {} } } }), "Resources.a.properties", /unknown key "properties" in a resource \(allowed: Type, Properties/);
    at(cfn({ Resources: { a: { Properties: {} } } }), "Resources.a.Type", /the resource type is missing/);
    at(cfn({ Resources: { a: { Type: "Nope::Thing" } } }), "Resources.a.Type", /unknown resource type "Nope::Thing"/);
    at(cfn({ Resources: { a: { Type: anything, DependsOn: "b" } } }), "Resources.a.DependsOn", /unknown resource "b"/);
    at(cfn({ Resources: { a: { Type: anything, DeletionPolicy: "Snapshot" } } }), "Resources.a.DeletionPolicy", /Delete or Retain/);
    at(cfn({ Resources: { a: { Type: anything, UpdatePolicy: "x" } } }), "Resources.a.UpdatePolicy", /update_policy must be a mapping/);
    at(cfn({ Outputs: { o: { Value: 1, Export: {} } } }), "Outputs.o.Export", /unknown key "Export" in an output/);
    at(cfn({ Outputs: { o: { Description: "x" } } }), "Outputs.o.Value", /./);
    expect(errorOf(cfn({ Resources: { a: { Type: "Nope::Thing" } } }))).toBeInstanceOf(UnknownResourceTypeError);
  });

  it("names the property in CFN terms when its value is wrong", () => {
    const error = errorOf(cfn({ Resources: { web: { Type: server, Properties: { image: 5 } } } }));
    expect(error.path).toBe("Resources.web.Properties.image");
    expect(errorOf(cfn({ Resources: { web: { Type: server, Properties: {} } } })).path).toBe("Resources.web.Properties.image");
    const cycle = errorOf(cfn({ Resources: { a: { Type: anything, DependsOn: "b" }, b: { Type: anything, DependsOn: "a" } } }));
    expect(cycle.code).toBe(ErrorCode.DEPENDENCY_CYCLE);
    expect(cycle.path).toBe("Resources");
  });
});

describe("CloudFormation dialect: parameters", () => {
  const params = {
    Name: { Type: "String", MinLength: "2", MaxLength: 4, AllowedPattern: "[a-z]*", ConstraintDescription: "lower-case, 2 to 4" },
    Count: { Type: "Number", MinValue: 1, MaxValue: "5" },
    Zones: { Type: "CommaDelimitedList", Default: "a,b" },
    Flag: { Type: "Boolean", Default: "true" },
    Blob: { Type: "Json", Default: { a: 1 } },
    Env: { Type: "String", AllowedValues: ["dev", "prod"], Default: "dev" },
    Secret: { Type: "String", NoEcho: "true", Default: "s3cret" },
  };
  const template = (v: unknown) => cfn({ Parameters: params, Resources: { any: { Type: anything, Properties: { v } } } });
  const good = { Name: "ab", Count: 3 };

  it("types and coerces values as Heat does", () => {
    const v = { Ref: "Name" };
    expect(compile(template([{ Ref: "Count" }, { Ref: "Zones" }, { Ref: "Flag" }, { Ref: "Blob" }, { Ref: "Env" }]), { ...good, Count: "4" }).resources.any?.properties.v).toEqual([4, ["a", "b"], true, { a: 1 }, "dev"]);
    expect(compile(template(v), good).resources.any?.properties.v).toBe("ab");
  });

  it("enforces each constraint, naming the parameter and the constraint description", () => {
    const bad = (values: Record<string, unknown>, message: RegExp): void => {
      const error = errorOf(template(1), { ...good, ...values });
      expect(error).toBeInstanceOf(ParameterError);
      expect(error.path).toBe(`Parameters.${Object.keys(values)[0] as string}`);
      expect(error.message).toMatch(message);
    };
    bad({ Name: "a" }, /lower-case, 2 to 4/);
    bad({ Name: "abcde" }, /lower-case, 2 to 4/);
    bad({ Name: "AB" }, /lower-case, 2 to 4/);
    bad({ Count: 6 }, /./);
    bad({ Count: 0 }, /./);
    bad({ Env: "test" }, /./);
    expect(errorOf(template(1), {}).path).toBe("Parameters.Name");
  });

  it("hides NoEcho parameters", () => {
    const compiled = compile(template({ Ref: "Secret" }), good);
    expect(compiled.hiddenParameters).toContain("Secret");
    expect(JSON.stringify(compiled.resources)).not.toContain("s3cret");
  });

  it("rejects malformed declarations at their CFN path", () => {
    const at = (decl: unknown, path: string, message: RegExp): void => {
      const error = errorOf(cfn({ Parameters: { P: decl } }));
      expect(error.path).toBe(path);
      expect(error.message).toMatch(message);
    };
    at({ Default: "x" }, "Parameters.P.Type", /the parameter type is missing \(one of String, Number, CommaDelimitedList, Json, Boolean\)/);
    at({ Type: "string" }, "Parameters.P.Type", /is "string"/);
    at({ Type: "String", Minimum: 1 }, "Parameters.P.Minimum", /unknown key "Minimum"/);
    at({ Type: "String", MinLength: "two" }, "Parameters.P.MinLength", /must be a number/);
    at({ Type: "String", NoEcho: "yes" }, "Parameters.P.NoEcho", /true or false/);
    at({ Type: "Number", Default: "many" }, "Parameters.P.Default", /./);
    at({ Type: "String", AllowedValues: "a" }, "Parameters.P.AllowedValues", /./);
  });
});

describe("CloudFormation dialect: the README example", () => {
  it("compiles, with a nested CFN template resource naming its errors in CFN terms", () => {
    const main = `
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: { Type: String, AllowedValues: [dev, prod], Default: dev }
Mappings:
  Sizes: { dev: { value: small }, prod: { value: large } }
Conditions:
  IsProd: { "Fn::Equals": [{ Ref: Env }, prod] }
Resources:
  app:
    Type: ${anything}
    Properties:
      label: { "Fn::Join": ["-", [{ Ref: "AWS::StackName" }, { "Fn::FindInMap": [Sizes, { Ref: Env }, value] }]] }
  backup: { Type: ${anything}, Condition: IsProd, DependsOn: app, DeletionPolicy: Retain }
  child: { Type: child.yaml, Properties: { Size: 3 } }
Outputs:
  app: { Value: { "Fn::GetAtt": [app, out] } }
`;
    const child = (size: string) => `
HeatTemplateFormatVersion: '2012-12-12'
Parameters:
  Size: { Type: Number, MaxValue: ${size} }
Resources:
  db: { Type: ${db}, Properties: { size: { Ref: Size } } }
`;
    const compiled = compileTemplate(parseTemplate(main), { types: testTypes, stackName: "site", files: { "child.yaml": child("5") }, parameters: { Env: "prod" } });
    expect(compiled.resources.app?.properties.label).toBe("site-large");
    expect(Object.keys(compiled.resources).sort()).toEqual(["app", "backup", "child", "child/db"]);
    expect(compiled.resources["child/db"]?.properties).toEqual({ size: 3 });
    const nested = validationError(() => compileTemplate(parseTemplate(main.replace("Size: 3", "Size: 9")), { types: testTypes, files: { "child.yaml": child("5") } }));
    expect(nested.path).toBe("Resources.child.Properties.Size");
    expect(nested.message).toMatch(/must be at most 5/);
    const inChild = validationError(() =>
      compileTemplate(parseTemplate(main), { types: testTypes, files: { "child.yaml": child("5").replace("{ Ref: Size }", "{ Ref: Nope }") } }),
    );
    expect(inChild.path).toBe("Resources.child.Resources.db.Properties.size");
    expect(inChild.message).toMatch(/Ref refers to "Nope"/);
  });
});
