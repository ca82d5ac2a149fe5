/**
 * Reading a template tree from disk, in-process: which files are read, the names the engine
 * gets (relative to the root template's directory, references rewritten), environments and
 * their registries, parameter files, and every error located in the file that names the
 * problem.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidOptionsError, TemplateValidationError } from "@converge/core";
import { readParamFiles } from "../src/param-file.js";
import { TemplateFileError } from "../src/template-file.js";
import { readTemplateTree } from "../src/tree/template-tree.js";
import { locateInTree, locateTreePath } from "../src/tree/tree-locate.js";

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "converge-tree-"));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const HOT = "heat_template_version: 2018-08-31\n";

/** The error `action` throws (fails the test when it does not throw). */
function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("readTemplateTree", () => {
  const files = {
    "stack/site.yaml": `${HOT}resources:\n  app:\n    type: nested/app.yaml\n  script:\n    type: OS::Heat::Value\n    properties:\n      value: {get_file: ./scripts/init.sh}\n`,
    "stack/nested/app.yaml": `${HOT}resources:\n  db:\n    type: db.yaml\n  boot:\n    type: OS::Heat::Value\n    properties:\n      value: {get_file: ../scripts/init.sh}\n`,
    "stack/nested/db.yaml": `${HOT}# no references\nresources: {}\n`,
    "stack/scripts/init.sh": "#!/bin/sh\necho hi\n",
  };

  it("reads every file the tree names, relative to the file naming it, with names relative to the root template", () => {
    const dir = tree(files);
    const result = readTemplateTree("stack/site.yaml", dir);
    expect(Object.keys(result.files).sort()).toEqual(["nested/app.yaml", "nested/db.yaml", "scripts/init.sh"]);
    const root = result.source.template as { resources: Record<string, { type: string; properties?: { value: unknown } }> };
    expect(root.resources.app?.type).toBe("nested/app.yaml");
    expect(root.resources.script?.properties?.value).toEqual({ get_file: "scripts/init.sh" });
    // A file whose references were renamed is passed as JSON of the rewritten template.
    const app = JSON.parse(result.files["nested/app.yaml"] ?? "") as { resources: { db: { type: string }; boot: { properties: { value: unknown } } } };
    expect(app.resources.db.type).toBe("nested/db.yaml");
    expect(app.resources.boot.properties.value).toEqual({ get_file: "scripts/init.sh" });
    // Files with nothing to rename are passed as they are.
    expect(result.files["nested/db.yaml"]).toBe(files["stack/nested/db.yaml"]);
    expect(result.files["scripts/init.sh"]).toBe(files["stack/scripts/init.sh"]);
    expect(result.origins.get("nested/app.yaml")).toEqual({ file: join("stack", "nested", "app.yaml"), text: files["stack/nested/app.yaml"] });
    expect(result.environments).toEqual([]);
  });

  it("keeps files with the same base name in different directories apart", () => {
    const dir = tree({
      "site.yaml": `${HOT}resources:\n  a: {type: a/thing.yaml}\n  b: {type: b/thing.yaml}\n  c: {type: c/thing.yml}\n  d: {type: "OS::Heat::None"}\n`,
      "a/thing.yaml": `${HOT}description: a\n`,
      "b/thing.yaml": `${HOT}description: b\n`,
      "c/thing.yml": `${HOT}description: c\n`,
    });
    const result = readTemplateTree("site.yaml", dir);
    expect(Object.keys(result.files).sort()).toEqual(["a/thing.yaml", "b/thing.yaml", "c/thing.yml"]);
    expect(result.files["a/thing.yaml"]).toContain("description: a");
    expect(result.files["b/thing.yaml"]).toContain("description: b");
  });

  it("follows group definitions, ResourceChain lists, CloudFormation Type and a get_file that is itself a template", () => {
    const dir = tree({
      "site.yaml": [
        HOT,
        "resources:",
        "  group:",
        "    type: OS::Heat::ResourceGroup",
        "    properties: {count: 2, resource_def: {type: member.yaml}}",
        "  chain:",
        "    type: OS::Heat::ResourceChain",
        "    properties: {resources: [link.yaml, OS::Heat::None]}",
        "  remote:",
        "    type: OS::Heat::Stack",
        "    properties: {template: {get_file: sub/stack.yaml}}",
        "",
      ].join("\n"),
      "member.yaml": `${HOT}resources: {}\n`,
      "link.yaml": `HeatTemplateFormatVersion: '2012-12-12'\nResources:\n  inner: {Type: cfn-inner.template}\n`,
      "cfn-inner.template": `${HOT}resources: {}\n`,
      "sub/stack.yaml": `${HOT}resources:\n  x: {type: leaf.yaml}\n`,
      "sub/leaf.yaml": `${HOT}resources: {}\n`,
    });
    const result = readTemplateTree("site.yaml", dir);
    expect(Object.keys(result.files).sort()).toEqual(["cfn-inner.template", "link.yaml", "member.yaml", "sub/leaf.yaml", "sub/stack.yaml"]);
    expect(JSON.parse(result.files["sub/stack.yaml"] ?? "")).toMatchObject({ resources: { x: { type: "sub/leaf.yaml" } } });
  });

  it("ends on a tree that includes itself (the engine reports the recursion)", () => {
    const dir = tree({ "a.yaml": `${HOT}resources:\n  b: {type: b.yaml}\n`, "b.yaml": `${HOT}resources:\n  a: {type: a.yaml}\n` });
    const result = readTemplateTree("a.yaml", dir);
    expect(Object.keys(result.files).sort()).toEqual(["a.yaml", "b.yaml"]);
  });

  it("names a missing file at the line of the file that names it", () => {
    const dir = tree({ "site.yaml": `${HOT}resources:\n  app: {type: nested/app.yaml}\n`, "nested/app.yaml": `${HOT}resources:\n  db:\n    type: missing.yaml\n` });
    const error = thrown(() => readTemplateTree("site.yaml", dir));
    expect(error).toBeInstanceOf(TemplateFileError);
    expect(error).toBeInstanceOf(Error);
    const located = error as TemplateFileError;
    expect(located.file).toBe(join("nested", "app.yaml"));
    expect([located.line, located.column]).toEqual([4, 5]);
    expect(located.message).toBe(`${join("nested", "app.yaml")}:4:5: resources.db.type: template file "missing.yaml" does not exist (looked for ${join("nested", "missing.yaml")})`);
    expect(located.excerpt).toContain("> 4 |     type: missing.yaml");
  });

  it("rejects a URL (files are read from disk) and a nested file that is not a template", () => {
    const url = tree({ "site.yaml": `${HOT}resources:\n  app: {type: "https://example.com/app.yaml"}\n` });
    expect(thrown(() => readTemplateTree("site.yaml", url))).toMatchObject({ message: expect.stringMatching(/^site\.yaml:3:9: resources\.app\.type: "https:\/\/example\.com\/app\.yaml" is a URL; converge reads template files from disk only/) });
    const bad = tree({ "site.yaml": `${HOT}resources:\n  app: {type: app.yaml}\n`, "app.yaml": "resources: [\n" });
    const error = thrown(() => readTemplateTree("site.yaml", bad)) as TemplateFileError;
    expect(error).toBeInstanceOf(TemplateFileError);
    expect(error.file).toBe("app.yaml");
  });

  it("reads the root template's absence as a bad option", () => {
    expect(thrown(() => readTemplateTree("nope.yaml", tree({})))).toBeInstanceOf(InvalidOptionsError);
  });
});

