/**
 * The packed list format of rows and long arguments (`pack` / `unpack` of codec.ts): byte
 * lengths, split in place for one-byte text and through UTF-8 bytes otherwise - both ways give
 * the same values, and both refuse a corrupt text naming its key.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { RuntimeError } from "@converge/core";
import { decodePackedRow, decodeRow, pack, unpack, ROW_FIELDS } from "../src/codec.js";

describe("packed lists", () => {
  it("round-trip one-byte and multi-byte values alike", () => {
    const lists = [[], [""], ["a", "", '"b:c"', "12:34"], ["é", "日本", "😀:x", "plain"], ['"ok"', "ü"]];
    for (const list of lists) assert.deepEqual(unpack("k", pack(list)), list);
  });

  it("refuse a corrupt text, naming the key", () => {
    for (const text of ["3:ab", "x:ab", "2ab", "-1:", "5:é"]) {
      assert.throws(() => unpack("the-key", text), (e: unknown) => e instanceof RuntimeError && e.message.includes("the-key"), text);
    }
  });

  it("decode a packed row as its field list decodes", () => {
    const values: Record<string, string> = {
      id: '"7"', name: '"naïve"', type: '"t"', templateId: '"tpl"', physicalId: "null", properties: '{"a":[1,"ü"]}', attributes: "{}",
      action: '"CREATE"', status: '"COMPLETE"', statusReason: '""', requires: "[]", replaces: "null", replacedBy: "null",
      createdTraversal: '"tr"', deletionPolicy: '"delete"', lockHolder: '"e#a"', version: "3", updatedAt: "17", checkStatus: "null",
      driftedProperties: "[]", checkedAt: "null",
    };
    const fields = ROW_FIELDS.map((f) => values[f] as string);
    const row = decodePackedRow("rows", "7", pack(fields));
    assert.deepEqual(row, decodeRow("rows", "7", fields));
    assert.equal(row.name, "naïve");
    assert.deepEqual(row.properties, { a: [1, "ü"] });
    assert.equal(row.version, 3);
  });
});
