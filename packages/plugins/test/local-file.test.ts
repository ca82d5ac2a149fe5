import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AbortedError } from "@converge/core";
import type { Template } from "@converge/core";
import { handlerContext } from "@converge/core/testing";
import { LocalFile } from "@converge/plugins";
import { formatFileMode, parseFileMode } from "../src/local/file-mode.js";
import { stackKit } from "./support/stack-kit.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "converge-local-file-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);
const modeOf = async (path: string): Promise<string> => formatFileMode((await stat(path)).mode);
const template = (properties: Record<string, unknown>): Template => ({
  heat_template_version: "2018-08-31",
  resources: { file: { type: "converge:local:File", properties } },
  outputs: { path: { value: { get_attr: ["file", "path"] } }, ref: { value: { get_resource: "file" } }, size: { value: { get_attr: ["file", "size"] } } },
});

describe("converge:local:File in a stack", () => {
  it("writes the file, updates content and mode in place, and removes it on delete", async () => {
    const kit = stackKit([LocalFile]);
    const path = join(dir, "nested", "a.txt");
    const created = await kit.create("s", template({ path, content: "héllo", mode: "0600" }));
    expect(created.state).toBe("CREATE_COMPLETE");
    expect(created.outputs).toEqual({ path, ref: path, size: 6 });
    expect(await readFile(path, "utf8")).toBe("héllo");
    expect(await modeOf(path)).toBe("0600");

    const updated = await kit.update("s", template({ path, content: "bye", mode: 644 }));
    expect(updated.outputs).toEqual({ path, ref: path, size: 3 });
    expect(await readFile(path, "utf8")).toBe("bye");
    expect(await modeOf(path)).toBe("0644");
    expect((await kit.live("s")).get("file")?.properties).toEqual({ path, content: "bye", mode: "0644" });

    await kit.remove("s");
    expect(await exists(path)).toBe(false);
  });

  it("replaces the file when path names another file: the new one is written before the old one goes", async () => {
    const kit = stackKit([LocalFile]);
    const a = join(dir, "a.txt");
    const b = join(dir, "b.txt");
    await kit.create("s", template({ path: a, content: "x" }));
    expect((await kit.engine.previewUpdate("s", template({ path: b, content: "x" }))).resources[0]?.action).toBe("replace");
    const moved = await kit.update("s", template({ path: b, content: "x" }));
    expect(moved.outputs.path).toBe(b);
    expect(await exists(a)).toBe(false);
    expect(await readFile(b, "utf8")).toBe("x");
    const states = (await kit.events("s")).filter((e) => e.kind === "resource").map((e) => `${e.physicalId ?? "-"}:${e.action}_${e.status}`);
    expect(states.indexOf(`${b}:CREATE_COMPLETE`)).toBeLessThan(states.indexOf(`${a}:DELETE_IN_PROGRESS`));
  });

  it("updates in place when a path spelled differently names the same file", async () => {
    const kit = stackKit([LocalFile]);
    const absolute = join(dir, "same.txt");
    await kit.create("s", template({ path: absolute, content: "1" }));
    const spelled = relative(process.cwd(), absolute);
    expect((await kit.engine.previewUpdate("s", template({ path: spelled, content: "1" }))).resources[0]?.action).toBe("update");
    const updated = await kit.update("s", template({ path: spelled, content: "2" }));
    expect(updated.outputs.ref).toBe(absolute);
    expect(await readFile(absolute, "utf8")).toBe("2");
  });

  it("rejects bad modes and empty paths when the template is validated", () => {
    const kit = stackKit([LocalFile]);
    expect(() => kit.engine.validateTemplate(template({ path: "" }))).toThrow(/path must not be empty/);
    expect(() => kit.engine.validateTemplate(template({ path: "x", mode: "0999" }))).toThrow(/resources\.file\.properties\.mode: file mode must be octal digits/);
    expect(() => kit.engine.validateTemplate({ resources: { file: { type: "converge:local:File", properties: { content: "x" } } } })).toThrow(/required property "path"/);
  });
});

