/**
 * Port of Heat's `heat_integrationtests/functional/test_nested_get_attr.py`: functions inside a
 * `get_attr` path (the key is another resource's attribute), on create and update.
 *
 * Ported: every test of NestedGetAttrTest.
 */
import { describe, expect, it } from "vitest";
import { HeatKit } from "./support/heat-kit.js";

const initialTemplate = `
heat_template_version: ocata
resources:
  dict_resource:
    type: OS::Heat::Value
    properties:
      value:
        blarg: wibble
        foo: bar
        baz: quux
        fred: barney
    # These dependencies are required because we only want to read the
    # attribute values for a given resource once, and therefore we do so in
    # dependency order. This is necessarily true for a convergence traversal,
    # but also happens when we're fetching the resource attributes e.g. to show
    # the output values. The key1/key2 attribute values must be stored before
    # we attempt to calculate the dep_attrs for dict_resource in order to
    # correctly determine which attributes of dict_resource are used.
    depends_on:
      - key1
      - key2
      - indirect_key3_dep
  key1:
    type: OS::Heat::Value
    properties:
      value: blarg
  key2:
    type: OS::Heat::Value
    properties:
      value: foo
  key3:
    type: OS::Heat::Value
    properties:
      value: fred
  value1:
    type: OS::Heat::Value
    properties:
      value:
        get_attr:
          - dict_resource
          - value
          - {get_attr: [key1, value]}
  indirect_key3_dep:
    type: OS::Heat::Value
    properties:
      value: ignored
    depends_on: key3
outputs:
  value1:
    value: {get_attr: [value1, value]}
  value2:
    value: {get_attr: [dict_resource, value, {get_attr: [key2, value]}]}
  value3:
    value: {get_attr: [dict_resource, value, {get_attr: [key3, value]}]}
`;

const updateTemplate = `
heat_template_version: ocata
resources:
  dict_resource:
    type: OS::Heat::Value
    properties:
      value:
        blarg: wibble
        foo: bar
        baz: quux
        fred: barney
    depends_on:
      - key1
      - key2
      - indirect_key3_dep
      - key4
  key1:
    type: OS::Heat::Value
    properties:
      value: foo
  key2:
    type: OS::Heat::Value
    properties:
      value: fred
  key3:
    type: OS::Heat::Value
    properties:
      value: blarg
  key4:
    type: OS::Heat::Value
    properties:
      value: baz
  value1:
    type: OS::Heat::Value
    properties:
      value:
        get_attr:
          - dict_resource
          - value
          - {get_attr: [key1, value]}
  value4:
    type: OS::Heat::Value
    properties:
      value:
        get_attr:
          - dict_resource
          - value
          - {get_attr: [key4, value]}
  indirect_key3_dep:
    type: OS::Heat::Value
    properties:
      value: ignored
    depends_on: key3
outputs:
  value1:
    value: {get_attr: [value1, value]}
  value2:
    value: {get_attr: [dict_resource, value, {get_attr: [key2, value]}]}
  value3:
    value: {get_attr: [dict_resource, value, {get_attr: [key3, value]}]}
  value4:
    value: {get_attr: [value4, value]}
`;

async function assertOutput(heat: HeatKit, value: unknown, stack: string, key: string): Promise<void> {
  expect(await heat.output(stack, key)).toEqual(value);
}

describe("NestedGetAttrTest", () => {
  it("test_nested_get_attr_create", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(initialTemplate);
    await assertOutput(heat, "wibble", stack, "value1");
    await assertOutput(heat, "bar", stack, "value2");
    await assertOutput(heat, "barney", stack, "value3");
  });

  it("test_nested_get_attr_update", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(initialTemplate);
    await heat.updateStack(stack, updateTemplate);
    await assertOutput(heat, "bar", stack, "value1");
    await assertOutput(heat, "barney", stack, "value2");
    await assertOutput(heat, "wibble", stack, "value3");
    await assertOutput(heat, "quux", stack, "value4");
  });
});
