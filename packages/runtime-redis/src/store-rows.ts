/**
 * Row operations: loads, the conditional write (lock acquire/steal/release, locked writes,
 * compare-and-set writes) and idempotent replacement creation - each write one Lua script.
 */
import type { NewRow, ReplacementResult, ResourceRow, RowWrite, RowWriteEvent, RowWriteResult } from "@converge/core";
import { ROW_FIELDS, appendPatchPairs, decodePackedRow, decodeRow, json, parseStored } from "./codec.js";
import { ScriptCode, refusalOf, unexpectedReply } from "./script-codes.js";
import { runScript } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";
import { command } from "./store-context.js";
import { scanHash } from "./hash-scan.js";

/** Fields of a replacement's row that the caller gives (the script sets id, replaces, version, lock). */
const REPLACEMENT_FIELDS = ROW_FIELDS.filter((f) => f !== "id" && f !== "replaces" && f !== "version" && f !== "lockHolder");

/** Rows asked per HSCAN page of `loadRows` (one row is one hash field). */
const SCAN_COUNT = 500;

/**
 * Every row of the stack, in id order. Read in pages so no single command is O(rows): each
 * HSCAN page returns its rows whole (one field per row, each as written by one script). A
 * row written during the scan is read as it is then; one deleted during it is skipped.
 */
export async function loadRows(ctx: StoreContext, stackId: string): Promise<ResourceRow[]> {
  const key = ctx.keys.stack(stackId).rows;
  const rows = new Map<string, ResourceRow>();
  await scanHash(ctx, "HSCAN rows", key, SCAN_COUNT, (entries) => {
    for (let i = 0; i + 1 < entries.length; i += 2) {
      const id = entries[i] as string;
      if (!rows.has(id)) rows.set(id, decodePackedRow(key, id, entries[i + 1] as string));
    }
  });
  // Row ids are decimal numbers (allocateRowIds-1): each compared as a number, converted once.
  const byId = [...rows.values()].map((row) => ({ n: Number(row.id), row }));
  byId.sort((a, b) => a.n - b.n || a.row.id.localeCompare(b.row.id));
  return byId.map((entry) => entry.row);
}

/** One row, or null. */
export async function loadRow(ctx: StoreContext, stackId: string, rowId: string): Promise<ResourceRow | null> {
  const key = ctx.keys.stack(stackId).rows;
  const packed = await command("HGET row", () => ctx.client.hget(key, rowId));
  return packed === null ? null : decodePackedRow(key, rowId, packed);
}

/** Decode a `{code, row fields...}` reply of createReplacement. */
function rowReply(ctx: StoreContext, stackId: string, script: string, reply: unknown): { code: number; row: ResourceRow | null } {
  if (!Array.isArray(reply) || typeof reply[0] !== "number") throw unexpectedReply(script, reply);
  const [code, ...fields] = reply as [number, ...Array<string | null>];
  if (code === ScriptCode.GONE) return { code, row: null };
  const key = ctx.keys.stack(stackId).rows;
  const rowId = typeof fields[0] === "string" ? String(parseStored(key, "id", fields[0])) : "?";
  return { code, row: decodeRow(key, rowId, fields) };
}

/**
 * Append the arguments of a conditional write's conditions (ARGV of writeRow-1 from the row id,
 * and of reportNode-1) to `out`; returns `out`.
 */
export function appendWriteConditions(out: Array<string | number>, write: RowWrite): Array<string | number> {
  out.push(
    write.rowId,
    write.ifTraversal === undefined ? "" : json(write.ifTraversal),
    write.ifVersion === undefined ? "" : write.ifVersion,
    write.ifHolder === undefined ? "" : json(write.ifHolder),
    write.setHolder === undefined ? "" : json(write.setHolder),
  );
  return out;
}

/** JSON text of an event list's item (undefined is null in a JSON list). */
const item = (value: unknown): string => (value === undefined ? "null" : json(value));

/**
 * What the scripts complete into a row write's event (everything but what the row gives): the
 * JSON list `[time, stackName, traversalId, action, status, reason]`, the tail of the stored
 * resource event (see `event-stream.ts`).
 */
export function eventRest(event: RowWriteEvent | undefined): string {
  if (event === undefined) return "";
  // JSON.stringify of the list, item by item (`json`'s fast paths; a missing item is null, as in JSON.stringify).
  const { time, stackName, traversalId, action, status, reason } = event;
  return `[${item(time)},${item(stackName)},${item(traversalId)},${item(action)},${item(status)},${item(reason)}]`;
}

/** Conditional row write (with the resource event of an accepted write, when given); bumps the version. */
export async function writeRow(ctx: StoreContext, write: RowWrite, event?: RowWriteEvent): Promise<RowWriteResult> {
  const stackKey = ctx.keys.stack(write.stackId).stack;
  // One argument list, filled in place (no intermediate lists to spread).
  const args = appendWriteConditions([], write);
  args.push(eventRest(event), ctx.maxEventsPerStack);
  appendPatchPairs(args, write.patch);
  const reply = await runScript(ctx.client, "writeRow", [stackKey], args);
  return writeResult(ctx, write, "writeRow", reply);
}

/**
 * The contract's result of a conditional write's `{code, packed row}` reply (writeRow-1,
 * reportNode's refusal): the row as stored, one string - not a list of its fields.
 */
export function writeResult(ctx: StoreContext, write: Pick<RowWrite, "stackId" | "rowId">, script: string, reply: unknown): RowWriteResult {
  if (!Array.isArray(reply) || typeof reply[0] !== "number") throw unexpectedReply(script, reply);
  const code = reply[0];
  if (code === ScriptCode.GONE) return { ok: false, reason: "gone", row: null };
  if (typeof reply[1] !== "string") throw unexpectedReply(script, reply);
  const row = decodePackedRow(ctx.keys.stack(write.stackId).rows, write.rowId, reply[1]);
  if (code === ScriptCode.OK) return { ok: true, row };
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
