import { describe, expect, it } from "vitest";
import type { TemplateValidationError } from "../../errors.js";
import { compileTemplate } from "../compile.js";
import { resolveValue } from "../resolve.js";
import type { ResolveContext } from "../resolve.js";
import { testTypes, validationError } from "../../../test/support/template-fixtures.js";
import { translateCfnTemplate } from "./translate.js";

const anything = "test:misc:Anything";
const PATH = "Resources.any.Properties.v";

interface Extra {
  readonly Parameters?: Record<string, unknown>;
  readonly Mappings?: Record<string, unknown>;
  readonly Conditions?: Record<string, unknown>;
  readonly values?: Record<string, unknown>;
}

const template = (v: unknown, extra: Extra = {}) => ({
  AWSTemplateFormatVersion: "2010-09-09",
  ...(extra.Parameters === undefined ? {} : { Parameters: extra.Parameters }),
  ...(extra.Mappings === undefined ? {} : { Mappings: extra.Mappings }),
  ...(extra.Conditions === undefined ? {} : { Conditions: extra.Conditions }),
  Resources: { src: { Type: anything }, any: { Type: anything, Properties: { v } } },
});
const compiled = (v: unknown, extra: Extra = {}) => compileTemplate(template(v, extra), { types: testTypes, parameters: extra.values ?? {} });
const valueOf = (v: unknown, extra: Extra = {}): unknown => compiled(v, extra).resources.any?.properties.v;
const errorOf = (v: unknown, extra: Extra = {}): TemplateValidationError => validationError(() => compiled(v, extra));
const context = (out: unknown): ResolveContext => ({ getResource: (name) => `${name}-id`, getAttr: () => out });
/** Compile, then resolve at run time with `src.out` = `out`. */
const atRunTime = (v: unknown, out: unknown, extra: Extra = {}): unknown => resolveValue(valueOf(v, extra), context(out), PATH);

const params = { Parameters: { Env: { Type: "String", Default: "dev" }, List: { Type: "CommaDelimitedList", Default: "a,b,c" } } };

