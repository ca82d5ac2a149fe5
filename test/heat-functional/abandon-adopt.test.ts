/**
 * Port of Heat's `heat_integrationtests/functional/test_abandon_adopt.py`.
 *
 * Ported: AbandonAdoptTest.test_abandon_and_adopt and
 * NestedStackAdoptTest.test_adopt_nested_stack_resources (its nested stack is a template
 * resource). Heat's abandon data is a JSON document; Converge's `abandonStack` returns its own
 * (`AbandonedStack`), which `adoptStack` takes back - the round trip the test checks.
 *
 * DIFFERS FROM HEAT (kept as `it.fails`, so they turn red once the behaviour matches):
 * Converge adopts a resource only through its type's `read`, and `OS::Heat::TestResource` has
 * none by design (a crash mid-create re-runs the create rather than adopting a half-made
 * resource), so adopting it is refused up front with a typed `AbandonedStackError` naming the
 * resource; Heat adopts any resource by id. The test after them checks that message.
 */
import { describe, expect, it } from "vitest";
import { AbandonedStackError } from "@converge/core";
import type { AbandonedStack } from "@converge/core";
import { HeatKit } from "./support/heat-kit.js";

const template = `
heat_template_version: 2014-10-16
resources:
  test1:
    type: OS::Heat::TestResource
    properties:
      value: test_value_1
  test2:
    type: OS::Heat::TestResource
    properties:
      value: test_value_2
outputs:
  test1_output:
    value: {get_attr: [test1, output]}
  test2_output:
    value: {get_attr: [test2, output]}
`;

/** Heat's `stack_adopt`: adopt under a new name, run to the end, expect ADOPT's completion. */
async function stackAdopt(heat: HeatKit, abandoned: AbandonedStack): Promise<string> {
  const name = "adopted";
  await heat.engine.adoptStack(name, JSON.parse(JSON.stringify(abandoned)) as AbandonedStack);
  await heat.settle();
  const stack = await heat.engine.getStack(name);
  expect(stack.status, stack.statusReason).toBe("COMPLETE");
  return name;
}

describe("AbandonAdoptTest", () => {
  it.fails("test_abandon_and_adopt (differs: TestResource has no read to adopt through)", async () => {
    const heat = new HeatKit();
    const a = await heat.stackCreate(template);
    const test1ValueA = await heat.output(a, "test1_output");
    const test2ValueA = await heat.output(a, "test2_output");
    const test1IdA = await heat.physicalId(a, "test1");
    const test2IdA = await heat.physicalId(a, "test2");

    const abandoned = await heat.engine.abandonStack(a);
    const b = await stackAdopt(heat, abandoned);

    expect(await heat.output(b, "test1_output")).toEqual(test1ValueA);
    expect(await heat.output(b, "test2_output")).toEqual(test2ValueA);
    expect(await heat.physicalId(b, "test1")).toBe(test1IdA);
    expect(await heat.physicalId(b, "test2")).toBe(test2IdA);
  });
});

describe("AbandonAdoptTest in Converge", () => {
  it("refuses to adopt a type without read, naming the resource, and creates nothing", async () => {
    const heat = new HeatKit();
    const a = await heat.stackCreate(template);
    const abandoned = await heat.engine.abandonStack(a);
    const error = await heat.engine.adoptStack("adopted", abandoned).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbandonedStackError);
    expect((error as Error).message).toMatch(/type OS::Heat::TestResource has no read, so test1 cannot be adopted/);
    expect(await heat.engine.listStacks()).toEqual([]);
  });
});

describe("NestedStackAdoptTest", () => {
  const parentTemplate = `
heat_template_version: 2014-10-16
resources:
  parent_resource:
    type: OS::Heat::TestResource
    properties:
      value: parent_value
  nested:
    type: nested.yaml
outputs:
  parent_output:
    value: {get_attr: [parent_resource, output]}
  nested_output1:
    value: {get_attr: [nested, nested_output1]}
  nested_output2:
    value: {get_attr: [nested, nested_output2]}
`;
  const nestedTemplate = `
heat_template_version: 2014-10-16
resources:
  nested_resource1:
    type: OS::Heat::TestResource
    properties:
      value: nested_value_1
  nested_resource2:
    type: OS::Heat::TestResource
    properties:
      value: nested_value_2
outputs:
  nested_output1:
    value: {get_attr: [nested_resource1, output]}
  nested_output2:
    value: {get_attr: [nested_resource2, output]}
`;

  it.fails("test_adopt_nested_stack_resources (differs: TestResource has no read to adopt through)", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(parentTemplate, { files: { "nested.yaml": nestedTemplate } });
    const nestedOutput1 = await heat.output(stack, "nested_output1");
    const nestedOutput2 = await heat.output(stack, "nested_output2");
    const abandoned = await heat.engine.abandonStack(stack);
    const byName = new Map(abandoned.resources.map((r) => [(r as { path?: string }).path ?? r.name, r]));
    const orig1 = byName.get("nested/nested_resource1")?.physicalId;
    const orig2 = byName.get("nested/nested_resource2")?.physicalId;
    expect(orig1).toBeTruthy();
    // Adopt only the nested stack's resources, into a stack made from the nested template.
    const nested = new HeatKit();
    const probe = await nested.stackCreate(nestedTemplate);
    const shape = await nested.engine.abandonStack(probe);
    const adoptData: AbandonedStack = {
      ...shape,
      resources: shape.resources.map((r) => ({ ...r, physicalId: (r.name === "nested_resource1" ? orig1 : orig2) as string })),
    };
    const adopted = await stackAdopt(heat, adoptData);
    expect(await heat.output(adopted, "nested_output1")).toEqual(nestedOutput1);
    expect(await heat.output(adopted, "nested_output2")).toEqual(nestedOutput2);
    expect(await heat.physicalId(adopted, "nested_resource1")).toBe(orig1);
    expect(await heat.physicalId(adopted, "nested_resource2")).toBe(orig2);
  });
});
