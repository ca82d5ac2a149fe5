/**
 * A node's report in one script (`reportNode-1.lua`): its completion write with the write's
 * event, the merge into each target's sync point and the report mark - the contract's
 * optional `reportNode` - and the mark's read, `nodeReported`. With the runtime's queue, the
 * same script prepares the ready targets' jobs (ids with generations, queued marks, names, as
 * `prepareChecks-4` does), which are added to BullMQ in the next call: the report answers
 * `enqueued`, and core does not enqueue them again (one round trip less per report).
 */
import type { CheckMessage, NodeKey, NodeReport, NodeReportResult, SyncKey } from "@converge/core";
import { STACK_NODE, parseNodeKey, toSyncKey } from "@converge/core";
import type { AddPrepared, PreparedCheck } from "./check-queue.js";
import { checkField, jobIdBase, preparedName } from "./check-queue.js";
import { appendPatchPairs, json } from "./codec.js";
import { ScriptCode, unexpectedReply } from "./script-codes.js";
import { runScript } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";
import { command } from "./store-context.js";
import { syncTraversal } from "./keys.js";
import { appendWriteConditions, eventRest, writeResult } from "./store-rows.js";

/** The field of a node's report mark in its traversal's readiness counts. */
export function reportMark(node: NodeKey): string {
  return `reported:${node}`;
}

/** The check that runs sync point `key` once it is ready. */
function readyCheck(stackId: string, traversalId: string, key: SyncKey): CheckMessage {
  if (key === STACK_NODE) return { kind: "complete", stackId, traversalId };
  const { direction, rowId } = parseNodeKey(key);
  return { kind: "node", stackId, traversalId, rowId, direction };
}

/**
 * Report a node (the contract's `reportNode`); with `add` (the runtime's queue), the ready
 * targets' checks are enqueued too.
 */
export async function reportNode(ctx: StoreContext, report: NodeReport, add?: AddPrepared): Promise<NodeReportResult> {
  const { stackId, traversalId: t } = report;
  const write = report.write;
  // "<stack>|<traversal>|" of every job id of the traversal (jobIdBase without the check).
  const base = add === undefined ? "" : `${encodeURIComponent(stackId)}|${encodeURIComponent(t)}|`;
  // One argument list, filled in place: sender, conditions, event, limits, then the patch's count and pairs.
  const args: Array<string | number> = [report.sender];
  if (write === undefined) args.push("", "", "", "", "");
  else appendWriteConditions(args, write);
  args.push(eventRest(report.event), ctx.maxEventsPerStack, Date.now(), base, syncTraversal(t), 0);
  const countAt = args.length - 1;
  if (write !== undefined) args[countAt] = appendPatchPairs(args, write.patch);
  for (const target of report.targets) {
    args.push(target.node, target.required, json(target.payload), add === undefined ? "" : encodeURIComponent(checkField(readyCheck(stackId, t, target.node))));
  }
  const reply = await runScript(ctx.client, "reportNode", [ctx.keys.stack(stackId).stack], args);
  if (!Array.isArray(reply) || (reply[0] !== 0 && reply[0] !== 1)) throw unexpectedReply("reportNode", reply);
  if (reply[0] === 0) {
    const refused = write === undefined ? undefined : writeResult(ctx, write, "reportNode", reply.slice(1));
    if (refused === undefined || refused.ok) throw unexpectedReply("reportNode", reply);
    return { kind: "refused", reason: refused.reason, row: refused.row };
  }
  if (reply[1] === ScriptCode.GONE) return { kind: "gone" };
  if (reply[1] !== ScriptCode.OK) throw unexpectedReply("reportNode", reply);
  if (add === undefined) return { kind: "reported", ready: reply.slice(2).map((key) => toSyncKey(String(key))) };
  if ((reply.length - 3) % 3 !== 0) throw unexpectedReply("reportNode", reply);
  const ready: SyncKey[] = [];
  const checks: PreparedCheck[] = [];
  for (let i = 3; i < reply.length; i += 3) {
    const key = toSyncKey(String(reply[i]));
    const message = readyCheck(stackId, t, key);
    ready.push(key);
    checks.push({ message, jobId: `${jobIdBase(message)}|${Number(reply[i + 1])}`, name: preparedName(message, reply[2], reply[i + 2]) });
  }
  if (checks.length > 0) await add(checks);
  return { kind: "reported", ready, enqueued: true };
}

/** Whether `node` reported in the traversal (its mark; gone with the traversal's counts). */
export async function nodeReported(ctx: StoreContext, stackId: string, traversalId: string, node: NodeKey): Promise<boolean> {
  const key = ctx.keys.stack(stackId).syncCounts(traversalId);
  return (await command("HEXISTS report mark", () => ctx.client.hexists(key, reportMark(node)))) === 1;
}
