/**
 * Port of Heat's `heat_integrationtests/functional/test_create_update.py`.
 *
 * Ported (same templates, update sequences and assertions): CreateStackTest
 * (test_create_rollback) and every UpdateStackTest test that uses only in-scope types.
 * Out of scope: test_stack_update_flavor_volume and test_stack_update_with_replacing_userdata
 * (OS::Nova::Server, OS::Cinder::Volume). Heat's PATCH updates (`existing=True`) are sent by
 * the harness as Heat's server would apply them (the last template, environment and files;
 * parameters merged). A nested stack's resources are listed through the parent's rows: the
 * path of each row (`test1/test2`) stands for Heat's nested stack identifier.
 * `listResources` names a resource by the type the template names (`My::TestResource`), as
 * Heat does; the "in Converge" tests after them check the type it maps to, which Converge
 * shows as `ResourceInfo.implementation` (`OS::Heat::RandomString`, `Converge::NestedStack`).
 */
import { describe, expect, it } from "vitest";
import { HeatKit } from "./support/heat-kit.js";
import { failParamTemplate, providerGroupTemplate, providerTemplate, testTemplateOneResource, testTemplateTwoResource } from "./templates/create-update.js";
import type { Resource, Tmpl } from "./templates/create-update.js";

/** The properties of resource `name` (created empty when absent). */
const props = (template: Tmpl, name: string): Record<string, unknown> => ((template.resources[name] as Resource).properties ??= {});

/** Heat's `_change_rsrc_properties`: a deep copy with `values` set on each named resource's properties. */
function changeRsrcProperties(template: Tmpl, rsrcs: readonly string[], values: Record<string, unknown>): Tmpl {
  const modified = structuredClone(template);
  for (const name of rsrcs) Object.assign(props(modified, name), values);
  return modified;
}

/** The resources of the nested stack at `path` (`test1`, `test_group/0`): name → type. */
function nestedResources(heat: HeatKit, stack: string, path: string): Promise<Record<string, string>> {
  return heat.listResources(`${stack}/${path}`);
}

describe("CreateStackTest", () => {
  it("test_create_rollback", async () => {
    const heat = new HeatKit();
    const template = changeRsrcProperties(testTemplateOneResource, ["test1"], { fail: true, value: "test_create_rollback" });
    await heat.stackCreate(template, { expectedStatus: "ROLLBACK_COMPLETE", disableRollback: false });
  });
});

