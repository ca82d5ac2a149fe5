/**
 * Port of Heat's `heat_integrationtests/functional/test_delete.py`: deleting a stack while
 * its group of 125 template resources is being created.
 *
 * Ported: DeleteInProgressTest.test_delete_nested_stacks_create_in_progress. Heat's
 * `time.sleep(20)` after the create starts is "some of the create has run": the runtime
 * delivers a part of the queued checks before the delete.
 */
import { describe, expect, it } from "vitest";
import { HeatKit } from "./support/heat-kit.js";

const rootTemplate = `
heat_template_version: 2013-05-23
resources:
    rg:
        type: OS::Heat::ResourceGroup
        properties:
            count: 125
            resource_def:
                type: empty.yaml
`;

const emptyTemplate = `
heat_template_version: 2013-05-23
resources:
`;

describe("DeleteInProgressTest", () => {
  it("test_delete_nested_stacks_create_in_progress", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(rootTemplate, { files: { "empty.yaml": emptyTemplate }, expectedStatus: "CREATE_IN_PROGRESS" });
    for (let i = 0; i < 40; i++) await heat.step();
    expect((await heat.engine.getStack(stack)).state).toBe("CREATE_IN_PROGRESS");
    await heat.deleteStack(stack);
    expect(await heat.engine.listStacks()).toEqual([]);
  });
});
