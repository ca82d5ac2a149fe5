/**
 * Composition through the engine: template resources (files, registry aliases), nested
 * stacks, groups and chains converge as one traversal of the flattened template.
 */
import { describe, expect, it } from "vitest";
import type { NestedStackInfo, Template } from "@converge/core";
import { SCENARIO_TYPE } from "@converge/core/testing";
import { setup } from "./support/protocol-kit.js";

const db = `
heat_template_version: 2018-08-31
parameters:
  size: { type: string, default: small }
  label: { type: string }
resources:
  vol: { type: ${SCENARIO_TYPE}, properties: { a: { get_param: size } } }
  db: { type: ${SCENARIO_TYPE}, properties: { a: { get_param: label }, b: { get_attr: [vol, a] } } }
outputs:
  address: { value: { list_join: ["-", ["db", { get_attr: [db, a] }]] } }
  vol_size: { value: { get_attr: [vol, a] } }
`;

describe("template resources", () => {
  it("expands a file (through a registry alias) into resources named by path, outputs as attributes", async () => {
    const kit = setup();
    const template: Template = {
      parameters: { label: { type: "string", default: "main" } },
      resources: {
        app: { type: "My::DB", properties: { label: { get_param: "label" }, size: "large" } },
        web: { type: SCENARIO_TYPE, properties: { a: { get_attr: ["app", "vol_size"] } } },
        after: { type: SCENARIO_TYPE, properties: { a: "x" }, depends_on: "app" },
      },
      outputs: { address: { value: { get_attr: ["app", "address"] } }, all: { value: { get_attr: ["app"] } } },
    };
    const environment = { resource_registry: { "My::DB": "db.yaml" } };
    await kit.engine.createStack("s", template, { environment, files: { "db.yaml": db } });
    const compiled = kit.engine.validateTemplate(template, { environment, files: { "db.yaml": db } });
    // web reads only app/vol: it does not wait for app/db.
    expect(compiled.resources.web?.dependsOn).toEqual(["app/vol"]);
    expect(compiled.resources.after?.dependsOn).toEqual(["app"]);
    expect(compiled.resources.app?.dependsOn).toEqual(["app/db", "app/vol"]);
    await kit.settle("s");
    const info = await kit.engine.getStack("s");
    expect(info.state).toBe("CREATE_COMPLETE");
    expect(info.outputs).toEqual({ address: "db-main", all: { address: "db-main", vol_size: "large" } });
    expect(kit.reality.live("app/db")[0]?.entry.properties).toEqual({ a: "main", b: "large" });
    expect(kit.reality.live("web")[0]?.entry.properties).toEqual({ a: "large" });

    // Changing the nested file is an update of exactly the resources it changes.
    const changed = db.replace("a: { get_param: label }", "a: { get_param: label }, c: new");
    const before = kit.reality.log.length;
    await kit.engine.updateStack("s", template, { files: { "db.yaml": changed } });
    await kit.settle("s");
    expect(kit.reality.log.slice(before).map((op) => `${op.op}:${op.name}`)).toEqual(["update:app/db"]);

    // One nested stack's view, and its resources.
    const nested = (await kit.engine.getStack("s/app")) as NestedStackInfo;
    expect(nested).toMatchObject({ name: "s/app", parent: "s", path: "app", type: "db.yaml", kind: "template", state: "UPDATE_COMPLETE" });
    expect(nested.parameters).toEqual({ size: "large", label: "main" });
    expect(nested.outputs).toEqual({ address: "db-main", vol_size: "large" });
    const rows = await kit.engine.listResources("s/app");
    expect(rows.map((r) => [r.name, r.nestedStack, r.path])).toEqual([
      ["app/vol", "app", ["app", "vol"]],
      ["app/db", "app", ["app", "db"]],
    ]);
    await expect(kit.engine.getStack("s/nope")).rejects.toThrow(/stack "s\/nope" does not exist/);
    const events = [];
    for await (const event of kit.engine.events("s/app")) events.push(event);
    const resourceEvents = events.filter((e) => e.kind === "resource");
    expect(new Set(resourceEvents.map((e) => e.resourceName))).toEqual(new Set(["app/vol", "app/db"]));
    expect(resourceEvents.every((e) => e.nestedStack === "app")).toBe(true);
    expect(events.some((e) => e.kind === "stack")).toBe(true);

    // Abandoned and adopted again, the nested stack is still one.
    const abandoned = await kit.engine.abandonStack("s");
    await kit.engine.adoptStack("s2", abandoned);
    await kit.settle("s2");
    expect(await kit.engine.getStack("s2/app")).toMatchObject({ state: "CREATE_COMPLETE", outputs: { address: "db-main", vol_size: "large" } });
    await kit.engine.updateStack("s2", template, { files: { "db.yaml": changed }, environment });

    await kit.settle("s2");
    // The environment and files are kept by an update that does not give them.
    await kit.engine.updateStack("s2", template, { parameters: { label: "other" } });
    await kit.settle("s2");
    expect((await kit.engine.getStack("s2")).outputs.address).toBe("db-other");
  });
});

