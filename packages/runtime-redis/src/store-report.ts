/**
 * A node's report in one script (`reportNode-6+.lua`): its completion write with the write's
 * event, the merge into each target's sync point and the report mark - the contract's
 * optional `reportNode` - and the mark's read, `nodeReported`.
 */
import type { NodeKey, NodeReport, NodeReportResult } from "@converge/core";
import { toSyncKey } from "@converge/core";
import { json, rowPatchPairs } from "./codec.js";
import { ScriptCode, unexpectedReply } from "./script-codes.js";
import { runScript } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";
import { command } from "./store-context.js";
import { eventRest, writeConditions, writeResult } from "./store-rows.js";

/** The field of a node's report mark in its traversal's readiness counts. */
export function reportMark(node: NodeKey): string {
  return `reported:${node}`;
}

/** Report a node (the contract's `reportNode`). */
export async function reportNode(ctx: StoreContext, report: NodeReport): Promise<NodeReportResult> {
  const k = ctx.keys.stack(report.stackId);
  const t = report.traversalId;
  const keys = [k.stack, k.rows, k.events, k.graph(t), k.syncIndex(t), k.syncCounts(t)];
  const write = report.write;
  const patch = write === undefined ? [] : rowPatchPairs(write.patch);
  const args: Array<string | number> = [report.sender, ...(write === undefined ? ["", "", "", "", ""] : writeConditions(write)), eventRest(report.event), ctx.maxEventsPerStack, patch.length, ...patch];
  for (const target of report.targets) {
    keys.push(k.sync(t, target.node));
    args.push(target.node, target.required, json(target.payload));
  }
  const reply = await runScript(ctx.client, "reportNode", keys, args);
  if (!Array.isArray(reply) || (reply[0] !== 0 && reply[0] !== 1)) throw unexpectedReply("reportNode", reply);
  if (reply[0] === 0) {
    const refused = writeResult(ctx, report.stackId, "reportNode", reply.slice(1));
    if (refused.ok) throw unexpectedReply("reportNode", reply);
    return { kind: "refused", reason: refused.reason, row: refused.row };
  }
  if (reply[1] === ScriptCode.GONE) return { kind: "gone" };
  if (reply[1] !== ScriptCode.OK) throw unexpectedReply("reportNode", reply);
  return { kind: "reported", ready: reply.slice(2).map((key) => toSyncKey(String(key))) };
}

/** Whether `node` reported in the traversal (its mark; gone with the traversal's counts). */
export async function nodeReported(ctx: StoreContext, stackId: string, traversalId: string, node: NodeKey): Promise<boolean> {
  const key = ctx.keys.stack(stackId).syncCounts(traversalId);
  return (await command("HEXISTS report mark", () => ctx.client.hexists(key, reportMark(node)))) === 1;
}
