/**
 * Port of Heat's `heat_integrationtests/functional/test_preview_update.py`.
 *
 * Ported: every test of UpdatePreviewStackTest and UpdatePreviewStackTestNested. Heat's
 * `show_nested` preview names each nested resource with its `parent_resource`; Converge's
 * preview names it by its path (`nested1/nested2/random`): the last part is the resource name,
 * the one before it the parent resource.
 *
 * DIFFERS FROM HEAT (kept as `it.fails`, so they turn red once the behaviour matches): Heat's
 * preview lists every nested stack resource as "updated" even when nothing in it changes;
 * Converge previews it as `no_change` (the nested-stack node), so `unchanged` holds the nested
 * stacks too. The nested resources themselves are previewed as in Heat (checked by the
 * "in Converge" tests, and test_nested_resources_replace passes as it is).
 */
import { describe, expect, it } from "vitest";
import type { PreviewResult } from "@converge/core";
import { HeatKit } from "./support/heat-kit.js";
import type { HeatOperation, ResourceChanges } from "./support/heat-kit.js";

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

/** One change of Heat's `show_nested` preview. */
interface NestedChange {
  readonly resource_name: string;
  readonly parent_resource?: string;
}

type NestedChanges = Record<keyof ResourceChanges, NestedChange[]>;

/** Heat's `resource_changes` with `show_nested`: entries with their parent resource. */
async function previewNested(heat: HeatKit, stack: string, template: string, op: HeatOperation): Promise<NestedChanges> {
  const preview: PreviewResult = await heat.engine.previewUpdate(stack, template, op as never);
  const sections: Record<string, keyof ResourceChanges> = { create: "added", import: "added", no_change: "unchanged", update: "updated", replace: "replaced", delete: "deleted" };
  const out: NestedChanges = { added: [], unchanged: [], updated: [], replaced: [], deleted: [] };
  for (const entry of preview.resources) {
    const section = sections[entry.action];
    if (section === undefined) continue;
    const parts = entry.name.split("/");
    const change: NestedChange = parts.length > 1 ? { resource_name: parts.at(-1) as string, parent_resource: parts.at(-2) as string } : { resource_name: entry.name };
    out[section].push(change);
  }
  return out;
}

