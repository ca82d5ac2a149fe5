/**
 * The Lua side and the TypeScript side agree: return codes, row field order, headers listing
 * every KEYS[i]; the generated scripts module is up to date; keys carry the stack's hash tag;
 * job ids and payload validation.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import { CorruptMessageError } from "@converge/core";
import type { CheckMessage } from "@converge/core";
import { ScriptCode, runtimeKeys } from "@converge/runtime-redis";
import { jobIdBase, parseJob } from "../src/check-queue.js";
import { ROW_FIELDS, ROW_LAYOUT } from "../src/codec.js";
import { luaScripts } from "../src/lua/scripts.js";

const luaDir = fileURLToPath(new URL("../src/lua/", import.meta.url));
const read = (file: string): string => readFileSync(`${luaDir}${file}`, "utf8");

describe("Lua scripts", () => {
  it("return codes of codes.lua are ScriptCode", () => {
    const lua = Object.fromEntries([...read("includes/codes.lua").matchAll(/^local (\w+) = (-?\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    assert.deepEqual(lua, { ...ScriptCode });
  });

  it("ROW_FIELDS of rowFields.lua is the codec's", () => {
    const match = /local ROW_FIELDS = \{([^}]*)\}/.exec(read("includes/rowFields.lua"));
    const lua = [...(match?.[1] ?? "").matchAll(/"(\w+)"/g)].map((m) => m[1]);
    assert.deepEqual(lua, [...ROW_FIELDS]);
  });

  it("ROW_LAYOUT of rowLayout.lua is the codec's", () => {
    assert.equal(/local ROW_LAYOUT = "(\w+)"/.exec(read("includes/rowLayout.lua"))?.[1], ROW_LAYOUT);
  });

  it("every script's header lists each of its KEYS and what it returns", () => {
    const files = readdirSync(luaDir).filter((f) => f.endsWith(".lua"));
    assert.equal(files.length, Object.keys(luaScripts).length);
    for (const file of files) {
      const [, name, count, more] = /^(\w+)-(\d+)(\+?)\.lua$/.exec(file) ?? [];
      const text = read(file);
      const header = text.slice(0, text.indexOf("]]"));
      for (let i = 1; i <= Number(count); i++) assert.match(header, new RegExp(`KEYS\\[${i}\\]`), `${file} does not document KEYS[${i}]`);
      assert.doesNotMatch(header, new RegExp(`KEYS\\[${Number(count) + 1}\\]`), `${file} documents more keys than its name says`);
      if (more === "+") assert.match(header, new RegExp(`KEYS\\[${Number(count) + 1}\\.\\.\\]`), `${file} does not document its further KEYS[${Number(count) + 1}..]`);
      assert.match(header, /Returns/, `${file} does not say what it returns`);
      const script = luaScripts[name as keyof typeof luaScripts];
      assert.equal(script.numberOfKeys, Number(count));
      assert.equal(script.moreKeys, more === "+");
    }
  });

  it("src/lua/scripts.ts is generated from the current .lua files", () => {
    const script = fileURLToPath(new URL("../scripts/generate-lua.mjs", import.meta.url));
    assert.doesNotThrow(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" }), "run `npm run generate:lua -w packages/runtime-redis`");
  });
});

describe("keys", () => {
  it("every key of a stack carries the stack's hash tag, so a script touches one cluster slot", () => {
    const keys = runtimeKeys("cv").stack("3f2a-stack");
    const all = [keys.stack, keys.rows, keys.templates, keys.queued, keys.events, keys.tombstone, keys.graph("t:1"), keys.sync("t:1", "U:4"), keys.syncIndex("t"), keys.syncCounts("t"), keys.gens("t")];
    for (const key of all) assert.equal(/\{([^}]*)\}/.exec(key)?.[1], "3f2a-stack", key);
    assert.equal(runtimeKeys("cv").queuePrefix, "{cv}");
    assert.notEqual(keys.sync("a:b", "U:1"), keys.sync("a", "b:U:1"), "sync keys of different traversals and nodes collide");
    assert.throws(() => runtimeKeys("cv").stack("bad{id}"));
  });
});

describe("job ids and payloads", () => {
  const node: CheckMessage = { kind: "node", stackId: "s-1", traversalId: "t:2|x", rowId: "7", direction: "C" };
  it("ids are deterministic per (stack, traversal, check), hold no ':' and parse back with their generation", () => {
    const base = jobIdBase(node);
    assert.equal(base, jobIdBase({ ...node }));
    assert.notEqual(base, jobIdBase({ ...node, direction: "U" }));
    assert.ok(!base.includes(":"), "BullMQ refuses ':' in job ids");
    assert.deepEqual(parseJob({ id: `${base}|12`, name: "node", data: node }), { message: node, generation: 12, jobId: `${base}|12` });
  });
  it("a payload is refused when corrupt, foreign or mismatched", () => {
    const base = jobIdBase(node);
    const refused = (job: { id: string; name: string; data: unknown }): void => assert.throws(() => parseJob(job), CorruptMessageError);
    refused({ id: `${base}|1`, name: "node", data: { ...node, rowId: 7 } });
    refused({ id: `${base}|1`, name: "node", data: { ...node, stackId: "x".repeat(300) } });
    refused({ id: `${base}|1`, name: "complete", data: node });
    refused({ id: `${base}|one`, name: "node", data: node });
    refused({ id: `${jobIdBase({ ...node, rowId: "8" })}|1`, name: "node", data: node });
  });
});
