/**
 * Stack-level store operations: the name index, stack records, templates, traversal
 * begin/graph install/completion, row id allocation and stack deletion. Each atomic
 * operation is one Lua script on the stack's slot; the name index lives in its own slot
 * and is claimed after the stack is written (and released after it is removed), so a name
 * always points at a stack that was stored.
 */
import { setImmediate } from "node:timers/promises";
import { RuntimeError } from "@converge/core";
import type { BeginTraversal, CompiledTemplate, InstallGraph, NewRow, StackRecord, StackTombstone, TraversalGraph } from "@converge/core";
import { decodeStack, json, newRowPairs, pack, parseStored, stackPairs } from "./codec.js";
import { ScriptCode, okOr, unexpectedReply } from "./script-codes.js";
import { runScript } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";
import { command } from "./store-context.js";

type StackPatch = Partial<Omit<StackRecord, "id" | "name" | "currentTraversal">>;

/** Insert a new stack and its first template; false when the name is taken (nothing kept). */
export async function createStack(ctx: StoreContext, stack: StackRecord, template: CompiledTemplate): Promise<boolean> {
  const k = ctx.keys.stack(stack.id);
  const stored = await runScript(ctx.client, "createStack", [k.stack, k.templates], [stack.templateId, json(template), ...stackPairs(stack)]);
  if (stored === ScriptCode.EXISTS) throw new RuntimeError(`a stack with id ${stack.id} is already stored; stack ids must be unique`);
  if (!okOr("createStack", stored)) return false;
  let expected = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const claim = await runScript(ctx.client, "claimName", [ctx.keys.names], [stack.name, stack.id, expected]);
    if (!Array.isArray(claim)) throw unexpectedReply("claimName", claim);
    if (claim[0] === ScriptCode.OK) return true;
    const owner = String(claim[1] ?? "");
    // A name whose stack no longer exists was left by a deletion that did not get to
    // release it: take it over (compare-and-set on that owner).
    const ownerStored = owner !== "" && (await command("EXISTS", () => ctx.client.exists(ctx.keys.stack(owner).stack))) === 1;
    if (ownerStored || owner === "") break;
    expected = owner;
  }
  await command("DEL", () => ctx.client.del(k.stack, k.templates));
  return false;
}

/** Id of the stack named `name`, or null. */
export async function findStackId(ctx: StoreContext, name: string): Promise<string | null> {
  return command("HGET names", () => ctx.client.hget(ctx.keys.names, name));
}

/** Names of every stored stack, sorted. */
export async function listStackNames(ctx: StoreContext): Promise<string[]> {
  const names = await command("HGETALL names", () => ctx.client.hgetall(ctx.keys.names));
  const entries = Object.entries(names);
  const stored = await Promise.all(entries.map(([, id]) => command("EXISTS", () => ctx.client.exists(ctx.keys.stack(id).stack))));
  return entries.filter((_, i) => stored[i] === 1).map(([name]) => name).sort();
}

/** Load a stack record. */
export async function loadStack(ctx: StoreContext, stackId: string): Promise<StackRecord | null> {
  const key = ctx.keys.stack(stackId).stack;
  return decodeStack(key, await command("HGETALL stack", () => ctx.client.hgetall(key)));
}

/** CAS the stack to a new traversal (DESIGN.md section 3 step 2). */
export async function beginTraversal(ctx: StoreContext, input: BeginTraversal): Promise<boolean> {
  const k = ctx.keys.stack(input.stackId);
  const old = input.expectedTraversal;
  const reply = await runScript(
    ctx.client,
    "beginTraversal",
    [k.stack, k.templates, k.graph(old), k.syncIndex(old), k.syncCounts(old), k.gens(old), k.syncTrash],
    [json(old), input.template === undefined ? "" : input.stack.templateId, input.template === undefined ? "" : json(input.template), ...stackPairs(input.stack)],
  );
  if (!okOr("beginTraversal", reply, ScriptCode.SUPERSEDED)) return false;
  await drainSyncTrash(ctx, input.stackId);
  return true;
}

/** New rows per insert script: a larger traversal's rows are inserted in chunks of this many before its graph. */
export const INSERT_CHUNK_ROWS = 200;

/** Insert script calls in flight at once (one connection runs them in order: a pipeline). */
const INSERT_WINDOW = 8;

/**
 * Insert new rows of the current traversal `t` in chunks, each its own short script and a
 * compare-and-set on the traversal, a few chunks in flight at once. False when superseded:
 * a refused chunk writes nothing, and so does every later one (the traversal stays superseded).
 * Each chunk is encoded in its own turn of the event loop, so that the replies other callers
 * wait for (the checks running in this process) are handled between chunks.
 */