describe("CloudFormation functions", () => {
  it("Ref reads a parameter, a resource's reference id or a pseudo parameter", () => {
    expect(valueOf({ Ref: "Env" }, params)).toBe("dev");
    expect(valueOf({ Ref: "src" })).toEqual({ get_resource: "src" });
    expect(atRunTime({ Ref: "src" }, null)).toBe("src-id");
    expect(valueOf({ Ref: "AWS::Region" })).toBe("ap-southeast-1");
    expect(valueOf({ Ref: "AWS::Region" }, { values: { "AWS::Region": "eu-west-1" } })).toBe("eu-west-1");
    const named = compileTemplate(template([{ Ref: "AWS::StackName" }, { Ref: "AWS::StackId" }]), { types: testTypes, stackName: "site", stackId: "id-1" });
    expect(named.resources.any?.properties.v).toEqual(["site", "id-1"]);
    const hot = translateCfnTemplate(template([{ Ref: "AWS::StackName" }, { Ref: "AWS::StackId" }]));
    expect((hot.template.resources as Record<string, { properties: unknown }>).any?.properties).toEqual({
      v: [{ get_param: "OS::stack_name" }, { get_param: "OS::stack_id" }],
    });
    const unknown = errorOf({ Ref: "Nope" }, params);
    expect(unknown.path).toBe(PATH);
    expect(unknown.message).toMatch(/Ref refers to "Nope", which is neither a parameter \(Env, List\), a resource \(src, any\) nor a pseudo parameter/);
    expect(errorOf({ Ref: ["src"] }).message).toMatch(/Ref takes the name of a parameter or a resource/);
    expect(errorOf({ Ref: "AWS::NoValue" }).message).toMatch(/may only be a value of Fn::If/);
  });

  it("Fn::GetAtt, Fn::Join, Fn::Split and Fn::Replace fold when literal and resolve at run time otherwise", () => {
    expect(atRunTime({ "Fn::GetAtt": ["src", "out"] }, "x")).toBe("x");
    expect(valueOf({ "Fn::Join": ["-", ["a", { Ref: "Env" }]] }, params)).toBe("a-dev");
    expect(atRunTime({ "Fn::Join": [",", ["a", { "Fn::GetAtt": ["src", "out"] }]] }, "z")).toBe("a,z");
    expect(valueOf({ "Fn::Split": [",", "a,b"] })).toEqual(["a", "b"]);
    expect(atRunTime({ "Fn::Split": [":", { "Fn::GetAtt": ["src", "out"] }] }, "h:1")).toEqual(["h", "1"]);
    expect(valueOf({ "Fn::Replace": [{ $who: { Ref: "Env" } }, "hello $who"] }, params)).toBe("hello dev");
    expect(atRunTime({ "Fn::Replace": [{ $ip: { "Fn::GetAtt": ["src", "out"] } }, "ip=$ip"] }, "10.0.0.1")).toBe("ip=10.0.0.1");
  });

  it("Fn::Select picks by index or key, \"\" when there is none, at compile time and at run time", () => {
    expect(valueOf({ "Fn::Select": ["1", ["a", "b"]] })).toBe("b");
    expect(valueOf({ "Fn::Select": [0, { Ref: "List" }] }, params)).toBe("a");
    expect(valueOf({ "Fn::Select": ["9", ["a"]] })).toBe("");
    expect(valueOf({ "Fn::Select": ["k", { k: { x: 1 } }] })).toEqual({ x: 1 });
    expect(valueOf({ "Fn::Select": ["z", { k: 1 }] })).toBe("");
    expect(valueOf({ "Fn::Select": ["1", '["a", "b"]'] })).toBe("b");
    expect(valueOf({ "Fn::Select": ["1", ""] })).toBe("");
    expect(atRunTime({ "Fn::Select": ["1", { "Fn::GetAtt": ["src", "out"] }] }, ["p", "q"])).toBe("q");
    expect(atRunTime({ "Fn::Select": ["1", { "Fn::GetAtt": ["src", "out"] }] }, null)).toBe("");
    const bad = errorOf({ "Fn::Select": ["x", ["a"]] });
    expect(bad.path).toBe(PATH);
    expect(bad.message).toMatch(/Fn::Select takes \[index, list or mapping\]: the index of a list must be an integer/);
    expect(errorOf({ "Fn::Select": [1] }).message).toMatch(/Fn::Select takes/);
  });

  it("Fn::Base64 passes a string through (as Heat does) and rejects anything else", () => {
    expect(valueOf({ "Fn::Base64": "#!/bin/sh" })).toBe("#!/bin/sh");
    expect(atRunTime({ "Fn::Base64": { "Fn::GetAtt": ["src", "out"] } }, "data")).toBe("data");
    expect(errorOf({ "Fn::Base64": ["x"] }).message).toMatch(/Fn::Base64 takes a string/);
  });

  it("Fn::MemberListToMap decodes AWS member lists (records by index, later wins, incomplete ones left out)", () => {
    const list = [".member.0.Name=env", ".member.0.Value=prod", ".member.1.Name=tier", ".member.2.Value=lost", ".member.10.Name=x", ".member.10.Value=a=b", "noise"];
    expect(valueOf({ "Fn::MemberListToMap": ["Name", "Value", list] })).toEqual({ env: "prod", x: "a=b" });
    expect(atRunTime({ "Fn::MemberListToMap": ["Name", "Value", { "Fn::GetAtt": ["src", "out"] }] }, [".member.0.Name=k", ".member.0.Value=v"])).toEqual({ k: "v" });
    expect(errorOf({ "Fn::MemberListToMap": ["Name", "Value", [1]] }).message).toMatch(/member list items must be strings/);
    expect(errorOf({ "Fn::MemberListToMap": ["Name", "Value"] }).path).toBe(PATH);
  });

  it("Fn::FindInMap reads the Mappings, with literal keys or keys from parameters", () => {
    const Mappings = { Sizes: { dev: { cpu: 1, disk: "10" }, prod: { cpu: 8, disk: "100" } } };
    expect(valueOf({ "Fn::FindInMap": ["Sizes", "prod", "cpu"] }, { Mappings })).toBe(8);
    expect(valueOf({ "Fn::FindInMap": ["Sizes", { Ref: "Env" }, "disk"] }, { ...params, Mappings })).toBe("10");
    expect(valueOf({ "Fn::FindInMap": ["Sizes", { Ref: "Env" }, "disk"] }, { ...params, Mappings, values: { Env: "prod" } })).toBe("100");
    const missing = errorOf({ "Fn::FindInMap": ["Sizes", "test", "cpu"] }, { Mappings });
    expect(missing.path).toBe(`${PATH}.Fn::FindInMap.1`);
    expect(missing.message).toMatch(/mapping "Sizes" has no key "test"/);
    expect(errorOf({ "Fn::FindInMap": ["Sizes", "dev", "ram"] }, { Mappings }).path).toBe(`${PATH}.Fn::FindInMap.2`);
    expect(errorOf({ "Fn::FindInMap": ["Other", "dev", "ram"] }, { Mappings }).message).toMatch(/unknown mapping "Other" \(declared: Sizes\)/);
    expect(validationError(() => compiled(1, { Mappings: { M: { k: { v: { Ref: "x" } } } } })).path).toBe("Mappings.M.k.v");
  });

  it("Conditions, Fn::If (with AWS::NoValue), Fn::Equals, Fn::And, Fn::Or, Fn::Not", () => {
    const Conditions = {
      IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] },
      NotProd: { "Fn::Not": ["IsProd"] },
      Both: { "Fn::And": [{ Condition: "NotProd" }, { "Fn::Equals": ["a", "a"] }] },
      Either: { "Fn::Or": ["IsProd", { "Fn::Not": [{ Condition: "Both" }] }] },
    };
    const extra = (Env: string): Extra => ({ ...params, Conditions, values: { Env } });
    const v = ["IsProd", "NotProd", "Both", "Either"].map((c) => ({ "Fn::If": [c, true, false] }));
    expect(valueOf(v, extra("dev"))).toEqual([false, true, true, false]);
    expect(valueOf(v, extra("prod"))).toEqual([true, false, false, true]);
    const noValue = { Ref: "AWS::NoValue" };
    expect(valueOf([{ "Fn::If": ["IsProd", "p", noValue] }, { "Fn::If": ["IsProd", noValue, "d"] }], extra("dev"))).toEqual(["d"]);
    expect(valueOf([{ "Fn::If": ["IsProd", "p", noValue] }, { "Fn::If": ["IsProd", noValue, "d"] }], extra("prod"))).toEqual(["p"]);
    const unknown = errorOf({ "Fn::If": ["Nope", 1, 2] }, extra("dev"));
    expect(unknown.path).toBe(`${PATH}.Fn::If.0`);
    expect(errorOf({ "Fn::If": ["IsProd", 1] }, extra("dev")).message).toMatch(/Fn::If takes \[condition, value_if_true, value_if_false\]/);
    const badCondition = validationError(() => compiled(1, { ...params, Conditions: { C: { "Fn::Not": "IsProd" } } }));
    expect(badCondition.path).toBe("Conditions.C.Fn::Not");
    const inner = validationError(() => compiled(1, { ...params, Conditions: { C: { "Fn::And": ["x", "y"] } } }));
    expect(inner.path).toBe("Conditions.C.Fn::And.0");
  });

  it("Condition on resources and outputs", () => {
    const t = {
      HeatTemplateFormatVersion: "2012-12-12",
      Parameters: { Env: { Type: "String", Default: "dev" } },
      Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } },
      Resources: { big: { Type: anything, Condition: "IsProd" }, small: { Type: anything } },
      Outputs: { big: { Value: { Ref: "big" }, Condition: "IsProd" } },
    };
    const dev = compileTemplate(t, { types: testTypes, parameters: {} });
    expect(Object.keys(dev.resources)).toEqual(["small"]);
    expect(dev.outputs.big?.value).toBeNull();
    const prod = compileTemplate(t, { types: testTypes, parameters: { Env: "prod" } });
    expect(Object.keys(prod.resources)).toEqual(["big", "small"]);
    const broken = validationError(() => compileTemplate({ ...t, Resources: { ...t.Resources, small: { Type: anything, Properties: { v: { Ref: "big" } } } } }, { types: testTypes }));
    expect(broken.path).toBe("Resources.small.Properties.v");
    expect(broken.message).toMatch(/not part of the stack/);
  });

  it("rejects HOT functions and the CFN functions Converge does not implement, at their path", () => {
    const hot = errorOf({ get_param: "Env" }, params);
    expect(hot.path).toBe(PATH);
    expect(hot.message).toMatch(/"get_param" is a HOT function, not part of the CloudFormation dialect/);
    for (const fn of ["Fn::GetAZs", "Fn::ResourceFacade", "Fn::Sub"]) {
      const error = errorOf({ k: [{ [fn]: "x" }] });
      expect(error.path).toBe(`${PATH}.k.0`);
      expect(error.message).toMatch(new RegExp(`intrinsic function "${fn}" is not supported`));
    }
  });

  it("names the node inside a function in CFN terms", () => {
    expect(errorOf({ "Fn::Join": [1, ["a"]] }).path).toBe(PATH);
    const unknown = errorOf({ "Fn::Join": ["", ["a", { "Fn::GetAtt": ["nope", "out"] }]] });
    expect(unknown.path).toBe(`${PATH}.Fn::Join.1.1`);
    expect(unknown.message).toBe(`${PATH}.Fn::Join.1.1: Fn::GetAtt refers to unknown resource "nope"`);
    expect(errorOf({ "Fn::Replace": [{ a: { "Fn::GetAtt": ["src", "nope"] } }, "a"] }).path).toBe(`${PATH}.Fn::Replace.0.a`);
    expect(errorOf({ "Fn::Replace": [{}, { "Fn::GetAtt": ["src", "nope"] }] }).path).toBe(`${PATH}.Fn::Replace.1`);
    expect(errorOf({ "Fn::GetAtt": ["src"] }).path).toBe(`${PATH}.Fn::GetAtt`);
  });
});