describe("environments", () => {
  it("resolve registry files relative to the environment file (or base_url), per-resource registries included", () => {
    const dir = tree({
      "site.yaml": `${HOT}resources:\n  db: {type: "My::Db"}\n`,
      "env/prod.yaml": [
        "parameters: {size: 3}",
        "parameter_defaults: {zone: b}",
        "resource_registry:",
        '  "My::Db": ../templates/db.yaml',
        '  "My::Alias": "My::Db"',
        '  "OS::Nova::Server": "OS::Heat::None"',
        "  resources:",
        "    db:",
        '      "My::Db": special.yaml',
        "      hooks: pre-create",
        "    web:",
        "      base_url: ../templates/",
        '      "My::Web": web.yaml',
        "",
      ].join("\n"),
      "env/special.yaml": `${HOT}resources: {}\n`,
      "templates/db.yaml": `${HOT}resources:\n  disk: {type: disk.yaml}\n`,
      "templates/disk.yaml": `${HOT}resources: {}\n`,
      "templates/web.yaml": `${HOT}resources: {}\n`,
      "env/empty.yaml": "# nothing here\n---\n",
    });
    const result = readTemplateTree("site.yaml", dir, ["env/prod.yaml", "env/empty.yaml"]);
    expect(result.environments).toEqual([
      {
        parameters: { size: 3 },
        parameter_defaults: { zone: "b" },
        resource_registry: {
          "My::Db": "templates/db.yaml",
          "My::Alias": "My::Db",
          "OS::Nova::Server": "OS::Heat::None",
          resources: { db: { "My::Db": "env/special.yaml", hooks: "pre-create" }, web: { "My::Web": "templates/web.yaml" } },
        },
      },
      {},
    ]);
    expect(Object.keys(result.files).sort()).toEqual(["env/special.yaml", "templates/db.yaml", "templates/disk.yaml", "templates/web.yaml"]);
    expect(JSON.parse(result.files["templates/db.yaml"] ?? "")).toMatchObject({ resources: { disk: { type: "templates/disk.yaml" } } });
    expect(result.environmentSources.map((s) => s.file)).toEqual(["env/prod.yaml", "env/empty.yaml"]);
  });

  it("are checked where they are written: unknown section, wrong kind, missing file, missing registry file", () => {
    const dir = tree({
      "site.yaml": `${HOT}resources: {}\n`,
      "typo.yaml": "parameters: {}\nresource_regsitry: {}\n",
      "list.yaml": "- a\n",
      "kind.yaml": "parameter_defaults: [1]\n",
      "gone.yaml": 'resource_registry:\n  "My::X": x.yaml\n',
    });
    expect(thrown(() => readTemplateTree("site.yaml", dir, ["typo.yaml"]))).toMatchObject({ message: expect.stringMatching(/^typo\.yaml:2:1: resource_regsitry: unknown environment section; expected one of parameters, parameter_defaults, resource_registry/) });
    expect(thrown(() => readTemplateTree("site.yaml", dir, ["list.yaml"]))).toMatchObject({ message: expect.stringMatching(/^list\.yaml: an environment must be a mapping of sections/) });
    expect(thrown(() => readTemplateTree("site.yaml", dir, ["kind.yaml"]))).toMatchObject({ message: "kind.yaml:1:1: parameter_defaults: must be a mapping, got a list" });
    const missing = thrown(() => readTemplateTree("site.yaml", dir, ["nope.yaml"]));
    expect(missing).toBeInstanceOf(InvalidOptionsError);
    expect((missing as Error).message).toMatch(/--environment.*"nope\.yaml" does not exist/);
    expect(thrown(() => readTemplateTree("site.yaml", dir, ["gone.yaml"]))).toMatchObject({ message: 'gone.yaml:2:3: resource_registry.My::X: template file "x.yaml" does not exist (looked for x.yaml)' });
  });
});

