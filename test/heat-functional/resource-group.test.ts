/**
 * Port of Heat's `heat_integrationtests/functional/test_resource_group.py`.
 *
 * Ported: ResourceGroupTest (test_resource_group_zero_novalidate, test_create,
 * test_create_nested_groups_with_timeout, test_update_increase_decrease_count,
 * test_update_removal_policies, test_props_update, test_update_nochange,
 * test_update_nochange_resource_needs_update), ResourceGroupTestNullParams (its five
 * scenarios), ResourceGroupErrorResourceTest and ResourceGroupUpdatePolicyTest (all eight).
 * Heat's group nested stack (`group_nested_identifier`) is `STACK/group` here.
 *
 * Adapted: Heat's validation error names the path as
 * `resources.random_group<nested_stack>.resources.0<provider.yaml>.resources.random`;
 * Converge's `TemplateValidationError.path` goes through the nesting
 * (`resources.random_group.resources.0.resources.random.properties.length`).
 * test_create_nested_groups_with_timeout checks Heat's per-nested-stack `timeout_mins`;
 * Converge's nested stacks are part of the stack's one traversal and have no timeout of their
 * own, so the port checks the create (with batch_create and the stack timeout) completes.
 *
 * Not ported: test_validation (the format of Heat's `stacks.validate` API answer) and
 * ResourceGroupAdoptTest (Heat's adopt-data format; Converge adopts its own abandoned-stack
 * format, covered by abandon-adopt.test.ts).
 */
import { TemplateValidationError } from "@converge/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HeatKit } from "./support/heat-kit.js";
import { policyTemplate, template } from "./templates/resource-group.js";

const randomEnv = { resource_registry: { "My::RandomString": "OS::Heat::RandomString" } };

/** The type a group member of `My::RandomString` is listed with: the alias, as in Heat. */
const memberType = "My::RandomString";

async function validateResources(heat: HeatKit, stack: string, expectedCount: number): Promise<void> {
  const resources = await heat.listResources(`${stack}/random_group`);
  expect(Object.keys(resources).length).toBe(expectedCount);
  const expected: Record<string, string> = {};
  for (let i = 0; i < expectedCount; i++) expected[String(i)] = memberType;
  expect(resources).toEqual(expected);
}

