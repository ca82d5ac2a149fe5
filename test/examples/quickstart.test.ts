import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../examples/quickstart/src/main.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "converge-quickstart-test-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("examples/quickstart", () => {
  it("creates the files, updates data.txt in place, and deletes everything", async () => {
    const lines: string[] = [];
    const result = await main({ dir, print: (line) => lines.push(line) });
    expect(result.created.state).toBe("CREATE_COMPLETE");
    expect(result.created.outputs).toMatchObject({ index_path: join(dir, "index.txt"), data_size: 5 });
    expect(result.updated.state).toBe("UPDATE_COMPLETE");
    expect(result.dataAfter).toBe("hello, world");
    expect(result.idsAfter).toEqual(result.idsBefore);
    expect(result.idsBefore.config).toBe(join(dir, "config.json"));
    expect(result.deleted.deleted).toBe(true);
    expect(await readdir(dir)).toEqual([]);
    const text = lines.join("\n");
    expect(text).toContain("=> files: CREATE_COMPLETE");
    expect(text).toMatch(/preview {2}data {5}update/);
    expect(text).toMatch(/data {5}UPDATE_COMPLETE/);
    expect(text).toMatch(/index {4}DELETE_COMPLETE/);
    expect(text).toContain("stacks left: []");
  });
});
