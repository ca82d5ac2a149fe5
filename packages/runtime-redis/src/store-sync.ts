/**
 * Sync points (DESIGN.md section 5): the atomic merge-and-test and reads. One hash per
 * (traversal, node): sender -> payload JSON, so an arrival writes one field; readiness counts
 * in one hash per traversal; "gone" = the traversal's graph key no longer exists.
 */
import type { SyncKey, SyncMergeInput, SyncPayload, SyncResult } from "@converge/core";
import { toSyncKey } from "@converge/core";
import { json, parseStored } from "./codec.js";
import { ScriptCode, unexpectedReply } from "./script-codes.js";
import { runScript } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";
import { command } from "./store-context.js";
import { scanHash } from "./hash-scan.js";

/** Atomic merge-and-test of a sync point. */
export async function syncMerge(ctx: StoreContext, { stackId, traversalId, node, sender, payload, counted, required }: SyncMergeInput): Promise<SyncResult> {
  const k = ctx.keys.stack(stackId);
  const reply = await runScript(
    ctx.client,
    "syncMerge",
    [k.graph(traversalId), k.sync(traversalId, node), k.syncIndex(traversalId), k.syncCounts(traversalId)],
    [sender, json(payload), counted ? "1" : "0", required, node],
  );
  if (reply === ScriptCode.OK) return "ready";
  if (reply === ScriptCode.WAITING) return "waiting";
  if (reply === ScriptCode.GONE) return "gone";
  throw unexpectedReply("syncMerge", reply);
}

/** Whether a sync point has an entry of `sender` (HEXISTS; a gone traversal's sync points are deleted). */
export async function syncHas(ctx: StoreContext, stackId: string, traversalId: string, node: SyncKey, sender: SyncKey): Promise<boolean> {
  const key = ctx.keys.stack(stackId).sync(traversalId, node);
  return (await command("HEXISTS sync", () => ctx.client.hexists(key, sender))) === 1;
}

/**
 * Entries of a sync point read by one script; a larger one (a fan-in's, a wide stack's
 * completion point) is read in HSCAN pages of this size, so no call is O(N). Also the limit
 * of `claimCheck-1`'s read.
 */
export const SYNC_READ_PAGE = 1000;

/**
 * A sync point's entries; null when the traversal is gone. A large one is read in pages: each
 * sender's entry is written once (a re-sent arrival writes the same payload), so entries read
 * in different pages belong together; the traversal is tested again after the last page.
 */
export async function readSync(ctx: StoreContext, stackId: string, traversalId: string, node: SyncKey): Promise<Map<SyncKey, SyncPayload> | null> {
  const k = ctx.keys.stack(stackId);
  const key = k.sync(traversalId, node);
  const reply = await runScript(ctx.client, "readSync", [k.graph(traversalId), key], [SYNC_READ_PAGE]);
  if (reply === null) return null;
  if (reply === 0) return readSyncPaged(ctx, k.graph(traversalId), key);
  if (!Array.isArray(reply)) throw unexpectedReply("readSync", reply);
  return decodeSync(key, reply.map(String));
}

async function readSyncPaged(ctx: StoreContext, graphKey: string, key: string): Promise<Map<SyncKey, SyncPayload> | null> {
  const entries = new Map<SyncKey, SyncPayload>();
  await scanHash(ctx, "HSCAN sync", key, SYNC_READ_PAGE, (flat) => {
    for (const [sender, payload] of decodeSync(key, flat)) entries.set(sender, payload);
  });
  return (await command("EXISTS graph", () => ctx.client.exists(graphKey))) === 1 ? entries : null;
}

/** A sync point's entries from a flat `[sender, payload JSON, ...]` reply. */
export function decodeSync(key: string, flat: readonly string[]): Map<SyncKey, SyncPayload> {
  const entries = new Map<SyncKey, SyncPayload>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const sender = toSyncKey(flat[i] as string);
    entries.set(sender, parseStored(key, sender, flat[i + 1] as string) as SyncPayload);
  }
  return entries;
}
