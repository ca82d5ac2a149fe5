/**
 * The packed list format of rows and long arguments (`pack` / `unpack` of codec.ts): byte
 * lengths, split in place for one-byte text and through UTF-8 bytes otherwise - both ways give
 * the same values, and both refuse a corrupt text naming its key.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { RuntimeError } from "@converge/core";
import type { RowPatch } from "@converge/core";
import { appendPatchPairs, decodePackedRow, decodeRow, decodeStack, decodeStackFlat, json, pack, packedJson, unpack, ROW_FIELDS } from "../src/codec.js";

describe("packed lists", () => {
  it("round-trip one-byte and multi-byte values alike", () => {
    const lists = [[], [""], ["a", "", '"b:c"', "12:34"], ["é", "日本", "😀:x", "plain"], ['"ok"', "ü"]];
    for (const list of lists) assert.deepEqual(unpack("k", pack(list)), list);
  });

  it("refuse a corrupt text, naming the key", () => {
    for (const text of ["3:ab", "x:ab", "2ab", "-1:", "5:é", ":x", ":é", "1234567890123456:x", "1:a2:b"]) {
      assert.throws(() => unpack("the-key", text), (e: unknown) => e instanceof RuntimeError && e.message.includes("the-key"), text);
    }
  });

  it("refuse a corrupt packed row, naming its key and row", () => {
    assert.throws(() => decodePackedRow("rows-key", "7", "3:ab"), (e: unknown) => e instanceof RuntimeError && e.message.includes("at rows-key field 7: bad length at byte 0"));
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

describe("stored fields", () => {
  const row = (field: string, text: string): Record<string, unknown> => {
    const values: Record<string, string> = { id: '"1"', version: "1", [field]: text };
    return decodeRow("rows", "1", ROW_FIELDS.map((f) => values[f] ?? '"x"')) as unknown as Record<string, unknown>;
  };

  it("decode as JSON.parse does, whichever path reads them", () => {
    const texts = ['"plain"', '""', '"a\\"b"', '"line\\nbreak"', '"\\ud800"', "0", "7", "123456789012345", "1234567890123456789", "-3", "1.5", "1e3", "true", "null", "[]", "{}", '{"a":1}'];
    for (const text of texts) assert.deepEqual(row("properties", text).properties, JSON.parse(text), text);
  });

  it("refuse a corrupt number or text, naming the key and field", () => {
    for (const text of ["01", "1x", "", '"unterminated', "nul"]) {
      assert.throws(() => row("updatedAt", text), (e: unknown) => e instanceof RuntimeError && e.message.includes("rows") && e.message.includes("1:updatedAt"), text);
    }
    const stack = { id: '"s"', name: '"n"', currentTraversal: '"t"', templateId: '"x"', prevTemplateId: "null", action: '"CREATE"', status: '"COMPLETE"', statusReason: '""', options: "{}", deadline: "007", createdAt: "1", updatedAt: "2" };
    assert.throws(() => decodeStack("stack-key", stack), (e: unknown) => e instanceof RuntimeError && e.message.includes("stack-key field deadline"));
    assert.equal(decodeStack("stack-key", { ...stack, deadline: "7" })?.deadline, 7);
  });

  it("encode a patch's own patchable fields only, after what the list holds", () => {
    const patch = Object.assign(Object.create({ status: "INHERITED" }) as object, { action: "CREATE", version: 9, id: "x", lockHolder: "e#a", properties: { a: 1 }, physicalId: undefined });
    const out: Array<string | number> = ["before"];
    assert.equal(appendPatchPairs(out, patch as RowPatch), 4);
    // Each field as its position in ROW_FIELDS, counted from 1 (the scripts' row index), its value packed.
    assert.deepEqual(out, ["before", String(ROW_FIELDS.indexOf("action") + 1), '8:"CREATE"', String(ROW_FIELDS.indexOf("properties") + 1), '7:{"a":1}']);
    const unicode: Array<string | number> = [];
    appendPatchPairs(unicode, { statusReason: "ü✓" } as RowPatch);
    assert.deepEqual(unicode, [String(ROW_FIELDS.indexOf("statusReason") + 1), '7:"ü✓"']);
  });
});

describe("fast paths", () => {
  const values: unknown[] = [
    "", "plain", "a b:c", 'quo"te', "back\\slash", "tab\t", "\u0000", "\u001f", "~", "\u007f", "é", "日本", "😀", "\ud800", "\udc00x",
    0, -0, 7, -3, 1.5, 1e21, 2 ** 53, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY,
    null, true, false, [], {}, { a: [1, "ü"] }, ["x", null],
  ];

  it("write the JSON text JSON.stringify writes, packed as pack packs it", () => {
    for (const value of values) {
      assert.equal(json(value), JSON.stringify(value), String(value));
      assert.equal(packedJson(value), pack([JSON.stringify(value)]), String(value));
    }
    assert.throws(() => json(undefined), RuntimeError);
  });

  it("decode a one-byte packed row as its field list decodes, whatever its fields hold", () => {
    const texts = ['"plain"', '""', '"a\\"b"', '"\\ud800"', '"x"', "0", "17", "1234567890123456789", "-3", "1.5", "true", "null", "[]", "{}", '{"a":"b"}'];
    for (const text of texts) {
      for (const field of ["name", "properties", "statusReason", "updatedAt", "checkedAt"]) {
        const stored: Record<string, string> = { id: '"1"', version: "2", [field]: text };
        const fields = ROW_FIELDS.map((f) => stored[f] ?? '"x"');
        // Whole, without the fields added later (older rows), and with one more than this version knows.
        for (const list of [fields, fields.slice(0, ROW_FIELDS.length - 3), [...fields, '"extra"']]) {
          let expected: unknown;
          try {
            expected = decodeRow("rows", "1", list);
          } catch (error) {
            expected = (error as Error).message;
          }
          let actual: unknown;
          try {
            actual = decodePackedRow("rows", "1", pack(list));
          } catch (error) {
            actual = (error as Error).message;
          }
          assert.deepEqual(actual, expected, `${field} ${text} (${list.length} fields)`);
        }
      }
    }
    assert.throws(() => decodePackedRow("rows", "1", `${pack(ROW_FIELDS.map(() => "null"))}9:x`), /at rows field 1: bad length at byte/);
  });

  it("give the record decoded last for a stack reply of the same strings, deeply frozen, and a new one when a field changes", () => {
    const flat = ["id", '"s"', "name", '"n"', "currentTraversal", '"t"', "templateId", '"x"', "prevTemplateId", "null", "action", '"CREATE"', "status", '"IN_PROGRESS"', "statusReason", '""', "options", '{"parameters":{"a":[1]}}', "deadline", "null", "createdAt", "1", "updatedAt", "2"];
    const first = decodeStackFlat("cache-key", [...flat]);
    assert.ok(first !== null && Object.isFrozen(first) && Object.isFrozen(first.options) && Object.isFrozen(first.options.parameters));
    assert.equal(decodeStackFlat("cache-key", [...flat]), first);
    const changed = decodeStackFlat("cache-key", flat.map((v) => (v === '"IN_PROGRESS"' ? '"COMPLETE"' : v)));
    assert.equal(changed?.status, "COMPLETE");
    assert.deepEqual({ ...changed, status: "IN_PROGRESS" }, { ...first });
    assert.equal(decodeStackFlat("cache-key", []), null);
    const corrupt = flat.map((v) => (v === "null" ? "nul" : v));
    for (let i = 0; i < 2; i++) assert.throws(() => decodeStackFlat("cache-key", corrupt), /cache-key field prevTemplateId/);
  });
});