describe("ResourceGroupTest", () => {
  it("test_resource_group_zero_novalidate", async () => {
    const heat = new HeatKit();
    const nestedTemplateFail = `
heat_template_version: 2013-05-23
parameters:
  length:
    type: string
    default: 50
  salt:
    type: string
    default: initial
resources:
  random:
    type: OS::Heat::RandomString
    properties:
      length: BAD
`;
    const files = { "provider.yaml": nestedTemplateFail };
    const env = { resource_registry: { "My::RandomString": "provider.yaml" } };
    const stack = await heat.stackCreate(template, { files, environment: env });
    expect(await heat.listResources(stack)).toEqual({ random_group: "OS::Heat::ResourceGroup" });
    expect(await heat.listResources(`${stack}/random_group`)).toEqual({});

    const templateTwoNested = template.replace("count: 0", "count: 2");
    const expectedPath = /^resources\.random_group\.resources\.0\.resources\.random\.properties\.length$/;
    const onUpdate = await heat.updateStack(stack, templateTwoNested, { environment: env, files }).catch((e: unknown) => e);
    expect(onUpdate).toBeInstanceOf(TemplateValidationError);
    expect((onUpdate as TemplateValidationError).path).toMatch(expectedPath);
    const onCreate = await heat.stackCreate(templateTwoNested, { environment: env, files }).catch((e: unknown) => e);
    expect(onCreate).toBeInstanceOf(TemplateValidationError);
    expect((onCreate as TemplateValidationError).path).toMatch(expectedPath);
  });

  const testCreate = async (): Promise<void> => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(template.replace("count: 0", "count: 2"), { environment: randomEnv });
    expect(await heat.listResources(stack)).toEqual({ random_group: "OS::Heat::ResourceGroup" });
    await validateResources(heat, stack, 2);
    const outputs: unknown[] = [];
    for (const key of ["random1", "random2"]) {
      const value = (await heat.output(stack, key)) as string;
      expect(value.length).toBe(30);
      outputs.push(value);
    }
    expect(await heat.output(stack, "all_values")).toEqual(outputs);
  };
  it("test_create", async () => {
    await testCreate();
  });

  it("test_create_nested_groups_with_timeout", async () => {
    const heat = new HeatKit();
    const parentTemplate = `
heat_template_version: rocky
resources:
  parent_group:
    type: OS::Heat::ResourceGroup
    update_policy:
      batch_create: { max_batch_size: 1, pause_time: 1 }
    properties:
      count: 2
      resource_def:
        type: child.yaml
`;
    const childTemplate = `
heat_template_version: rocky
resources:
  child_group:
    type: OS::Heat::ResourceGroup
    update_policy:
      batch_create: { max_batch_size: 1, pause_time: 1 }
    properties:
      count: 2
      resource_def:
        type: value.yaml
`;
    const valueTemplate = `
heat_template_version: rocky
resources:
  value:
    type: OS::Heat::Value
    properties:
      type: string
      value: 'test'
`;
    const stack = await heat.stackCreate(parentTemplate, { files: { "child.yaml": childTemplate, "value.yaml": valueTemplate }, timeout: 10 });
    const rows = await heat.engine.listResources(stack);
    expect(rows.filter((r) => r.type === "OS::Heat::Value" && r.state === "CREATE_COMPLETE").length).toBe(4);
  });

  const testUpdateIncreaseDecreaseCount = async (): Promise<void> => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(template.replace("count: 0", "count: 2"), { environment: randomEnv });
    expect(await heat.listResources(stack)).toEqual({ random_group: "OS::Heat::ResourceGroup" });
    await validateResources(heat, stack, 2);
    await heat.updateStack(stack, template.replace("count: 0", "count: 5"), { environment: randomEnv });
    await validateResources(heat, stack, 5);
    await heat.updateStack(stack, template.replace("count: 0", "count: 3"), { environment: randomEnv });
    await validateResources(heat, stack, 3);
  };
  it("test_update_increase_decrease_count", async () => {
    await testUpdateIncreaseDecreaseCount();
  });

  it("test_update_removal_policies", async () => {
    const heat = new HeatKit();
    const rpTemplate = `
heat_template_version: 2014-10-16
resources:
  random_group:
    type: OS::Heat::ResourceGroup
    properties:
      count: 5
      removal_policies: []
      resource_def:
        type: OS::Heat::RandomString
`;
    const stack = await heat.stackCreate(rpTemplate);
    expect(await heat.listResources(stack)).toEqual({ random_group: "OS::Heat::ResourceGroup" });
    const rs = "OS::Heat::RandomString";
    expect(await heat.listResources(`${stack}/random_group`)).toEqual({ "0": rs, "1": rs, "2": rs, "3": rs, "4": rs });
    await heat.updateStack(stack, rpTemplate.replace("removal_policies: []", "removal_policies: [{resource_list: ['1', '2', '3']}]"));
    expect(await heat.listResources(`${stack}/random_group`)).toEqual({ "0": rs, "4": rs, "5": rs, "6": rs, "7": rs });
  });

  const testPropsUpdate = async (): Promise<void> => {
    const heat = new HeatKit();
    const templateOne = template.replace("count: 0", "count: 1");
    const stack = await heat.stackCreate(templateOne, { environment: randomEnv });
    expect(await heat.listResources(stack)).toEqual({ random_group: "OS::Heat::ResourceGroup" });
    expect(await heat.listResources(`${stack}/random_group`)).toEqual({ "0": memberType });
    const initialGroupId = await heat.physicalId(stack, "random_group");
    const initialResId = await heat.physicalId(stack, "random_group/0");
    // Changing the salt replaces the RandomString, not the nested stack or the group.
    await heat.updateStack(stack, templateOne.replace("salt: initial", "salt: more"), { environment: randomEnv });
    expect(await heat.physicalId(stack, "random_group")).toBe(initialGroupId);
    expect(await heat.physicalId(stack, "random_group/0")).not.toBe(initialResId);
  };
  it("test_props_update", async () => {
    await testPropsUpdate();
  });

  const testUpdateNochange = async (): Promise<void> => {
    const heat = new HeatKit();
    const templateOne = template.replace("count: 0", "count: 2");
    const stack = await heat.stackCreate(templateOne, { environment: randomEnv });
    expect(await heat.listResources(stack)).toEqual({ random_group: "OS::Heat::ResourceGroup" });
    expect(await heat.listResources(`${stack}/random_group`)).toEqual({ "0": memberType, "1": memberType });
    const initialGroupId = await heat.physicalId(stack, "random_group");
    const initialRand = await heat.output(stack, "random1");
    await heat.updateStack(stack, structuredClone(templateOne), { environment: randomEnv });
    expect(await heat.physicalId(stack, "random_group")).toBe(initialGroupId);
    expect(await heat.output(stack, "random1")).toBe(initialRand);
  };
  it("test_update_nochange", async () => {
    await testUpdateNochange();
  });

  const testUpdateNochangeResourceNeedsUpdate = async (): Promise<void> => {
    const heat = new HeatKit();
    const randomTempl1 = `
heat_template_version: 2013-05-23
parameters:
  length:
    type: string
    default: not-used
  salt:
    type: string
    default: not-used
resources:
  random1:
    type: OS::Heat::RandomString
    properties:
      salt: initial
outputs:
  value:
    value: {get_attr: [random1, value]}
`;
    const files1 = { "my_random.yaml": randomTempl1 };
    const files2 = { "my_random.yaml": randomTempl1.replace("salt: initial", "salt: more") };
    const env = { resource_registry: { "My::RandomString": "my_random.yaml" } };
    const templateOne = template.replace("count: 0", "count: 2");
    const stack = await heat.stackCreate(templateOne, { environment: env, files: files1 });
    expect(await heat.listResources(stack)).toEqual({ random_group: "OS::Heat::ResourceGroup" });
    expect(await heat.listResources(`${stack}/random_group`)).toEqual({ "0": memberType, "1": memberType });
    const initialGroupId = await heat.physicalId(stack, "random_group");
    const initialRand = await heat.output(stack, "random1");
    await heat.updateStack(stack, templateOne, { environment: env, files: files2 });
    expect(await heat.physicalId(stack, "random_group")).toBe(initialGroupId);
    expect(await heat.output(stack, "random1")).not.toBe(initialRand);
  };
  it("test_update_nochange_resource_needs_update", async () => {
    await testUpdateNochangeResourceNeedsUpdate();
  });
});