describe("parameter files", () => {
  it("merge in order, keep YAML/JSON types, and report a file that is not a mapping", () => {
    const dir = tree({ "a.yaml": "size: 2\ntags: [a, b]\nname: first\n", "b.json": '{"name": "second", "conf": {"x": 1}}', "empty.yaml": "", "bad.yaml": "- 1\n" });
    expect(readParamFiles(["a.yaml", "b.json", "empty.yaml"], dir)).toEqual({ size: 2, tags: ["a", "b"], name: "second", conf: { x: 1 } });
    expect(thrown(() => readParamFiles(["bad.yaml"], dir))).toMatchObject({ message: "bad.yaml: a parameter file must be a mapping of parameter names to values" });
    expect(thrown(() => readParamFiles(["none.yaml"], dir))).toBeInstanceOf(InvalidOptionsError);
  });
});

describe("locating an error through the nesting", () => {
  const files = {
    "site.yaml": [
      HOT,
      "resources:",
      "  app:",
      "    type: nested/app.yaml",
      "  aliased:",
      "    type: My::App",
      "  group:",
      "    type: OS::Heat::ResourceGroup",
      "    properties:",
      "      count: 2",
      "      resource_def:",
      "        type: OS::Heat::TestResource",
      "        properties: {value: x}",
      "  servers:",
      "    type: OS::Heat::ResourceGroup",
      "    properties: {count: 1, resource_def: {type: My::App}}",
      "  chain:",
      "    type: OS::Heat::ResourceChain",
      "    properties: {resources: [OS::Heat::None, nested/app.yaml], resource_properties: {size: 1}}",
      "",
    ].join("\n"),
    "nested/app.yaml": `${HOT}parameters:\n  size: {type: number}\nresources:\n  db:\n    type: OS::Heat::TestResource\n    properties:\n      value: {get_param: size}\n`,
    "env.yaml": 'resource_registry:\n  "My::App": nested/app.yaml\n',
  };

  it("follows template resources, registry aliases and group members to the file and path", () => {
    const dir = tree(files);
    const result = readTemplateTree("site.yaml", dir, ["env.yaml"]);
    const app = join("nested", "app.yaml");
    expect(locateTreePath(result, "resources.app.resources.db.properties.value")).toMatchObject({ source: { file: app }, path: "resources.db.properties.value" });
    expect(locateTreePath(result, "resources.aliased.resources.db")).toMatchObject({ source: { file: app }, path: "resources.db" });
    expect(locateTreePath(result, "resources.app.properties.size")).toMatchObject({ source: { file: "site.yaml" }, path: "resources.app.properties.size" });
    expect(locateTreePath(result, "resources.group.resources.1.properties.value")).toMatchObject({ source: { file: "site.yaml" }, path: "resources.group.properties.resource_def.properties.value" });
    expect(locateTreePath(result, "resources.group.resources.1.type")).toMatchObject({ source: { file: "site.yaml" }, path: "resources.group.properties.resource_def.type" });
    expect(locateTreePath(result, "resources.servers.resources.0.resources.db.properties.value")).toMatchObject({ source: { file: app }, path: "resources.db.properties.value" });
    expect(locateTreePath(result, "resources.chain.resources.1.outputs.x")).toMatchObject({ source: { file: app }, path: "outputs.x" });
    expect(locateTreePath(result, "resources.chain.resources.0.properties.size")).toMatchObject({ source: { file: "site.yaml" }, path: "resources.chain.properties.resource_properties.size" });
    expect(locateTreePath(result, "resources.chain.resources.0.type")).toMatchObject({ source: { file: "site.yaml" }, path: "resources.chain.properties.resources.0" });
    // A child's own sections (its parameters' constraints, outputs) are in the child's file.
    expect(locateTreePath(result, "resources.app.parameters.size")).toMatchObject({ source: { file: app }, path: "parameters.size" });
    expect(locateTreePath(result, "resources.app.type")).toMatchObject({ source: { file: "site.yaml" }, path: "resources.app.type" });
    const located = locateInTree(result, new TemplateValidationError("resources.app.resources.db.properties.value", "bad value")) as TemplateFileError;
    expect(located).toBeInstanceOf(TemplateFileError);
    expect(located.message).toBe(`${app}:8:7: resources.app.resources.db.properties.value: bad value`);
    const envError = locateInTree(result, new TemplateValidationError("environment[0].resource_registry.My::App", "bad entry")) as TemplateFileError;
    expect(envError.message).toBe("env.yaml:2:3: environment[0].resource_registry.My::App: bad entry");
  });
});