const member = (value: unknown) => ({ type: SCENARIO_TYPE, properties: { a: value } });

describe("ResourceGroup", () => {
  const group = (count: unknown, extra: Record<string, unknown> = {}): Template & { resources: Record<string, { properties: Record<string, unknown> }> } => ({
    parameters: { count: { type: "number", default: 3 } },
    resources: {
      group: { type: "OS::Heat::ResourceGroup", properties: { count, resource_def: member("m-%index%") }, ...extra },
      user: { type: SCENARIO_TYPE, properties: { a: { list_join: [",", { get_attr: ["group", "refs"] }] }, b: { get_attr: ["group", "resource.1.a"] } } },
    },
    outputs: {
      refs_map: { value: { get_attr: ["group", "refs_map"] } },
      values: { value: { get_attr: ["group", "a"] } },
      attributes: { value: { get_attr: ["group", "attributes", "a"] } },
      second: { value: { get_attr: ["group", "a", 1] } },
    },
  });

  it("creates count members named by index, answers refs, attributes and resource.N", async () => {
    const kit = setup();
    await kit.engine.createStack("g", group({ get_param: "count" }));
    await kit.settle("g");
    const info = await kit.engine.getStack("g");
    expect(info.state).toBe("CREATE_COMPLETE");
    expect(info.outputs.values).toEqual(["m-0", "m-1", "m-2"]);
    expect(info.outputs.attributes).toEqual({ 0: "m-0", 1: "m-1", 2: "m-2" });
    expect(info.outputs.second).toBe("m-1");
    const ids = [0, 1, 2].map((i) => kit.reality.live(`group/${i}`)[0]?.physicalId);
    expect(info.outputs.refs_map).toEqual({ 0: ids[0], 1: ids[1], 2: ids[2] });
    expect(kit.reality.live("user")[0]?.entry.properties).toEqual({ a: ids.join(","), b: "m-1" });
  });

  it("scales up and down; scaling down deletes the highest indexes, after what uses them is updated", async () => {
    const kit = setup();
    await kit.engine.createStack("g", group(3));
    await kit.settle("g");
    await kit.engine.updateStack("g", group(5));
    await kit.settle("g");
    expect((await kit.engine.getStack("g")).outputs.values).toEqual(["m-0", "m-1", "m-2", "m-3", "m-4"]);
    const before = kit.reality.log.length;
    await kit.engine.updateStack("g", group(2));
    await kit.settle("g");
    const ops = kit.reality.log.slice(before).map((op) => `${op.op}:${op.name}`);
    expect(ops.filter((op) => op.startsWith("delete")).sort()).toEqual(["delete:group/2", "delete:group/3", "delete:group/4"]);
    // The user of the refs is updated before the members it referred to go away.
    expect(ops.indexOf("update:user")).toBeLessThan(ops.indexOf("delete:group/2"));
    expect((await kit.engine.getStack("g")).outputs.values).toEqual(["m-0", "m-1"]);
    expect(kit.reality.counts()).toMatchObject({ "group/0": 1, "group/1": 1 });
  });

  it("leaves out the members removal_policies name", async () => {
    const kit = setup();
    const template = group(3, {});
    (template.resources.group?.properties ?? {}).removal_policies = [{ resource_list: ["1"] }];
    // A member the group does not have reads as null (as in Heat), without a dependency.
    const without = kit.engine.validateTemplate(template);
    expect(without.resources.user?.properties.b).toBeNull();
    (template.resources.user?.properties ?? {}).b = { get_attr: ["group", "resource.2.a"] };
    const compiled = kit.engine.validateTemplate(template);
    expect(compiled.resources.user?.dependsOn).toEqual(["group/0", "group/2", "group/3"]);
    expect(compiled.resources.user?.properties.b).toEqual({ get_attr: ["group/2", "a"] });
    expect(Object.keys(compiled.resources).filter((n) => n.startsWith("group/"))).toEqual(["group/0", "group/2", "group/3"]);
  });
});

