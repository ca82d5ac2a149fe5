/**
 * The encoding of new rows (a 100k create encodes every row in the API process, so
 * `newRowPairs` builds the packed text directly): it must equal `encodeRow` of the full row,
 * and packed lists must carry UTF-8 byte lengths for text that is not ASCII.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import type { NewRow, ResourceRow } from "@converge/core";
import { decodePackedRow, encodeRow, newRowPairs, pack, unpack } from "../src/codec.js";

const base: NewRow = {
  id: "7",
  name: "wébserver-😀-数据",
  type: "t:x:Y",
  templateId: "tpl",
  physicalId: null,
  properties: { label: "naïve ☃", n: 3, list: ["a", "ü"] },
  attributes: {},
  action: "INIT",
  status: "COMPLETE",
  statusReason: "",
  requires: ["1", "2"],
  replaces: null,
  replacedBy: null,
  createdTraversal: "trav",
  deletionPolicy: "delete",
  updatedAt: 1765000000000,
};

describe("codec of new rows", () => {
  it("packs UTF-8 byte lengths, so unpack returns every element (ASCII, accents, emoji, CJK, lone surrogates)", () => {
    const list = ["plain", "", "é", "😀", "数据", "a\u00ffb", '"quoted"', "x\ud800y", "12:34"];
    assert.equal(pack(["é"]), "2:é");
    assert.equal(pack(["😀"]), "4:😀");
    const back = unpack("k", pack(list));
    // A lone surrogate is not UTF-8: it travels as U+FFFD, as Buffer.byteLength counts it.
    assert.deepEqual(back, list.map((s) => s.replace("\ud800", "\ufffd")));
  });

  it("newRowPairs equals encodeRow of the row at version 1, unlocked, never checked", () => {
    const [id, packed] = newRowPairs(base);
    assert.equal(id, "7");
    const full = { checkStatus: null, driftedProperties: [], checkedAt: null, ...base, version: 1, lockHolder: null } as ResourceRow;
    assert.equal(packed, encodeRow(full));
    assert.deepEqual(decodePackedRow("k", "7", packed as string), full);
  });

  it("newRowPairs keeps check fields a new row carries", () => {
    const row: NewRow = { ...base, checkStatus: "DRIFTED", driftedProperties: ["label"], checkedAt: 5 };
    const [, packed] = newRowPairs(row);
    assert.equal(packed, encodeRow({ ...row, version: 1, lockHolder: null } as ResourceRow));
  });
});
