/**
 * The conditional write's repack (`walkRow` of `lua/includes/conditionalWrite.lua`: untouched
 * runs of the stored text copied as they are) makes byte for byte the text of the whole-row
 * repack it replaced (split every field, set the patched ones, `packRow`), for random rows -
 * rows of today, rows stored before the check fields existed (18 fields) and non-ASCII text -
 * and random patches, and reads each field as the whole split does; the rows' ROW_INDEX
 * literal and rowPositions.lua's constants are ROW_FIELDS' positions. Keys that
 * scripts name from the stack key (`lua/includes/stackKeys.lua`) are those of `src/keys.ts`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { describe, it } from "vitest";
import { ROW_FIELDS, pack } from "../src/codec.js";
import { runtimeKeys, syncTraversal } from "../src/keys.js";
import { useTestRedis } from "./support/suite.js";

const luaDir = fileURLToPath(new URL("../src/lua/includes/", import.meta.url));
const include = (name: string): string => readFileSync(`${luaDir}${name}.lua`, "utf8").replace(/^---\s*@include.*$/gm, "");

/**
 * Both repacks of ARGV[1] (a packed row) with the patch ARGV[2..] (position, JSON, ...), and
 * what the walk read on the way, checked against the split fields (a string names a mismatch).
 */
const LUA = `${include("codes")}${include("unpackList")}${include("rowPositions")}${include("rowFields")}${include("conditionalWrite")}${include("rowText")}
local packed = ARGV[1]
local stored = unpackList(packed)
local row = unpackList(packed)
local patched = {}
for i = 1, ROW_COUNT do
  patched[i] = false
end
for i = 2, #ARGV - 1, 2 do
  row[tonumber(ARGV[i])] = ARGV[i + 1]
  patched[tonumber(ARGV[i])] = #ARGV[i + 1] .. ":" .. ARGV[i + 1]
end
local texts = {}
local parts, k, versionAt, holder, version = walkRow(packed, patched, texts)
if holder ~= stored[AT_LOCK_HOLDER] or version ~= stored[AT_VERSION] then
  return "holder or version read apart"
end
for _, i in ipairs({AT_ID, AT_NAME, AT_PHYSICAL_ID}) do
  if texts[i] ~= (not patched[i] and stored[i] or nil) then
    return "field " .. i .. " read apart"
  end
end
for i = 1, ROW_COUNT + 1 do
  if (rowText(packed, i) or false) ~= (stored[i] or false) then
    return "rowText " .. i .. " read apart"
  end
end
parts[versionAt] = #version .. ":" .. version
return {packRow(row), table.concat(parts, "", 1, k)}
`;

const redis = useTestRedis();
const TEXTS = ["null", "0", "17", '""', '"x"', '"ünïcödé ✓"', "[]", "{}", '{"a":[1,2,{"b":"c:d"}]}', '"12:34"', '"1234567"', `"${"long".repeat(40)}"`, `"${"x".repeat(2000)}"`];

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("conditional write's row splice", () => {
  it("ROW_INDEX of rowFields.lua gives each field its position in ROW_FIELDS", () => {
    const match = /local ROW_INDEX = \{([^}]*)\}/.exec(include("rowFields"));
    const lua = Object.fromEntries([...(match?.[1] ?? "").matchAll(/(\w+) = (\d+)/g)].map((m) => [m[1], Number(m[2])]));
    assert.deepEqual(lua, Object.fromEntries(ROW_FIELDS.map((f, i) => [f, i + 1])));
    const positions = Object.fromEntries([...include("rowPositions").matchAll(/^local (\w+) = (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    const at = (field: string): number => ROW_FIELDS.indexOf(field as never) + 1;
    assert.deepEqual(positions, { ROW_COUNT: ROW_FIELDS.length, AT_ID: at("id"), AT_NAME: at("name"), AT_PHYSICAL_ID: at("physicalId"), AT_LOCK_HOLDER: at("lockHolder"), AT_VERSION: at("version") });
  });

  it("makes the text packRow makes of the patched fields, for random rows and patches", async () => {
    const client = new Redis(redis.url);
    try {
      const sha = (await client.script("LOAD", LUA)) as string;
      const next = random(11);
      const pick = (): string => TEXTS[Math.floor(next() * TEXTS.length)] as string;
      for (let round = 0; round < 400; round++) {
        const count = round % 4 === 0 ? 18 : ROW_FIELDS.length;
        const fields = Array.from({ length: count }, pick);
        fields[ROW_FIELDS.indexOf("version")] = String(1 + Math.floor(next() * 200));
        const patch: string[] = [];
        // Any field but the version (the write bumps it; a patch never sets it).
        for (let i = 1; i <= ROW_FIELDS.length; i++) if (i !== ROW_FIELDS.indexOf("version") + 1 && next() < 0.4) patch.push(String(i), pick());
        const reply = (await client.evalsha(sha, 0, pack(fields), ...patch)) as [string, string] | string;
        const label = `row ${JSON.stringify(fields)} patch ${JSON.stringify(patch)}`;
        assert.ok(Array.isArray(reply), `${String(reply)}: ${label}`);
        assert.equal(reply[1], reply[0], label);
      }
    } finally {
      client.disconnect();
    }
  });
});

describe("keys named in scripts", () => {
  it("are the keys src/keys.ts names, for ASCII and non-ASCII traversals and nodes", async () => {
    const lua = `${include("stackKeys")}
local tk = ARGV[1]
local t = traversalOf(tk)
return {STACK_BASE .. "rows", STACK_BASE .. "events", STACK_BASE .. "queued", STACK_BASE .. "attempts", traversalKey("graph", t),
  traversalKey("gens", t), traversalKey("counts", t), traversalKey("syncs", t), syncKey(tk, ARGV[2]), syncKey(tk, "$stack")}`;
    const client = new Redis(redis.url);
    try {
      for (const [stackId, t, node] of [["3f2a-stack", "ed6b22d0-3c0d-4c8d-a229-1148089bdf08", "U:12"], ["s:ü", "t:1:ünï", "C:7"]] as const) {
        const k = runtimeKeys("cv:x").stack(stackId);
        const named = await client.eval(lua, 1, k.stack, syncTraversal(t), node);
        assert.deepEqual(named, [k.rows, k.events, k.queued, k.attempts, k.graph(t), k.gens(t), k.syncCounts(t), k.syncIndex(t), k.sync(t, node), k.sync(t, "$stack")]);
      }
    } finally {
      client.disconnect();
    }
  });
});