describe("ResourceChain, OS::Heat::Stack, environments and functions", () => {
  it("a chain creates its members one after the other unless concurrent", async () => {
    const kit = setup();
    const chain = (concurrent: boolean): Template => ({
      resources: {
        c: { type: "OS::Heat::ResourceChain", properties: { resources: [SCENARIO_TYPE, SCENARIO_TYPE, SCENARIO_TYPE], concurrent, resource_properties: { a: "p" } } },
      },
      outputs: { refs: { value: { get_attr: ["c", "refs"] } }, first: { value: { get_attr: ["c", "resource.0.a"] } } },
    });
    const compiled = kit.engine.validateTemplate(chain(false));
    expect(compiled.resources["c/1"]?.dependsOn).toEqual(["c/0"]);
    expect(compiled.resources["c/2"]?.dependsOn).toEqual(["c/1"]);
    expect(kit.engine.validateTemplate(chain(true)).resources["c/2"]?.dependsOn).toEqual([]);
    await kit.engine.createStack("c", chain(false));
    await kit.settle("c");
    const info = await kit.engine.getStack("c");
    expect(info.outputs.first).toBe("p");
    expect(info.outputs.refs).toEqual([0, 1, 2].map((i) => kit.reality.live(`c/${i}`)[0]?.physicalId));
  });

  it("OS::Heat::Stack with an inline template; parameter_defaults reach nested templates; get_file; pseudo-parameters", async () => {
    const kit = setup();
    const inner: Template = {
      parameters: { x: { type: "string" }, y: { type: "string", default: "template-default" } },
      resources: { r: { type: SCENARIO_TYPE, properties: { a: { get_param: "x" }, b: { get_param: "y" }, c: { get_param: "OS::stack_name" } } } },
      outputs: { "OS::stack_id": { value: { get_resource: "r" } }, id: { value: { get_param: "OS::stack_id" } } },
    };
    const template: Template = {
      resources: {
        s: { type: "OS::Heat::Stack", properties: { template: inner, parameters: { x: { get_file: "x.txt" } } } },
        user: { type: SCENARIO_TYPE, properties: { a: { get_resource: "s" }, b: { get_param: "OS::project_id" } } },
      },
      outputs: { id: { value: { get_attr: ["s", "id"] } }, top: { value: { get_param: "OS::stack_id" } } },
    };
    const environment = [{ parameter_defaults: { y: "env-1" } }, "parameter_defaults: { y: env-2 }"];
    await kit.engine.createStack("st", template, { environment, files: { "x.txt": "from-file" } });
    await kit.settle("st");
    const info = await kit.engine.getStack("st");
    expect(kit.reality.live("s/r")[0]?.entry.properties).toEqual({ a: "from-file", b: "env-2", c: "st/s" });
    // get_resource of a nested stack with an OS::stack_id output is that output.
    expect(kit.reality.live("user")[0]?.entry.properties).toEqual({ a: kit.reality.live("s/r")[0]?.physicalId, b: "converge" });
    expect(info.outputs.top).toBe(info.id);
    expect(info.outputs.id).toBe((await kit.engine.getStack("st/s")).id);
    expect(info.outputs.id).not.toBe(info.id);
  });

  it("nested get_attr: a key of a get_attr path read from another resource at run time", async () => {
    const kit = setup();
    const template: Template = {
      resources: {
        key: { type: SCENARIO_TYPE, properties: { a: "1" } },
        list: { type: "OS::Heat::ResourceGroup", properties: { count: 3, resource_def: { type: SCENARIO_TYPE, properties: { a: "v%index%" } } } },
      },
      outputs: { picked: { value: { get_attr: ["list", "a", { get_attr: ["key", "a"] }] } } },
    };
    await kit.engine.createStack("n", template);
    await kit.settle("n");
    expect((await kit.engine.getStack("n")).outputs.picked).toBe("v1");
  });
});