describe("UpdateStackTest", () => {
  it("test_stack_update_nochange", async () => {
    const heat = new HeatKit();
    const template = changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_no_change" });
    const stack = await heat.stackCreate(template);
    const expected = { test1: "OS::Heat::TestResource" };
    expect(await heat.listResources(stack)).toEqual(expected);
    await heat.updateStack(stack, template);
    expect(await heat.listResources(stack)).toEqual(expected);
  });

  it("test_stack_in_place_update", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_in_place" }));
    expect(await heat.listResources(stack)).toEqual({ test1: "OS::Heat::TestResource" });
    const initial = await heat.physicalId(stack, "test1");
    await heat.updateStack(stack, changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_in_place_update" }));
    expect(await heat.physicalId(stack, "test1")).toBe(initial);
  });

  it("test_stack_update_replace", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_replace" }));
    expect(await heat.listResources(stack)).toEqual({ test1: "OS::Heat::TestResource" });
    const initial = await heat.physicalId(stack, "test1");
    await heat.updateStack(stack, changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_in_place_update", update_replace: true }));
    expect(await heat.physicalId(stack, "test1")).not.toBe(initial);
  });

  it("test_stack_update_add_remove", async () => {
    const heat = new HeatKit();
    const template = changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_add_remove" });
    const stack = await heat.stackCreate(template);
    const initial = { test1: "OS::Heat::TestResource" };
    expect(await heat.listResources(stack)).toEqual(initial);
    await heat.updateStack(stack, changeRsrcProperties(testTemplateTwoResource, ["test1", "test2"], { value: "test_add_remove_update" }));
    expect(await heat.listResources(stack)).toEqual({ test1: "OS::Heat::TestResource", test2: "OS::Heat::TestResource" });
    await heat.updateStack(stack, template);
    expect(await heat.listResources(stack)).toEqual(initial);
  });

  it("test_stack_update_rollback", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_update_rollback" }));
    expect(await heat.listResources(stack)).toEqual({ test1: "OS::Heat::TestResource" });
    const update = changeRsrcProperties(testTemplateTwoResource, ["test1", "test2"], { value: "test_update_rollback", fail: true });
    await heat.updateStack(stack, update, { expectedStatus: "ROLLBACK_COMPLETE", disableRollback: false });
    // Since the stack update failed, only the original resource is present.
    expect(await heat.listResources(stack)).toEqual({ test1: "OS::Heat::TestResource" });
  });

  it("test_stack_update_from_failed", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_update_failed" }));
    expect(await heat.listResources(stack)).toEqual({ test1: "OS::Heat::TestResource" });
    await heat.updateStack(stack, changeRsrcProperties(testTemplateOneResource, ["test1"], { fail: true }), { expectedStatus: "UPDATE_FAILED" });
    await heat.updateStack(stack, testTemplateTwoResource);
    expect(await heat.listResources(stack)).toEqual({ test1: "OS::Heat::TestResource", test2: "OS::Heat::TestResource" });
  });

  it("test_stack_update_replace_manual_rollback", async () => {
    const heat = new HeatKit();
    const template = changeRsrcProperties(testTemplateOneResource, ["test1"], { update_replace_value: "1" });
    const stack = await heat.stackCreate(template);
    const original = await heat.physicalId(stack, "test1");
    const update = changeRsrcProperties(testTemplateOneResource, ["test1"], { update_replace_value: "2", fail: true });
    await heat.updateStack(stack, update, { expectedStatus: "UPDATE_FAILED", disableRollback: true });
    await heat.updateStack(stack, template);
    // The original resource was good and the replacement was never created: it is kept.
    expect(await heat.physicalId(stack, "test1")).toBe(original);
  });

  it("test_stack_update_provider", async () => {
    const heat = new HeatKit();
    const template = changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_provider_template" });
    const files: Record<string, string> = { "provider.template": JSON.stringify(template) };
    const env = { resource_registry: { "My::TestResource": "provider.template" } };
    const stack = await heat.stackCreate(providerTemplate, { files, environment: env });
    const initial = { test1: "My::TestResource" };
    expect(await heat.listResources(stack)).toEqual(initial);
    expect(await nestedResources(heat, stack, "test1")).toEqual({ test1: "OS::Heat::TestResource" });
    const nestedId = await heat.physicalId(stack, "test1");

    files["provider.template"] = JSON.stringify(changeRsrcProperties(testTemplateTwoResource, ["test1", "test2"], { value: "test_provider_template" }));
    await heat.updateStack(stack, providerTemplate, { environment: env, files });
    expect(await heat.physicalId(stack, "test1")).toBe(nestedId);
    expect(await nestedResources(heat, stack, "test1")).toEqual({ test1: "OS::Heat::TestResource", test2: "OS::Heat::TestResource" });
  });

  it("test_stack_update_alias_type", async () => {
    const heat = new HeatKit();
    const env = { resource_registry: { "My::TestResource": "OS::Heat::RandomString", "My::TestResource2": "OS::Heat::RandomString" } };
    const stack = await heat.stackCreate(providerTemplate, { environment: env });
    const res = await heat.resource(stack, "test1");
    expect(res.type).toBe("My::TestResource");
    expect(await heat.listResources(stack)).toEqual({ test1: "My::TestResource" });
    const update = structuredClone(providerTemplate);
    update.resources.test1.type = "My::TestResource2";
    await heat.updateStack(stack, update, { environment: env });
    const after = await heat.resource(stack, "test1");
    expect(after.physicalId).toBe(res.physicalId);
    expect(after.attributes.value).toBe(res.attributes.value);
  });

  it("test_stack_update_alias_changes", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(providerTemplate, { environment: { resource_registry: { "My::TestResource": "OS::Heat::RandomString" } } });
    const res = await heat.resource(stack, "test1");
    expect(res.type).toBe("My::TestResource");
    expect(await heat.listResources(stack)).toEqual({ test1: "My::TestResource" });
    await heat.updateStack(stack, providerTemplate, { environment: { resource_registry: { "My::TestResource": "OS::Heat::TestResource" } } });
    expect((await heat.resource(stack, "test1")).physicalId).not.toBe(res.physicalId);
  });

  it("test_stack_update_provider_type", async () => {
    const heat = new HeatKit();
    const template = changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_provider_template" });
    const files = { "provider.template": JSON.stringify(template) };
    const env = { resource_registry: { "My::TestResource": "provider.template", "My::TestResource2": "provider.template" } };
    const stack = await heat.stackCreate(providerTemplate, { files, environment: env });
    expect((await heat.resource(stack, "test1")).type).toBe("My::TestResource");
    const nestedId = await heat.physicalId(stack, "test1");
    expect(await nestedResources(heat, stack, "test1")).toEqual({ test1: "OS::Heat::TestResource" });
    const inner = await heat.resource(stack, "test1/test1").catch(() => undefined);
    const update = structuredClone(providerTemplate);
    update.resources.test1.type = "My::TestResource2";
    await heat.updateStack(stack, update, { environment: env, files });
    expect((await heat.resource(stack, "test1")).type).toBe("My::TestResource2");
    expect(await heat.physicalId(stack, "test1")).toBe(nestedId);
    expect(await nestedResources(heat, stack, "test1")).toEqual({ test1: "OS::Heat::TestResource" });
    if (inner !== undefined) expect(await heat.physicalId(stack, "test1/test1")).toBe(inner.physicalId);
  });

  it("test_stack_update_provider_group", async () => {
    const heat = new HeatKit();
    const template = changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_provider_group_template" });
    const files: Record<string, string> = { "provider.template": JSON.stringify(template) };
    const env = { resource_registry: { "My::TestResource": "provider.template" } };
    const stack = await heat.stackCreate(providerGroupTemplate, { files, environment: env });
    const groupMembers = { "0": "My::TestResource", "1": "My::TestResource" };
    expect(await nestedResources(heat, stack, "test_group")).toEqual(groupMembers);
    for (const member of Object.keys(groupMembers)) {
      expect(await nestedResources(heat, stack, `test_group/${member}`)).toEqual({ test1: "OS::Heat::TestResource" });
    }
    files["provider.template"] = JSON.stringify(changeRsrcProperties(testTemplateTwoResource, ["test1", "test2"], { value: "test_provider_group_template" }));
    await heat.updateStack(stack, providerGroupTemplate, { environment: env, files });
    expect(await nestedResources(heat, stack, "test_group")).toEqual(groupMembers);
    for (const member of Object.keys(groupMembers)) {
      expect(await nestedResources(heat, stack, `test_group/${member}`)).toEqual({ test1: "OS::Heat::TestResource", test2: "OS::Heat::TestResource" });
    }
  });

  it("test_stack_update_provider_group_patch", async () => {
    const heat = new HeatKit();
    const template = changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_provider_group_template" });
    const files = { "provider.template": JSON.stringify(template) };
    const env = { resource_registry: { "My::TestResource": "provider.template" } };
    const stack = await heat.stackCreate(providerGroupTemplate, { files, environment: env });
    expect(await nestedResources(heat, stack, "test_group")).toEqual({ "0": "My::TestResource", "1": "My::TestResource" });
    await heat.updateStack(stack, undefined, { parameters: { count: 3 }, existing: true });
    expect(await nestedResources(heat, stack, "test_group")).toEqual({ "0": "My::TestResource", "1": "My::TestResource", "2": "My::TestResource" });
  });

  it("test_stack_update_from_failed_patch", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate("heat_template_version: 2014-10-16");
    await heat.updateStack(stack, failParamTemplate, { parameters: { do_fail: true }, expectedStatus: "UPDATE_FAILED" });
    await heat.updateStack(stack, undefined, { parameters: { do_fail: false }, existing: true });
    expect(await heat.listResources(stack)).toEqual({ aresource: "OS::Heat::TestResource" });
  });

  it("test_stack_update_with_new_env", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(testTemplateOneResource);
    const template = changeRsrcProperties(testTemplateOneResource, ["test1"], { fail: true });
    template.resources.test2 = { type: "My::TestResource" };
    (template.resources.test1 as Resource).depends_on = "test2";
    const env = { resource_registry: { "My::TestResource": "OS::Heat::TestResource" } };
    await heat.updateStack(stack, template, { environment: env, expectedStatus: "UPDATE_FAILED" });
    const fixed = changeRsrcProperties(template, ["test1"], { fail: false });
    (fixed.resources.test2 as Resource).properties = { action_wait_secs: { update: 1 } };
    await heat.updateStack(stack, fixed, { environment: env });
    expect(await heat.listResources(stack)).toEqual({ test1: "OS::Heat::TestResource", test2: "My::TestResource" });
  });

  it("test_stack_update_with_new_version", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(testTemplateOneResource);
    const template = changeRsrcProperties(testTemplateTwoResource, ["test1"], { fail: true });
    template.heat_template_version = "2015-10-15";
    props(template, "test2").value = { list_join: [",", ["a"], ["b"]] };
    await heat.updateStack(stack, template, { expectedStatus: "UPDATE_FAILED" });
    const second = changeRsrcProperties(template, ["test2"], { value: "Test2" });
    props(second, "test1").action_wait_secs = { create: 1 };
    await heat.updateStack(stack, second, { expectedStatus: "UPDATE_FAILED" });
    await heat.deleteStack(stack);
    expect(await heat.engine.listStacks()).toEqual([]);
  });

  it("test_stack_update_with_old_version", async () => {
    const heat = new HeatKit();
    const template = changeRsrcProperties(testTemplateOneResource, ["test1"], { value: { list_join: [",", ["a"], ["b"]] } });
    template.heat_template_version = "2015-10-15";
    const stack = await heat.stackCreate(template);
    await heat.updateStack(stack, changeRsrcProperties(testTemplateOneResource, ["test1"], { fail: true }), { expectedStatus: "UPDATE_FAILED" });
    await heat.deleteStack(stack);
    expect(await heat.engine.listStacks()).toEqual([]);
  });

  /**
   * Heat's `_test_conditional`: test2's create waits 30 s, so while the update is in progress
   * test3 completes first. Here the runtime delivers test2's create last (standing for its wait)
   * and the check runs while the update is in progress.
   */
  async function testConditional(test3: Resource): Promise<void> {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(testTemplateOneResource);
    const updated = structuredClone(testTemplateTwoResource);
    updated.conditions = { cond1: true };
    updated.resources.test3 = test3;
    props(updated, "test2").action_wait_secs = { create: 30 };
    await heat.startUpdate(stack, updated);
    expect((await heat.engine.getStack(stack)).state).toBe("UPDATE_IN_PROGRESS");
    const isComplete = (r: { state: string }) => r.state === "CREATE_COMPLETE" || r.state === "UPDATE_COMPLETE";
    const test2Rows = async () => new Set((await heat.engine.listResources(stack)).filter((r) => r.name === "test2").map((r) => r.id));
    for (;;) {
      const resources = await heat.listResources(stack, isComplete);
      if (Object.keys(resources).length >= 2) {
        expect(Object.keys(resources)).toContain("test3");
        break;
      }
      const slow = await test2Rows();
      const pending = heat.runtime.pending();
      expect(pending.length, "the update stalled").toBeGreaterThan(0);
      const index = pending.findIndex((p) => !(p.message.kind === "node" && slow.has(p.message.rowId)));
      await heat.runtime.step({ index: Math.max(index, 0) });
    }
    expect((await heat.engine.getStack(stack)).state).toBe("UPDATE_IN_PROGRESS");
    await heat.settle();
    expect((await heat.engine.getStack(stack)).state).toBe("UPDATE_COMPLETE");
  }

  it("test_stack_update_with_if_conditions", async () => {
    await testConditional({ type: "OS::Heat::TestResource", properties: { value: { if: ["cond1", "val3", "val4"] } } });
  });

  it("test_stack_update_with_conditions", async () => {
    await testConditional({ type: "OS::Heat::TestResource", condition: "cond1", properties: { value: "foo" } });
  });

  it("test_inplace_update_old_ref_deleted_failed_stack", async () => {
    const heat = new HeatKit();
    const template = `
heat_template_version: rocky
resources:
  test1:
    type: OS::Heat::TestResource
    properties:
      value: test
  test2:
    type: OS::Heat::TestResource
    properties:
      value: {get_attr: [test1, output]}
  test3:
    type: OS::Heat::TestResource
    properties:
      value: test3
      fail: false
      action_wait_secs:
        update: 5
`;
    const stack = await heat.stackCreate(template);
    const renamed = template.replace("test1:", "test-1:").replace("fail: false", "fail: true");
    const updated = renamed.replace("{get_attr: [test1", "{get_attr: [test-1").replace("value: test3", "value: test-3");
    await heat.updateStack(stack, updated, { expectedStatus: "UPDATE_FAILED" });
    await heat.updateStack(stack, template, { expectedStatus: "UPDATE_COMPLETE" });
  });

  it("test_update_failed_changed_env_list_resources", async () => {
    const heat = new HeatKit();
    const template: Tmpl = {
      heat_template_version: "rocky",
      resources: {
        test1: { type: "OS::Heat::TestResource", properties: { value: "foo" } },
        my_res: { type: "My::TestResource", depends_on: "test1" },
        test2: { depends_on: "my_res", type: "OS::Heat::TestResource" },
      },
    };
    const env = { resource_registry: { "My::TestResource": "OS::Heat::TestResource" } };
    const stack = await heat.stackCreate(template, { environment: env });
    const update = structuredClone(template);
    props(update, "test1").fail = "true";
    (update.resources.test2 as Resource).depends_on = "test1";
    delete update.resources.my_res;
    await heat.updateStack(stack, update, { expectedStatus: "UPDATE_FAILED" });
    expect(Object.keys(await heat.listResources(stack)).length).toBe(3);
  });
});

