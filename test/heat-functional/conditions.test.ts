/**
 * Port of Heat's `heat_integrationtests/functional/test_conditions.py` (the same templates,
 * CloudFormation and HOT, the same update sequences and assertions).
 *
 * Ported: every test of CreateUpdateResConditionTest and CreateNestedOutputConditionTest
 * (the latter uses a template resource from `files`).
 */
import { describe, expect, it } from "vitest";
import { HeatKit } from "./support/heat-kit.js";
import { cfnTemplate, hotTemplate, beforeRenameTmpl, afterRenameTmpl, failRenameTmpl, recoverRenameTmpl, rootOutputTmpl, nestedOutputTmpl } from "./templates/conditions.js";

const notDeleted = () => true;

async function resAssertForProd(heat: HeatKit, stack: string, { bjProd = true, fjZone = false, shannxiProvice = false } = {}): Promise<void> {
  const resources = await heat.listResources(stack, notDeleted);
  const names = new Set(Object.keys(resources));
  if (bjProd) {
    expect(names.size).toBe(4);
    expect(names).toContain("beijing_prod_res");
    expect(names).toContain("not_shannxi_res");
  } else if (fjZone) {
    expect(names.size).toBe(5);
    expect(names).toContain("fujian_res");
    expect(names).not.toContain("beijing_prod_res");
    expect(names).toContain("not_shannxi_res");
    expect(names).toContain("fujian_prod_res");
  } else if (shannxiProvice) {
    expect(names.size).toBe(3);
    expect(names).toContain("shannxi_res");
  } else {
    expect(names.size).toBe(3);
    expect(names).toContain("not_shannxi_res");
  }
  expect(names).toContain("prod_res");
  expect(names).toContain("test_res");
}

async function resAssertForTest(heat: HeatKit, stack: string, { fjZone = false, shannxiProvice = false } = {}): Promise<void> {
  const resources = await heat.listResources(stack, notDeleted);
  const names = new Set(Object.keys(resources));
  if (fjZone) {
    expect(names.size).toBe(4);
    expect(names).toContain("fujian_res");
    expect(names).toContain("not_shannxi_res");
  } else if (shannxiProvice) {
    expect(names.size).toBe(3);
    expect(names).not.toContain("fujian_res");
    expect(names).toContain("shannxi_res");
  } else {
    expect(names.size).toBe(3);
    expect(names).toContain("not_shannxi_res");
  }
  expect(names).toContain("test_res");
  expect(names).toContain("test_res1");
  expect(names).not.toContain("prod_res");
}

async function outputAssertForProd(heat: HeatKit, stack: string, bjProd = true): Promise<void> {
  expect(await heat.output(stack, "res_value")).toBe("prod_res");
  expect(await heat.output(stack, "test_res_value")).toBe("env_is_prod");
  expect(await heat.output(stack, "prod_resource")).not.toBe("no_prod_res");
  expect(await heat.output(stack, "test_res1_value")).toBe("no_test_res1");
  if (bjProd) expect(await heat.output(stack, "beijing_prod_res")).not.toBe("no_prod_res");
  else expect(await heat.output(stack, "beijing_prod_res")).toBe("no_prod_res");
}

async function outputAssertForTest(heat: HeatKit, stack: string): Promise<void> {
  expect(await heat.output(stack, "res_value")).toBeNull();
  expect(await heat.output(stack, "test_res_value")).toBe("env_is_test");
  expect(await heat.output(stack, "prod_resource")).toBe("no_prod_res");
  expect(await heat.output(stack, "test_res1_value")).toBe("just in test env");
  expect(await heat.output(stack, "beijing_prod_res")).toBe("no_prod_res");
}