describe("UpdatePreviewStackTestNested", () => {
  const templateNestedParent = `
heat_template_version: 2016-04-08
resources:
  nested1:
    type: nested1.yaml
`;
  const templateNested1 = `
heat_template_version: 2016-04-08
resources:
  nested2:
    type: nested2.yaml
`;
  const templateNested2 = `
heat_template_version: 2016-04-08
resources:
  random:
    type: OS::Heat::RandomString
`;
  const templateNested2_2 = `
heat_template_version: 2016-04-08
resources:
  random:
    type: OS::Heat::RandomString
  random2:
    type: OS::Heat::RandomString
`;

  const byName = (changes: NestedChanges, name: string, action: keyof ResourceChanges): NestedChange => {
    const filtered = changes[action].filter((x) => x.resource_name === name);
    expect(filtered.length).toBe(1);
    return filtered[0] as NestedChange;
  };
  const empty = (changes: NestedChanges, sections: (keyof ResourceChanges)[]): void => {
    for (const section of sections) expect(changes[section], section).toEqual([]);
  };

  it.fails("test_nested_resources_nochange (differs: a nested stack whose template did not change previews as no_change; Heat always updates nested stacks)", async () => {
    const heat = new HeatKit();
    const files = { "nested1.yaml": templateNested1, "nested2.yaml": templateNested2 };
    const stack = await heat.stackCreate(templateNestedParent, { files });
    const changes = await previewNested(heat, stack, templateNestedParent, { files });
    // The nested random resource is unchanged, but Heat always updates nested stacks.
    expect(changes.unchanged.length).toBe(1);
    expect(changes.unchanged[0]?.resource_name).toBe("random");
    expect(changes.unchanged[0]?.parent_resource).toBe("nested2");
    expect(changes.updated.length).toBe(2);
    expect(byName(changes, "nested1", "updated").parent_resource).toBeUndefined();
    expect(byName(changes, "nested2", "updated").parent_resource).toBe("nested1");
    empty(changes, ["replaced", "deleted", "added"]);
  });

  it.fails("test_nested_resources_add (differs: a nested stack whose template did not change previews as no_change; Heat always updates nested stacks)", async () => {
    const heat = new HeatKit();
    const files: Record<string, string> = { "nested1.yaml": templateNested1, "nested2.yaml": templateNested2 };
    const stack = await heat.stackCreate(templateNestedParent, { files });
    files["nested2.yaml"] = templateNested2_2;
    const changes = await previewNested(heat, stack, templateNestedParent, { files });
    expect(changes.unchanged.length).toBe(1);
    expect(changes.unchanged[0]?.resource_name).toBe("random");
    expect(changes.unchanged[0]?.parent_resource).toBe("nested2");
    expect(changes.added.length).toBe(1);
    expect(changes.added[0]?.resource_name).toBe("random2");
    expect(changes.added[0]?.parent_resource).toBe("nested2");
    empty(changes, ["replaced", "deleted"]);
  });

  it.fails("test_nested_resources_delete (differs: a nested stack whose template did not change previews as no_change; Heat always updates nested stacks)", async () => {
    const heat = new HeatKit();
    const files: Record<string, string> = { "nested1.yaml": templateNested1, "nested2.yaml": templateNested2_2 };
    const stack = await heat.stackCreate(templateNestedParent, { files });
    files["nested2.yaml"] = templateNested2;
    const changes = await previewNested(heat, stack, templateNestedParent, { files });
    expect(changes.unchanged.length).toBe(1);
    expect(changes.unchanged[0]?.resource_name).toBe("random");
    expect(changes.unchanged[0]?.parent_resource).toBe("nested2");
    expect(changes.deleted.length).toBe(1);
    expect(changes.deleted[0]?.resource_name).toBe("random2");
    expect(changes.deleted[0]?.parent_resource).toBe("nested2");
    empty(changes, ["replaced", "added"]);
  });

  it("test_nested_resources_replace", async () => {
    const heat = new HeatKit();
    const files = { "nested1.yaml": templateNested1, "nested2.yaml": templateNested2 };
    const stack = await heat.stackCreate(templateNestedParent, { files });
    const parentNone = templateNestedParent.replace("nested1.yaml", "OS::Heat::None");
    const changes = await previewNested(heat, stack, parentNone, {});
    expect(changes.replaced.length).toBe(1);
    expect(changes.replaced[0]?.resource_name).toBe("nested1");
    expect(changes.deleted.length).toBe(2);
    expect(byName(changes, "random", "deleted").parent_resource).toBe("nested2");
    expect(byName(changes, "nested2", "deleted").parent_resource).toBe("nested1");
    empty(changes, ["updated", "unchanged", "added"]);
  });
});

describe("UpdatePreviewStackTestNested in Converge", () => {
  const parent = "heat_template_version: 2016-04-08\nresources:\n  nested1:\n    type: nested1.yaml\n";
  const nested1 = "heat_template_version: 2016-04-08\nresources:\n  nested2:\n    type: nested2.yaml\n";
  const one = "heat_template_version: 2016-04-08\nresources:\n  random:\n    type: OS::Heat::RandomString\n";
  const two = `${one}  random2:\n    type: OS::Heat::RandomString\n`;
  const sections = async (from: string, to: string) => {
    const heat = new HeatKit();
    const stack = await heat.stackCreate(parent, { files: { "nested1.yaml": nested1, "nested2.yaml": from } });
    return previewNested(heat, stack, parent, { files: { "nested1.yaml": nested1, "nested2.yaml": to } });
  };
  const names = (list: NestedChange[]) => list.map((c) => `${c.parent_resource ?? ""}/${c.resource_name}`).sort();

  it("previews nested resources by path: unchanged, added, deleted", async () => {
    const same = await sections(one, one);
    expect(names(same.unchanged)).toEqual(["/nested1", "nested1/nested2", "nested2/random"]);
    expect([...same.added, ...same.deleted, ...same.updated, ...same.replaced]).toEqual([]);
    const added = await sections(one, two);
    expect(names(added.added)).toEqual(["nested2/random2"]);
    expect(names(added.unchanged)).toContain("nested2/random");
    const deleted = await sections(two, one);
    expect(names(deleted.deleted)).toEqual(["nested2/random2"]);
    expect(names(deleted.unchanged)).toContain("nested2/random");
  });
});
