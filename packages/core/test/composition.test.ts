/**
 * Composition through the engine: template resources (files, registry aliases), nested
 * stacks, groups and chains converge as one traversal of the flattened template.
 */
import { describe, expect, it } from "vitest";
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
    const template = {
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

    // The environment and files are kept by an update that does not give them.
    await kit.engine.updateStack("s", template, { parameters: { label: "other" } });
    await kit.settle("s");
    expect((await kit.engine.getStack("s")).outputs.address).toBe("db-other");
  });
});
