/**
 * Port of Heat's `heat_integrationtests/functional/test_default_parameters.py`: `parameters`
 * and `parameter_defaults` of the environment, reaching a template resource's template.
 *
 * Ported: DefaultParametersTest.test_defaults with its four scenarios.
 */
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { HeatKit } from "./support/heat-kit.js";

const template = `
heat_template_version: 2013-05-23
parameters:
  length:
    type: string
    default: 40
resources:
  random1:
    type: nested_random.yaml
  random2:
    type: OS::Heat::RandomString
    properties:
      length: {get_param: length}
outputs:
  random1:
    value: {get_attr: [random1, random1_value]}
  random2:
    value: {get_resource: random2}
`;

const nestedTemplate = `
heat_template_version: 2013-05-23
parameters:
  length:
    type: string
    default: 50
resources:
  random1:
    type: OS::Heat::RandomString
    properties:
      length: {get_param: length}
outputs:
  random1_value:
    value: {get_resource: random1}
`;

interface Scenario {
  readonly param: number | null;
  readonly default: number | null;
  readonly tempDef: boolean;
  readonly expect1: number;
  readonly expect2: number;
}

const scenarios: [string, Scenario][] = [
  ["none", { param: null, default: null, tempDef: true, expect1: 50, expect2: 40 }],
  ["default", { param: null, default: 12, tempDef: true, expect1: 12, expect2: 12 }],
  ["both", { param: 15, default: 12, tempDef: true, expect1: 12, expect2: 15 }],
  ["no_temp_default", { param: null, default: 12, tempDef: false, expect1: 12, expect2: 12 }],
];

describe("DefaultParametersTest", () => {
  it.each(scenarios)("test_defaults(%s)", async (_name, s) => {
    const heat = new HeatKit();
    const env: { parameters: Record<string, unknown>; parameter_defaults: Record<string, unknown> } = { parameters: {}, parameter_defaults: {} };
    if (s.param !== null) env.parameters = { length: s.param };
    if (s.default !== null) env.parameter_defaults = { length: s.default };
    let nested = nestedTemplate;
    if (!s.tempDef) {
      // Remove the default from the parameter in the nested template.
      const ntempl = parse(nestedTemplate) as { parameters: { length: Record<string, unknown> } };
      delete ntempl.parameters.length.default;
      nested = stringify(ntempl);
    }
    const stack = await heat.stackCreate(template, { files: { "nested_random.yaml": nested }, environment: env });
    expect(((await heat.output(stack, "random1")) as string).length).toBe(s.expect1);
    expect(((await heat.output(stack, "random2")) as string).length).toBe(s.expect2);
  });
});