describe("ResourceGroupTestNullParams", () => {
  const nullTemplate = `
heat_template_version: 2013-05-23
parameters:
  param:
    type: empty
resources:
  random_group:
    type: OS::Heat::ResourceGroup
    properties:
      count: 1
      resource_def:
        type: My::RandomString
        properties:
          param: {get_param: param}
outputs:
  val:
    value: {get_attr: [random_group, val]}
`;
  const nestedTemplateFile = `
heat_template_version: 2013-05-23
parameters:
  param:
    type: empty
outputs:
  val:
    value: {get_param: param}
`;
  const scenarios: [string, unknown, string][] = [
    ["string_empty", "", "string"],
    ["boolean_false", false, "boolean"],
    ["number_zero", 0, "number"],
    ["comma_delimited_list", [], "comma_delimited_list"],
    ["json_empty", {}, "json"],
  ];
  it.each(scenarios)("test_create_pass_zero_parameter(%s)", async (_name, param, pType) => {
    const heat = new HeatKit();
    const templ = nullTemplate.replace("type: empty", `type: ${pType}`);
    const files = { "provider.yaml": nestedTemplateFile.replace("type: empty", `type: ${pType}`) };
    const env = { resource_registry: { "My::RandomString": "provider.yaml" } };
    const stack = await heat.stackCreate(templ, { files, environment: env, parameters: { param } });
    expect(((await heat.output(stack, "val")) as unknown[])[0]).toEqual(param);
  });
});

describe("ResourceGroupErrorResourceTest", () => {
  it("test_fail", async () => {
    const heat = new HeatKit();
    const groupTemplate = `
heat_template_version: "2013-05-23"
resources:
  group1:
    type: OS::Heat::ResourceGroup
    properties:
      count: 2
      resource_def:
        type: fail.yaml
`;
    const nestedTempl = `
heat_template_version: "2013-05-23"
resources:
  oops:
    type: OS::Heat::TestResource
    properties:
      fail: true
      wait_secs: 2
`;
    const stack = await heat.stackCreate(groupTemplate, { files: { "fail.yaml": nestedTempl }, expectedStatus: "CREATE_FAILED" });
    expect((await heat.engine.getStack(stack)).state).toBe("CREATE_FAILED");
    await heat.deleteStack(stack);
    expect(await heat.engine.listStacks()).toEqual([]);
  });
});