describe("CreateUpdateResConditionTest", () => {
  it("test_stack_create_update_cfn_template_test_to_prod", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(cfnTemplate);
    await resAssertForTest(heat, stack);
    await outputAssertForTest(heat, stack);

    await heat.updateStack(stack, cfnTemplate, { parameters: { zone: "fuzhou" } });
    await resAssertForTest(heat, stack, { fjZone: true });
    await outputAssertForTest(heat, stack);

    await heat.updateStack(stack, cfnTemplate, { parameters: { zone: "xianyang" } });
    await resAssertForTest(heat, stack, { shannxiProvice: true });
    await outputAssertForTest(heat, stack);

    await heat.updateStack(stack, cfnTemplate, { parameters: { env_type: "prod" } });
    await resAssertForProd(heat, stack);
    await outputAssertForProd(heat, stack);

    await heat.updateStack(stack, cfnTemplate, { parameters: { env_type: "prod", zone: "shanghai" } });
    await resAssertForProd(heat, stack, { bjProd: false });
    await outputAssertForProd(heat, stack, false);

    await heat.updateStack(stack, cfnTemplate, { parameters: { env_type: "prod", zone: "xiamen" } });
    await resAssertForProd(heat, stack, { bjProd: false, fjZone: true });
    await outputAssertForProd(heat, stack, false);

    await heat.updateStack(stack, cfnTemplate, { parameters: { env_type: "prod", zone: "xianyang" } });
    await resAssertForProd(heat, stack, { bjProd: false, fjZone: false, shannxiProvice: true });
    await outputAssertForProd(heat, stack, false);
  });

  it("test_stack_create_update_cfn_template_prod_to_test", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(cfnTemplate, { parameters: { env_type: "prod" } });
    await resAssertForProd(heat, stack);
    await outputAssertForProd(heat, stack);

    await heat.updateStack(stack, cfnTemplate, { parameters: { zone: "xiamen", env_type: "prod" } });
    await resAssertForProd(heat, stack, { bjProd: false, fjZone: true });
    await outputAssertForProd(heat, stack, false);

    await heat.updateStack(stack, cfnTemplate, { parameters: { zone: "xianyang", env_type: "prod" } });
    await resAssertForProd(heat, stack, { bjProd: false, fjZone: false, shannxiProvice: true });
    await outputAssertForProd(heat, stack, false);

    await heat.updateStack(stack, cfnTemplate, { parameters: { zone: "shanghai", env_type: "prod" } });
    await resAssertForProd(heat, stack, { bjProd: false, fjZone: false, shannxiProvice: false });
    await outputAssertForProd(heat, stack, false);

    await heat.updateStack(stack, cfnTemplate, { parameters: { env_type: "test" } });
    await resAssertForTest(heat, stack);
    await outputAssertForTest(heat, stack);

    await heat.updateStack(stack, cfnTemplate, { parameters: { env_type: "test", zone: "fuzhou" } });
    await resAssertForTest(heat, stack, { fjZone: true });
    await outputAssertForTest(heat, stack);

    await heat.updateStack(stack, cfnTemplate, { parameters: { env_type: "test", zone: "xianyang" } });
    await resAssertForTest(heat, stack, { fjZone: false, shannxiProvice: true });
    await outputAssertForTest(heat, stack);
  });

  it("test_stack_create_update_hot_template_test_to_prod", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(hotTemplate);
    await resAssertForTest(heat, stack);
    await outputAssertForTest(heat, stack);

    await heat.updateStack(stack, hotTemplate, { parameters: { zone: "xianyang" } });
    await resAssertForTest(heat, stack, { shannxiProvice: true });
    await outputAssertForTest(heat, stack);

    await heat.updateStack(stack, hotTemplate, { parameters: { env_type: "prod" } });
    await resAssertForProd(heat, stack);
    await outputAssertForProd(heat, stack);

    await heat.updateStack(stack, hotTemplate, { parameters: { env_type: "prod", zone: "shanghai" } });
    await resAssertForProd(heat, stack, { bjProd: false });
    await outputAssertForProd(heat, stack, false);

    await heat.updateStack(stack, hotTemplate, { parameters: { env_type: "prod", zone: "xianyang" } });
    await resAssertForProd(heat, stack, { bjProd: false, shannxiProvice: true });
    await outputAssertForProd(heat, stack, false);
  });

  it("test_stack_create_update_hot_template_prod_to_test", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(hotTemplate, { parameters: { env_type: "prod" } });
    await resAssertForProd(heat, stack);
    await outputAssertForProd(heat, stack);

    await heat.updateStack(stack, hotTemplate, { parameters: { env_type: "prod", zone: "xianyang" } });
    await resAssertForProd(heat, stack, { bjProd: false, shannxiProvice: true });
    await outputAssertForProd(heat, stack, false);

    await heat.updateStack(stack, hotTemplate, { parameters: { env_type: "test" } });
    await resAssertForTest(heat, stack);
    await outputAssertForTest(heat, stack);

    await heat.updateStack(stack, hotTemplate, { parameters: { env_type: "test", zone: "xianyang" } });
    await resAssertForTest(heat, stack, { fjZone: false, shannxiProvice: true });
    await outputAssertForTest(heat, stack);
  });

  it("test_condition_rename", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(beforeRenameTmpl);
    await heat.updateStack(stack, afterRenameTmpl);
    await heat.updateStack(stack, failRenameTmpl, { expectedStatus: "UPDATE_FAILED" });
    await heat.updateStack(stack, recoverRenameTmpl);
  });
});

describe("CreateNestedOutputConditionTest", () => {
  it("test_condition_nested_outputs", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(rootOutputTmpl, { files: { "nested_output.yaml": nestedOutputTmpl } });
    expect(await heat.output(stack, "standard")).toBe("hello");
    expect(await heat.output(stack, "cond")).toBeNull();
    expect(await heat.output(stack, "cond_value")).toBe("test");
  });
});
