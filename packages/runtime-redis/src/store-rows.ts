/**
 * Row operations: loads, the conditional write (lock acquire/steal/release, locked writes,
 * compare-and-set writes) and idempotent replacement creation - each write one Lua script.
 */
import type { NewRow, ReplacementResult, ResourceRow, RowWrite, RowWriteEvent, RowWriteResult } from "@converge/core";
import { ROW_FIELDS, decodeRow, json, parseStored, rowPatchPairs } from "./codec.js";
import { ScriptCode, refusalOf, unexpectedReply } from "./script-codes.js";
import { runScript } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";
import { command } from "./store-context.js";

/** Fields of a replacement's row that the caller gives (the script sets id, replaces, version, lock). */
const REPLACEMENT_FIELDS = ROW_FIELDS.filter((f) => f !== "id" && f !== "replaces" && f !== "version" && f !== "lockHolder");

/** Hash fields scanned per HSCAN page of `loadRows` (about COUNT / 21 rows). */
const SCAN_COUNT = 1000;

/**
 * Every row of the stack, in id order. Read in pages so no single command is O(rows): HSCAN
 * finds the rows of a page by their "version" field, then one HMGET reads those rows whole
 * (each row consistent, as written by one script). A row written during the scan is read as
 * it is then; one deleted during it is skipped.
 */
export async function loadRows(ctx: StoreContext, stackId: string): Promise<ResourceRow[]> {
  const key = ctx.keys.stack(stackId).rows;
  const rows = new Map<string, ResourceRow>();
  let cursor = "0";
  do {
    const page = await command("HSCAN rows", () => ctx.client.hscan(key, cursor, "MATCH", "*:version", "COUNT", SCAN_COUNT));
    cursor = page[0];
    const ids = [...new Set(page[1].filter((_, i) => i % 2 === 0).map((field) => field.slice(0, -":version".length)))].filter((id) => !rows.has(id));
    if (ids.length === 0) continue;
    const values = await command("HMGET rows", () => ctx.client.hmget(key, ...ids.flatMap((id) => ROW_FIELDS.map((f) => `${id}:${f}`))));
    ids.forEach((id, n) => {
      const fields = values.slice(n * ROW_FIELDS.length, (n + 1) * ROW_FIELDS.length);
      if (!fields.every((v) => v === null)) rows.set(id, decodeRow(key, id, fields));
    });
  } while (cursor !== "0");
  return [...rows.values()].sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
}

/** One row, or null. */
export async function loadRow(ctx: StoreContext, stackId: string, rowId: string): Promise<ResourceRow | null> {
  const key = ctx.keys.stack(stackId).rows;
  const values = await command("HMGET row", () => ctx.client.hmget(key, ...ROW_FIELDS.map((f) => `${rowId}:${f}`)));
  return values.every((v) => v === null) ? null : decodeRow(key, rowId, values);
}

/** Decode a `{code, row...}` reply of writeRow / createReplacement. */
function rowReply(ctx: StoreContext, stackId: string, script: string, reply: unknown): { code: number; row: ResourceRow | null } {
  if (!Array.isArray(reply) || typeof reply[0] !== "number") throw unexpectedReply(script, reply);
  const [code, ...fields] = reply as [number, ...Array<string | null>];
  if (code === ScriptCode.GONE) return { code, row: null };
  const key = ctx.keys.stack(stackId).rows;
  const rowId = typeof fields[0] === "string" ? String(parseStored(key, "id", fields[0])) : "?";
  return { code, row: decodeRow(key, rowId, fields) };
}

/** The arguments of a conditional write's conditions (ARGV of writeRow-3 from the row id, and of reportNode-6+). */
export function writeConditions(write: RowWrite): Array<string | number> {
  return [
    write.rowId,
    write.ifTraversal === undefined ? "" : json(write.ifTraversal),
    write.ifVersion === undefined ? "" : write.ifVersion,
    write.ifHolder === undefined ? "" : json(write.ifHolder),
    write.setHolder === undefined ? "" : json(write.setHolder),
  ];
}

/** The JSON the scripts complete into a row write's event (everything but what the row gives). */
export function eventRest(event: RowWriteEvent | undefined): string {
  if (event === undefined) return "";
  const { time, stackName, traversalId, action, status, reason } = event;
  return json({ time, stackName, traversalId, action, status, reason });
}

/** Conditional row write (with the resource event of an accepted write, when given); bumps the version. */
export async function writeRow(ctx: StoreContext, write: RowWrite, event?: RowWriteEvent): Promise<RowWriteResult> {
  const k = ctx.keys.stack(write.stackId);
  const reply = await runScript(ctx.client, "writeRow", [k.stack, k.rows, k.events], [...writeConditions(write), eventRest(event), ctx.maxEventsPerStack, ...rowPatchPairs(write.patch)]);
  return writeResult(ctx, write.stackId, "writeRow", reply);
}

/** The contract's result of a `{code, row...}` reply of a conditional write. */
export function writeResult(ctx: StoreContext, stackId: string, script: string, reply: unknown): RowWriteResult {
  const { code, row } = rowReply(ctx, stackId, script, reply);
  if (code === ScriptCode.OK && row !== null) return { ok: true, row };
  if (code === ScriptCode.GONE) return { ok: false, reason: "gone", row: null };
  return { ok: false, reason: refusalOf(script, code), row };
}

/** Create the replacement of `oldRowId` for `traversalId`, idempotently (W-B). */
export async function createReplacement(
  ctx: StoreContext,
  stackId: string,
  oldRowId: string,
  traversalId: string,
  ifVersion: number,
  row: Omit<NewRow, "id">,
): Promise<ReplacementResult> {
  const k = ctx.keys.stack(stackId);
  const full = { checkStatus: null, driftedProperties: [], checkedAt: null, ...row };
  const pairs = REPLACEMENT_FIELDS.flatMap((f) => [f, json(full[f as keyof typeof full])]);
  const reply = await runScript(ctx.client, "createReplacement", [k.stack, k.rows], [oldRowId, json(oldRowId), json(traversalId), ifVersion, ...pairs]);
  const { code, row: result } = rowReply(ctx, stackId, "createReplacement", reply);
  if ((code === ScriptCode.OK || code === ScriptCode.EXISTING) && result !== null) {
    return { ok: true, row: result, created: code === ScriptCode.OK };
  }
  if (code === ScriptCode.GONE) return { ok: false, reason: "gone", row: null };
  return { ok: false, reason: refusalOf("createReplacement", code), row: result };
}