describe("ResourceGroupUpdatePolicyTest", () => {
  interface Group {
    update_policy: { rolling_update: Record<string, unknown> };
    properties: { count: number; resource_def: { type: string; properties?: Record<string, unknown> } };
  }
  const load = (): { template: { resources: { random_group: Group } }; grp: Group } => {
    const t = parse(policyTemplate) as { resources: { random_group: Group } };
    return { template: t, grp: t.resources.random_group };
  };

  async function updateResourceGroup(updateTemplate: unknown, updated: number, created: number, deleted: number): Promise<void> {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(policyTemplate);
    const initNames = (await heat.groupRows(stack, "random_group")).map((r) => r.physicalId);
    await heat.updateStack(stack, updateTemplate as object);
    const updtNames = (await heat.groupRows(stack, "random_group")).map((r) => r.physicalId);
    const init = new Set(initNames);
    const updt = new Set(updtNames);
    expect([...updt].filter((n) => init.has(n)).length).toBe(updated);
    expect([...updt].filter((n) => !init.has(n)).length).toBe(created);
    expect([...init].filter((n) => !updt.has(n)).length).toBe(deleted);
  }

  const variant = (minInService: string, maxBatchSize: string, change: (grp: Group) => void) => {
    const { template: t, grp } = load();
    grp.update_policy.rolling_update.min_in_service = minInService;
    grp.update_policy.rolling_update.max_batch_size = maxBatchSize;
    (grp.properties.resource_def.properties as Record<string, unknown>).value = "updated";
    change(grp);
    return t;
  };

  it("test_resource_group_update", async () => {
    await updateResourceGroup(variant("1", "3", () => undefined), 10, 0, 0);
  });

  it("test_resource_group_update_replace", async () => {
    const t = variant("1", "3", (grp) => {
      (grp.properties.resource_def.properties as Record<string, unknown>).update_replace = true;
    });
    await updateResourceGroup(t, 0, 10, 10);
  });

  it("test_resource_group_update_replace_template_changed", async () => {
    const heat = new HeatKit();
    const nestedTempl = `
heat_template_version: "2013-05-23"
resources:
  oops:
    type: OS::Heat::TestResource
`;
    const { template: createTemplate, grp } = load();
    grp.properties.resource_def = { type: "/opt/provider.yaml" };
    grp.update_policy.rolling_update.min_in_service = "1";
    grp.update_policy.rolling_update.max_batch_size = "3";
    const stack = await heat.stackCreate(createTemplate, { files: { "/opt/provider.yaml": nestedTempl } });
    const updateTemplate = structuredClone(createTemplate);
    updateTemplate.resources.random_group.properties.resource_def = { type: "/opt1/provider.yaml" };
    await heat.updateStack(stack, updateTemplate, { files: { "/opt1/provider.yaml": nestedTempl } });
  });

  it("test_resource_group_update_scaledown", async () => {
    await updateResourceGroup(variant("1", "3", (grp) => (grp.properties.count = 6)), 6, 0, 4);
  });

  it("test_resource_group_update_scaleup", async () => {
    await updateResourceGroup(variant("1", "3", (grp) => (grp.properties.count = 12)), 10, 2, 0);
  });

  it("test_resource_group_update_adjusted", async () => {
    await updateResourceGroup(variant("8", "4", (grp) => (grp.properties.count = 6)), 6, 0, 4);
  });

  it("test_resource_group_update_with_adjusted_capacity", async () => {
    await updateResourceGroup(variant("8", "4", () => undefined), 10, 0, 0);
  });

  it("test_resource_group_update_huge_batch_size", async () => {
    await updateResourceGroup(variant("0", "20", () => undefined), 10, 0, 0);
  });

  it("test_resource_group_update_huge_min_in_service", async () => {
    await updateResourceGroup(variant("20", "1", () => undefined), 10, 0, 0);
  });
});
