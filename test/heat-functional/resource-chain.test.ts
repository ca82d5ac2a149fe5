/**
 * Port of Heat's `heat_integrationtests/functional/test_resource_chain.py`.
 *
 * Ported: every test of ResourceChainTests. Heat's nested stack of the chain
 * (`group_nested_identifier`) is `STACK/my-chain` here.
 */
import { describe, expect, it } from "vitest";
import { HeatKit } from "./support/heat-kit.js";

const TEMPLATE_SIMPLE = `
heat_template_version: 2016-04-08
parameters:
  string-length:
    type: number
resources:
  my-chain:
    type: OS::Heat::ResourceChain
    properties:
      resources: ['OS::Heat::RandomString', 'OS::Heat::RandomString']
      resource_properties:
        length: { get_param: string-length }
outputs:
  resource-ids:
    value: { get_attr: [my-chain, refs] }
  resource-0-value:
    value: { get_attr: [my-chain, resource.0, value] }
  all-resource-attrs:
    value: { get_attr: [my-chain, attributes, value] }
`;

const TEMPLATE_PARAM_DRIVEN = `
heat_template_version: 2016-04-08
parameters:
  chain-types:
    type: comma_delimited_list
resources:
  my-chain:
    type: OS::Heat::ResourceChain
    properties:
      resources: { get_param: chain-types }
`;

describe("ResourceChainTests", () => {
  it("test_create", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(TEMPLATE_SIMPLE, { parameters: { "string-length": 8 } });
    expect(await heat.listResources(stack)).toEqual({ "my-chain": "OS::Heat::ResourceChain" });
    const nested = `${stack}/my-chain`;
    expect(await heat.listResources(nested)).toEqual({ "0": "OS::Heat::RandomString", "1": "OS::Heat::RandomString" });

    const resourceIds = (await heat.output(stack, "resource-ids")) as unknown[];
    expect(resourceIds).not.toBeNull();
    expect(resourceIds.length).toBe(2);
    const resourceValue = (await heat.output(stack, "resource-0-value")) as string;
    expect(resourceValue).not.toBeNull();
    expect(resourceValue.length).toBe(8);
    const resourceAttrs = (await heat.output(stack, "all-resource-attrs")) as Record<string, string>;
    expect(resourceAttrs).not.toBeNull();
    expect(typeof resourceAttrs).toBe("object");
    expect(Object.keys(resourceAttrs).length).toBe(2);
    expect(resourceAttrs["0"]?.length).toBe(8);
    expect(resourceAttrs["1"]?.length).toBe(8);
  });

  it("test_update", async () => {
    const heat = new HeatKit();
    const params = { "string-length": 8 };
    const stack = await heat.stackCreate(TEMPLATE_SIMPLE, { parameters: params });
    const updateTmpl = `
        heat_template_version: 2016-04-08
        parameters:
          string-length:
            type: number
        resources:
          my-chain:
            type: OS::Heat::ResourceChain
            properties:
              resources: ['OS::Heat::None']
        `;
    await heat.updateStack(stack, updateTmpl, { parameters: params });
    expect(await heat.listResources(`${stack}/my-chain`)).toEqual({ "0": "OS::Heat::None" });
  });

  it("test_update_resources", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(TEMPLATE_PARAM_DRIVEN, { parameters: { "chain-types": "OS::Heat::None" } });
    const nested = `${stack}/my-chain`;
    expect(await heat.listResources(nested)).toEqual({ "0": "OS::Heat::None" });
    await heat.updateStack(stack, TEMPLATE_PARAM_DRIVEN, { parameters: { "chain-types": "OS::Heat::None,OS::Heat::None" } });
    expect(await heat.listResources(nested)).toEqual({ "0": "OS::Heat::None", "1": "OS::Heat::None" });
  });

  it("test_resources_param_driven", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(TEMPLATE_PARAM_DRIVEN, { parameters: { "chain-types": "OS::Heat::None,OS::Heat::RandomString,OS::Heat::None" } });
    expect(await heat.listResources(`${stack}/my-chain`)).toEqual({ "0": "OS::Heat::None", "1": "OS::Heat::RandomString", "2": "OS::Heat::None" });
  });

  it("test_resources_env_defined", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(TEMPLATE_PARAM_DRIVEN, { environment: { parameters: { "chain-types": "OS::Heat::None" } } });
    expect(await heat.listResources(`${stack}/my-chain`)).toEqual({ "0": "OS::Heat::None" });
  });
});