describe("UpdateStackTest in Converge (the implementing type of an alias)", () => {
  it("test_stack_update_alias_type: the same physical resource after the alias changes", async () => {
    const heat = new HeatKit();
    const env = { resource_registry: { "My::TestResource": "OS::Heat::RandomString", "My::TestResource2": "OS::Heat::RandomString" } };
    const stack = await heat.stackCreate(providerTemplate, { environment: env });
    const res = await heat.resource(stack, "test1");
    expect(res.implementation).toBe("OS::Heat::RandomString");
    const update = structuredClone(providerTemplate);
    update.resources.test1.type = "My::TestResource2";
    await heat.updateStack(stack, update, { environment: env });
    const after = await heat.resource(stack, "test1");
    expect(after.type).toBe("My::TestResource2");
    expect(after.implementation).toBe("OS::Heat::RandomString");
    expect(after.physicalId).toBe(res.physicalId);
    expect(after.attributes.value).toBe(res.attributes.value);
  });

  it("test_stack_update_alias_changes: a new physical resource when the alias maps elsewhere", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(providerTemplate, { environment: { resource_registry: { "My::TestResource": "OS::Heat::RandomString" } } });
    const res = await heat.resource(stack, "test1");
    await heat.updateStack(stack, providerTemplate, { environment: { resource_registry: { "My::TestResource": "OS::Heat::TestResource" } } });
    const after = await heat.resource(stack, "test1");
    expect(after.type).toBe("My::TestResource");
    expect(after.implementation).toBe("OS::Heat::TestResource");
    expect(after.physicalId).not.toBe(res.physicalId);
  });

  it("test_stack_update_provider_group: two levels of nesting updated in place", async () => {
    const heat = new HeatKit();
    const template = changeRsrcProperties(testTemplateOneResource, ["test1"], { value: "test_provider_group_template" });
    const files: Record<string, string> = { "provider.template": JSON.stringify(template) };
    const env = { resource_registry: { "My::TestResource": "provider.template" } };
    const stack = await heat.stackCreate(providerGroupTemplate, { files, environment: env });
    expect(await nestedResources(heat, stack, "test_group")).toEqual({ "0": "My::TestResource", "1": "My::TestResource" });
    expect((await heat.resource(stack, "test_group/0")).implementation).toBe("Converge::NestedStack");
    const ids = [await heat.physicalId(stack, "test_group/0/test1"), await heat.physicalId(stack, "test_group/1/test1")];
    files["provider.template"] = JSON.stringify(changeRsrcProperties(testTemplateTwoResource, ["test1", "test2"], { value: "test_provider_group_template" }));
    await heat.updateStack(stack, providerGroupTemplate, { environment: env, files });
    for (const member of ["0", "1"]) {
      expect(await nestedResources(heat, stack, `test_group/${member}`)).toEqual({ test1: "OS::Heat::TestResource", test2: "OS::Heat::TestResource" });
    }
    expect([await heat.physicalId(stack, "test_group/0/test1"), await heat.physicalId(stack, "test_group/1/test1")]).toEqual(ids);
    await heat.updateStack(stack, undefined, { parameters: { count: 3 }, existing: true });
    expect(Object.keys(await nestedResources(heat, stack, "test_group"))).toEqual(["0", "1", "2"]);
  });
});
