/**
 * Port of Heat's `heat_integrationtests/functional/test_preview_update.py`.
 *
 * Ported: every test of UpdatePreviewStackTest and UpdatePreviewStackTestNested (the nested
 * ones need template resources; Heat's preview lists nested resources with their
 * `parent_resource`, which Converge reports as the resource's path).
 */
import { describe, expect, it } from "vitest";
import { HeatKit } from "./support/heat-kit.js";
import type { ResourceChanges } from "./support/heat-kit.js";

const testResource = (value: string) => ({
  type: "OS::Heat::TestResource",
  properties: { value, fail: false, update_replace: false, wait_secs: 0 },
});

const oneResource = {
  heat_template_version: "2013-05-23",
  description: "Test template to create one instance.",
  resources: { test1: testResource("Test1") },
};

const twoResources = {
  heat_template_version: "2013-05-23",
  description: "Test template to create two instance.",
  resources: { test1: testResource("Test1"), test2: testResource("Test1") },
};

function assertEmptySections(changes: ResourceChanges, sections: readonly (keyof ResourceChanges)[]): void {
  for (const section of sections) expect(changes[section], section).toEqual([]);
}

describe("UpdatePreviewStackTest", () => {
  it("test_add_resource", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(oneResource);
    const changes = await heat.previewUpdate(stack, twoResources);
    expect(changes.unchanged[0]).toBe("test1");
    expect(changes.added[0]).toBe("test2");
    assertEmptySections(changes, ["updated", "replaced", "deleted"]);
  });

  it("test_no_change", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(oneResource);
    const changes = await heat.previewUpdate(stack, oneResource);
    expect(changes.unchanged[0]).toBe("test1");
    assertEmptySections(changes, ["updated", "replaced", "deleted", "added"]);
  });

  it("test_update_resource", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(oneResource);
    const updated = { ...oneResource, resources: { test1: testResource("Test1 foo") } };
    const changes = await heat.previewUpdate(stack, updated);
    expect(changes.updated[0]).toBe("test1");
    assertEmptySections(changes, ["added", "unchanged", "replaced", "deleted"]);
  });

  it("test_replaced_resource", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(oneResource);
    const replaced = { ...oneResource, resources: { test1: { type: "OS::Heat::TestResource", properties: { update_replace: true } } } };
    const changes = await heat.previewUpdate(stack, replaced);
    expect(changes.replaced[0]).toBe("test1");
    assertEmptySections(changes, ["added", "unchanged", "updated", "deleted"]);
  });

  it("test_delete_resource", async () => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(twoResources);
    const changes = await heat.previewUpdate(stack, oneResource);
    expect(changes.unchanged[0]).toBe("test1");
    expect(changes.deleted[0]).toBe("test2");
    assertEmptySections(changes, ["updated", "replaced", "added"]);
  });
});
