/**
 * Port of Heat's `heat_integrationtests/functional/test_external_ref.py` (removed from Heat's
 * master since; ported from its last version).
 *
 * DIFFERS FROM HEAT (kept as `it.fails`, so they turn red once the behaviour matches): Heat
 * accepts `external_id` on any resource (test_create_with_external_ref: CREATE_COMPLETE,
 * `get_resource` gives "foobar"; test_update_with_external_ref: the update ends UPDATE_FAILED).
 * Converge imports an existing resource only through its type's `read`, which
 * `OS::Heat::TestResource` does not have, so both templates are refused before anything is
 * written, with a typed error at `resources.test1.external_id` - the tests after them check it.
 */
import { TemplateValidationError } from "@converge/core";
import { describe, expect, it } from "vitest";
import { HeatKit } from "./support/heat-kit.js";

const TEMPLATE = `
heat_template_version: 2016-10-14
resources:
  test1:
    type: OS::Heat::TestResource
`;
const TEMPLATE_WITH_EX_REF = `
heat_template_version: 2016-10-14
resources:
  test1:
    type: OS::Heat::TestResource
    external_id: foobar
outputs:
  str:
    value: {get_resource: test1}
`;

describe("ExternalReferencesTest", () => {
  it.fails("test_create_with_external_ref (differs: TestResource has no read to import through)", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(TEMPLATE_WITH_EX_REF, { files: {}, parameters: {}, environment: {} });
    expect(await heat.listResources(stack)).toEqual({ test1: "OS::Heat::TestResource" });
    expect((await heat.engine.getStack(stack)).outputs).toEqual({ str: "foobar" });
  });

  it.fails("test_update_with_external_ref (differs: refused before the update starts)", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(TEMPLATE, { files: {}, parameters: {}, environment: {} });
    expect(await heat.listResources(stack)).toEqual({ test1: "OS::Heat::TestResource" });
    expect((await heat.engine.getStack(stack)).outputs).toEqual({});
    await heat.updateStack(stack, TEMPLATE_WITH_EX_REF, { expectedStatus: "UPDATE_FAILED" });
  });
});

describe("ExternalReferencesTest in Converge", () => {
  it("refuses external_id on a type without read, naming the resource, on create and on update", async () => {
    const heat = new HeatKit();
    const create = await heat.engine.createStack("s", TEMPLATE_WITH_EX_REF).catch((e: unknown) => e);
    expect(create).toBeInstanceOf(TemplateValidationError);
    expect((create as TemplateValidationError).path).toBe("resources.test1.external_id");
    expect((create as Error).message).toMatch(/type OS::Heat::TestResource has no read, so it cannot import an existing resource/);
    expect(await heat.engine.listStacks()).toEqual([]);
    const stack = await heat.stackCreate(TEMPLATE);
    await expect(heat.engine.updateStack(stack, TEMPLATE_WITH_EX_REF)).rejects.toThrow(/resources\.test1\.external_id/);
    expect((await heat.engine.getStack(stack)).state).toBe("CREATE_COMPLETE");
  });
});