describe("converge:local:File handlers", () => {
  it("reads drift: changed content and mode, and a missing file as gone", async () => {
    const path = join(dir, "d.txt");
    const props = LocalFile.properties.parse({ path, content: "want", mode: "0640" });
    const { physicalId } = await LocalFile.create({ ...handlerContext(), properties: props, setPhysicalId: async () => undefined });
    expect(await LocalFile.read?.({ ...handlerContext(), physicalId, properties: props })).toMatchObject({
      exists: true,
      properties: { path, content: "want", mode: "0640" },
    });
    await writeFile(path, "drifted");
    const drift = await LocalFile.read?.({ ...handlerContext(), physicalId, properties: props });
    expect(drift).toMatchObject({ exists: true, physicalId: path, properties: { content: "drifted" }, attributes: { size: 7 } });
    const unmanaged = LocalFile.properties.parse({ path, content: "want" });
    const unmanagedRead = await LocalFile.read?.({ ...handlerContext(), physicalId, properties: unmanaged });
    expect(unmanagedRead?.exists === true ? unmanagedRead.properties : null).toEqual({ path, content: "drifted" });
    await rm(path);
    expect(await LocalFile.read?.({ ...handlerContext(), physicalId, properties: props })).toEqual({ exists: false });
    expect(await LocalFile.read?.({ ...handlerContext(), physicalId: null, properties: props })).toEqual({ exists: false });
    await expect(LocalFile.delete({ ...handlerContext(), physicalId, properties: props })).resolves.toBeUndefined();
  });

  it("reads a mode changed by hand as drift in mode only, a file read elsewhere as drift in path, and honours the AbortSignal", async () => {
    const path = join(dir, "m.txt");
    const props = LocalFile.properties.parse({ path, content: "same", mode: "0640" });
    const { physicalId } = await LocalFile.create({ ...handlerContext(), properties: props, setPhysicalId: async () => undefined });
    await chmod(path, 0o600);
    const read = await LocalFile.read?.({ ...handlerContext(), physicalId, properties: props });
    expect(read?.exists === true ? read.properties : null).toEqual({ path, content: "same", mode: "0600" });
    const elsewhere = join(dir, "elsewhere.txt");
    await writeFile(elsewhere, "same");
    const imported = await LocalFile.read?.({ ...handlerContext(), physicalId: elsewhere, properties: props });
    expect(imported).toMatchObject({ exists: true, physicalId: elsewhere, properties: { path: elsewhere, content: "same" } });
    const relativePath = relative(process.cwd(), path);
    const spelled = await LocalFile.read?.({ ...handlerContext(), physicalId, properties: { ...props, path: relativePath } });
    expect(spelled?.exists === true ? spelled.properties?.path : null).toBe(relativePath);
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    await expect(LocalFile.read?.({ ...handlerContext({ signal: controller.signal }), physicalId, properties: props })).rejects.toThrow(/read of .*m\.txt aborted: Error: cancelled/);
  });

  it("writes nothing when the operation is already aborted", async () => {
    const path = join(dir, "aborted.txt");
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    const props = LocalFile.properties.parse({ path, content: "x" });
    await expect(LocalFile.create({ ...handlerContext({ signal: controller.signal }), properties: props, setPhysicalId: async () => undefined })).rejects.toBeInstanceOf(AbortedError);
    expect(await exists(path)).toBe(false);
  });
});

describe("file modes", () => {
  it.each<[string | number, number | RegExp]>([
    ["0644", 0o644],
    ["644", 0o644],
    ["0o755", 0o755],
    [600, 0o600],
    ["1777", 0o1777],
    ["0999", /octal digits/],
    [-1, /octal digits/],
    ["12345", /octal digits/],
  ])("parses %j", (input, expected) => {
    const parsed = parseFileMode(input);
    if (typeof expected === "number") expect(parsed).toBe(expected);
    else expect(parsed).toMatch(expected);
  });
  it("formats as four octal digits", () => {
    expect(formatFileMode(0o100644)).toBe("0644");
    expect(formatFileMode(0o7)).toBe("0007");
  });
});
