import { describe, expect, it } from "vitest";
import { environmentFileReferences, templateFileReferences } from "./file-references.js";

describe("file references", () => {
  it("lists get_file names and file-like types of a template, at any depth", () => {
    const template = {
      resources: {
        a: { type: "db.yaml", properties: { script: { get_file: "scripts/init.sh" } } },
        g: { type: "OS::Heat::ResourceGroup", properties: { resource_def: { type: "nested/member.yaml" } } },
        s: { type: "OS::Heat::Stack", properties: { template: { get_file: "inline.yaml" } } },
        p: { type: "OS::Heat::None", properties: { type: "not-a-file" } },
      },
    };
    expect(templateFileReferences(template)).toEqual(["db.yaml", "inline.yaml", "nested/member.yaml", "scripts/init.sh"]);
  });

  it("lists the files an environment's registry maps to", () => {
    const env = { resource_registry: { "My::A": "a.yaml", "My::B": "My::A", resources: { web: { "My::C": "web.yaml", hooks: "pre-create" } } } };
    expect(environmentFileReferences(env)).toEqual(["a.yaml", "web.yaml"]);
    expect(environmentFileReferences("text")).toEqual([]);
  });
});