export async function insertRows(ctx: StoreContext, stackId: string, t: string, rows: readonly NewRow[]): Promise<boolean> {
  const k = ctx.keys.stack(stackId);
  for (let from = 0; from < rows.length; from += INSERT_CHUNK_ROWS * INSERT_WINDOW) {
    const calls: Array<Promise<unknown>> = [];
    for (let i = from; i < Math.min(rows.length, from + INSERT_CHUNK_ROWS * INSERT_WINDOW); i += INSERT_CHUNK_ROWS) {
      if (i > from) await setImmediate();
      const call = runScript(ctx.client, "insertRows", [k.stack, k.rows], [json(t), pack(rows.slice(i, i + INSERT_CHUNK_ROWS).flatMap(newRowPairs))]);
      // Handled at once (a failure is thrown by Promise.all below), not left unhandled over a turn.
      call.catch(() => undefined);
      calls.push(call);
    }
    const replies = await Promise.all(calls);
    if (!replies.every((reply) => okOr("insertRows", reply, ScriptCode.SUPERSEDED))) return false;
  }
  return true;
}

/** Insert the traversal's new rows and store its graph, only while it is current. */
export async function installGraph(ctx: StoreContext, input: InstallGraph): Promise<boolean> {
  const k = ctx.keys.stack(input.stackId);
  const t = input.graph.traversalId;
  const rows = input.newRows;
  // A large traversal's rows go first, in chunks, each its own short script.
  const inline = rows.length <= INSERT_CHUNK_ROWS;
  if (!inline && !(await insertRows(ctx, input.stackId, t, rows))) return false;
  const reply = await runScript(
    ctx.client,
    "installGraph",
    [k.stack, k.rows, k.graph(t), k.syncIndex(t), k.syncCounts(t), k.syncTrash],
    [json(t), json(input.graph), pack(inline ? rows.flatMap(newRowPairs) : [])],
  );
  return okOr("installGraph", reply, ScriptCode.SUPERSEDED);
}

/** Reserve `count` fresh row ids. */
export async function allocateRowIds(ctx: StoreContext, stackId: string, count: number): Promise<string[]> {
  if (!Number.isInteger(count) || count <= 0) return [];
  const last = await runScript(ctx.client, "allocateRowIds", [ctx.keys.stack(stackId).stack], [count]);
  if (last === ScriptCode.GONE) return [];
  if (typeof last !== "number" || last < count) throw unexpectedReply("allocateRowIds", last);
  return Array.from({ length: count }, (_, i) => String(last - count + 1 + i));
}

/** Load a traversal's graph; null when purged or superseded. */
export async function loadGraph(ctx: StoreContext, stackId: string, traversalId: string): Promise<TraversalGraph | null> {
  const key = ctx.keys.stack(stackId).graph(traversalId);
  const text = await command("GET graph", () => ctx.client.get(key));
  if (text === null) return null;
  const graph = parseStored(key, "(value)", text) as TraversalGraph;
  if (typeof graph !== "object" || graph === null || graph.traversalId !== traversalId) {
    throw new RuntimeError(`corrupt graph in Redis at ${key}: it is not the graph of traversal ${traversalId}`);
  }
  return graph;
}

/** CAS-update stack fields. */
export async function updateStack(ctx: StoreContext, stackId: string, ifTraversal: string, patch: StackPatch, ifStatus?: StackRecord["status"]): Promise<boolean> {
  const reply = await runScript(ctx.client, "updateStack", [ctx.keys.stack(stackId).stack], [json(ifTraversal), ifStatus === undefined ? "" : json(ifStatus), ...stackPairs(patch)]);
  return okOr("updateStack", reply, ScriptCode.SUPERSEDED);
}

/**
 * How many of a deleted stack's newest events stay readable (approximately: the stream is
 * trimmed to whole internal nodes) until the stream expires `deletedEventsTtlMs` later.
 */
export const DELETED_EVENTS_KEPT = 1000;

/**
 * Remove the stack and everything it owns, only while the traversal is current, leaving its
 * tombstone (kept `tombstoneTtlMs`, plus what is left of the stack's timeout) and its newest
 * `DELETED_EVENTS_KEPT` events (kept `deletedEventsTtlMs`); then free its name.
 */
