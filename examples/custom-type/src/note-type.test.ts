/**
 * Testing the custom type: the contract kit of `@converge/core/testing` (every rule a
 * resource type must keep), then the behaviour particular to notes.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handlerContext, runResourceTypeContract } from "@converge/core/testing";
import { Note } from "./note-type.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "converge-note-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const note = (over: Record<string, unknown> = {}) => ({ dir, slug: "n", title: "T", body: "one two", tags: ["a", "b"], signing_key: "key-secret-1", ...over });

// Cases are functions: `dir` only exists once beforeAll ran. Tags are given sorted, the form
// `read` reports them in.
runResourceTypeContract(
  Note,
  {
    create: () => note(),
    update: () => note({ title: "T2", body: "three", signing_key: "key-secret-2" }),
    replace: () => note({ slug: "m", signing_key: "key-secret-3" }),
  },
  { describe, it },
);

describe("example:notes:Note", () => {
  const parse = (over: Record<string, unknown> = {}) => Note.properties.parse(note(over));

  it("treats tags as a set in diff, and a new slug or dir as a replacement", () => {
    expect(Note.diff?.(parse(), parse({ tags: ["b", "a", "a"] }))).toBe("none");
    expect(Note.diff?.(parse(), parse({ title: "U" }))).toBe("update");
    expect(Note.diff?.(parse(), parse({ slug: "o" }))).toBe("replace");
    expect(Note.diff?.(parse(), parse({ dir: join(dir, ".") }))).toBe("none");
  });

  it("signs the note without storing the key, and read reports drift", async () => {
    const props = parse({ slug: "drift" });
    const { physicalId, attributes } = await Note.create({ ...handlerContext(), properties: props, setPhysicalId: async () => undefined });
    const text = await readFile(physicalId, "utf8");
    expect(text).not.toContain("key-secret-1");
    expect(JSON.parse(text)).toMatchObject({ title: "T", signature: attributes?.signature });
    await writeFile(physicalId, JSON.stringify({ ...JSON.parse(text), title: "changed by hand" }));
    expect(await Note.read?.({ ...handlerContext(), physicalId, properties: props })).toMatchObject({ exists: true, properties: { title: "changed by hand" } });
    // Without a physical id, only a file this very create would write counts as its own.
    expect(await Note.read?.({ ...handlerContext(), physicalId: null, properties: props })).toEqual({ exists: false });
    await Note.delete({ ...handlerContext(), physicalId, properties: props });
  });
});
