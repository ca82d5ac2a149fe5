import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../examples/custom-type/src/main.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "converge-custom-type-test-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("examples/custom-type", () => {
  it("edits in place, sees a tag reorder as no change, replaces on a rename, and cleans up", async () => {
    const lines: string[] = [];
    const steps = await main({ dir, print: (line) => lines.push(line) });
    expect(steps.map((s) => [s.title, s.state, s.files])).toEqual([
      ["create", "CREATE_COMPLETE", ["hello.json", "index.json"]],
      ["edit the title", "UPDATE_COMPLETE", ["hello.json", "index.json"]],
      ["reorder the tags", "UPDATE_COMPLETE", ["hello.json", "index.json"]],
      ["rename the note", "UPDATE_COMPLETE", ["greetings.json", "index.json"]],
      ["delete", "DELETE_COMPLETE", []],
    ]);
    expect(steps[1]?.preview.first).toBe("update");
    expect(steps[2]?.preview).toEqual({ first: "no_change", index: "no_change" });
    expect(steps[3]?.preview.first).toBe("replace");
    expect(lines.join("\n")).not.toContain("correct horse battery");
  });
});