export async function deleteStack(ctx: StoreContext, stackId: string, ifTraversal: string, deletedAt: number): Promise<boolean> {
  const k = ctx.keys.stack(stackId);
  const [nameText, deadlineText] = await command("HMGET stack", () => ctx.client.hmget(k.stack, "name", "deadline"));
  if (nameText === null || nameText === undefined) return false;
  const name = parseStored(k.stack, "name", nameText);
  const deadline = deadlineText === null || deadlineText === undefined ? null : parseStored(k.stack, "deadline", deadlineText);
  const pending = typeof deadline === "number" && deadline > deletedAt ? Math.ceil(deadline - deletedAt) : 0;
  const t = ifTraversal;
  const tombstone = { stackId, name: typeof name === "string" ? name : "", traversalId: t, deletedAt };
  const reply = await runScript(
    ctx.client,
    "deleteStack",
    [k.stack, k.rows, k.templates, k.graph(t), k.syncIndex(t), k.syncCounts(t), k.gens(t), k.queued, k.events, k.tombstone, k.attempts, k.syncTrash, k.stackMarks],
    [json(t), ctx.deletedEventsTtlMs, json(tombstone), ctx.tombstoneTtlMs + pending, DELETED_EVENTS_KEPT],
  );
  if (!okOr("deleteStack", reply, ScriptCode.SUPERSEDED)) return false;
  await drainSyncTrash(ctx, stackId);
  if (typeof name === "string") await runScript(ctx.client, "releaseName", [ctx.keys.names], [name, stackId]);
  return true;
}

/** The tombstone a completed delete left, while it is kept. */
export async function loadTombstone(ctx: StoreContext, stackId: string): Promise<StackTombstone | null> {
  const key = ctx.keys.stack(stackId).tombstone;
  const text = await command("GET tombstone", () => ctx.client.get(key));
  if (text === null) return null;
  const value = parseStored(key, "(value)", text) as Partial<StackTombstone> | null;
  if (typeof value !== "object" || value === null || value.stackId !== stackId || typeof value.name !== "string" || typeof value.traversalId !== "string" || typeof value.deletedAt !== "number") {
    throw new RuntimeError(`corrupt tombstone in Redis at ${key}: expected { stackId, name, traversalId, deletedAt }`);
  }
  return { stackId, name: value.name, traversalId: value.traversalId, deletedAt: value.deletedAt };
}

/** Load a stored template. */
export async function loadTemplate(ctx: StoreContext, stackId: string, templateId: string): Promise<CompiledTemplate | null> {
  const key = ctx.keys.stack(stackId).templates;
  const text = await command("HGET template", () => ctx.client.hget(key, templateId));
  return text === null ? null : (parseStored(key, templateId, text) as CompiledTemplate);
}

/** Rows dropped per script by a completion (the last chunk goes with completeTraversal). */
export const DROP_CHUNK_ROWS = 2000;

/**
 * Drop what is left of the sync points of traversals that are over, a page per script
 * (`drainSyncPoints`), until the stack's trash set is empty.
 */
async function drainSyncTrash(ctx: StoreContext, stackId: string): Promise<void> {
  const trash = ctx.keys.stack(stackId).syncTrash;
  while ((await runScript(ctx.client, "drainSyncPoints", [trash], [])) === 1);
}

/** Final purge of a completed traversal (DESIGN.md section 4 step 6). */
export async function completeTraversal(
  ctx: StoreContext,
  stackId: string,
  traversalId: string,
  dropRowIds: readonly string[],
  keepTemplateIds: readonly string[],
  patch: StackPatch,
): Promise<boolean> {
  const k = ctx.keys.stack(stackId);
  const t = traversalId;
  // Most rows to drop go first, in chunks, each its own short script; the last chunk with the purge.
  let from = 0;
  for (; dropRowIds.length - from > DROP_CHUNK_ROWS; from += DROP_CHUNK_ROWS) {
    const chunk = pack(dropRowIds.slice(from, from + DROP_CHUNK_ROWS));
    if (!okOr("dropRows", await runScript(ctx.client, "dropRows", [k.stack, k.rows], [json(t), chunk]), ScriptCode.SUPERSEDED)) return false;
  }
  const reply = await runScript(
    ctx.client,
    "completeTraversal",
    [k.stack, k.rows, k.templates, k.graph(t), k.syncIndex(t), k.syncCounts(t), k.syncTrash],
    [json(t), pack(dropRowIds.slice(from)), pack(keepTemplateIds), ...stackPairs(patch)],
  );
  if (!okOr("completeTraversal", reply, ScriptCode.SUPERSEDED)) return false;
  await drainSyncTrash(ctx, stackId);
  return true;
}