describe("environments merged like several -e files", () => {
  it("later wins for parameters and registry entries; a per-resource entry wins for its resource; the stack shows its parameters", async () => {
    const kit = setup();
    const template = `
parameters:
  p0: { type: string, default: CORRECT }
  p1: { type: string, default: INCORRECT }
  p2: { type: string, default: INCORRECT }
  secret: { type: string, default: s3cr3t, hidden: true }
resources:
  r1: { type: test::R1 }
  r2: { type: test::R2 }
  r3a: { type: test::R3, properties: { a: { get_param: p1 } } }
  r3b: { type: test::R3, properties: { a: { get_param: p2 } } }
`;
    const env1 = `
parameters: { p1: CORRECT, p2: INCORRECT-E1 }
resource_registry: { "test::R1": "${SCENARIO_TYPE}", "test::R2": BROKEN, "test::R3": "OS::Heat::Stack" }
`;
    const env2 = `
parameters: { p2: CORRECT }
resource_registry:
  "test::R2": "${SCENARIO_TYPE}"
  "test::R3": "${SCENARIO_TYPE}"
  resources: { r3b: { "test::R3": "${SCENARIO_TYPE}" } }
`;
    await kit.engine.createStack("e", template, { environment: [env1, env2] });
    await kit.settle("e");
    const info = await kit.engine.getStack("e");
    expect(info.state).toBe("CREATE_COMPLETE");
    expect(info.parameters).toMatchObject({ p0: "CORRECT", p1: "CORRECT", p2: "CORRECT", secret: "******", "OS::stack_name": "e", "OS::stack_id": info.id });
    // The stored environment (merged) holds no parameter value in clear, and serves an update.
    const stored = JSON.stringify((await kit.stack("e"))?.options.environment);
    expect(stored).not.toMatch(/CORRECT|INCORRECT/);
    await kit.engine.updateStack("e", template);
    await kit.settle("e");
    expect((await kit.engine.getStack("e")).parameters).toMatchObject({ p1: "CORRECT", p2: "CORRECT" });
    // Listed by the type the template names (as Heat does), implemented by the mapped type.
    expect((await kit.engine.listResources("e")).map((r) => `${r.name}:${r.type}:${r.implementation}`)).toEqual([
      `r1:test::R1:${SCENARIO_TYPE}`,
      `r2:test::R2:${SCENARIO_TYPE}`,
      `r3a:test::R3:${SCENARIO_TYPE}`,
      `r3b:test::R3:${SCENARIO_TYPE}`,
    ]);
  });
});

describe("template resources, Heat's finer points", () => {
  it("a registry entry mapping a type to a file does not apply inside that file; resource.NAME reads a nested resource", async () => {
    const kit = setup();
    const nested = `
resources:
  inner: { type: ${SCENARIO_TYPE}, properties: { a: wrapped } }
outputs:
  value: { value: { get_attr: [inner, a] } }
`;
    const template: Template = {
      resources: { outer: { type: SCENARIO_TYPE, properties: { a: "ignored" } } },
      outputs: {
        value: { value: { get_attr: ["outer", "value"] } },
        attr1: { value: { get_attr: ["outer", "resource.inner", "a"] } },
        attr2: { value: { get_attr: ["outer", "resource.inner.a"] } },
        ref: { value: { get_attr: ["outer", "resource.inner"] } },
        missing: { value: { get_attr: ["outer", "resource.nope.a"] } },
      },
    };
    // SCENARIO_TYPE -> wrap.yaml everywhere but in wrap.yaml itself (no infinite recursion).
    const environment = { resource_registry: { [SCENARIO_TYPE]: "wrap.yaml" } };
    const withParam = nested.replace("resources:", "parameters: { a: { type: string } }\nresources:");
    await kit.engine.createStack("w", template, { environment, files: { "wrap.yaml": withParam } });
    await kit.settle("w");
    const info = await kit.engine.getStack("w");
    expect(info.state).toBe("CREATE_COMPLETE");
    const inner = kit.reality.live("outer/inner")[0];
    expect(info.outputs).toEqual({ value: "wrapped", attr1: "wrapped", attr2: "wrapped", ref: inner?.physicalId, missing: null });
  });
});
