/**
 * A node's report in one script (`reportNode-1.lua`): its completion write with the write's
 * event, the merge into each target's sync point and the report mark - the contract's
 * optional `reportNode` - and the mark's read, `nodeReported`. With the runtime's queue, the
 * same script prepares the ready targets' jobs (ids with generations, queued marks, names, as
 * `prepareChecks-4` does): the report answers `enqueued`, and core does not enqueue them again.
 * On a standalone Redis the script adds them to BullMQ too (`SuccessorAdds.inline`), so a
 * chain link's report and its successor's job are one round trip; else, and when a name would
 * be cut, they are added in the next call.
 */
import type { CheckMessage, NodeKey, NodeReport, NodeReportResult, SyncKey } from "@converge/core";
import { STACK_NODE, parseNodeKey, toSyncKey } from "@converge/core";
import type { PreparedCheck, SuccessorAdds } from "./check-queue.js";
import { ENQUEUE_BATCH, checkField, jobIdBase, preparedName } from "./check-queue.js";
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
 * Report a node (the contract's `reportNode`); with `adds` (the runtime's queue), the ready
 * targets' checks are enqueued too.
 */
export async function reportNode(ctx: StoreContext, report: NodeReport, adds?: SuccessorAdds): Promise<NodeReportResult> {
  const { stackId, traversalId: t } = report;
  const write = report.write;
  // "<stack>|<traversal>|" of every job id of the traversal (jobIdBase without the check).
  const base = adds === undefined ? "" : `${encodeURIComponent(stackId)}|${encodeURIComponent(t)}|`;
  // A report of more targets than one add batch adds their jobs in batches after it (each
  // call Redis runs whole stays short).
  const inline = adds === undefined || report.targets.length === 0 || report.targets.length > ENQUEUE_BATCH ? null : await adds.inline();
  // One argument list, filled in place: sender, conditions, event, limits, the inline add,
  // then the patch's count and pairs.
  const args: Array<string | number> = [report.sender];
  if (write === undefined) args.push("", "", "", "", "");
  else appendWriteConditions(args, write);
  args.push(eventRest(report.event), ctx.maxEventsPerStack, Date.now(), base, syncTraversal(t));
  if (inline === null) args.push("", "", "", "");
  else args.push(inline.queuePrefix, inline.version, inline.mark ? "1" : "0", inline.optionsTail);
  args.push(0);
  const countAt = args.length - 1;
  if (write !== undefined) args[countAt] = appendPatchPairs(args, write.patch);
  for (const target of report.targets) {
    const check = adds === undefined ? null : readyCheck(stackId, t, target.node);
    args.push(target.node, target.required, json(target.payload), check === null ? "" : encodeURIComponent(checkField(check)), check === null || inline === null ? "" : json(check));
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
  if (adds === undefined) return { kind: "reported", ready: reply.slice(2).map((key) => toSyncKey(String(key))) };
  if ((reply.length - 4) % 3 !== 0) throw unexpectedReply("reportNode", reply);
  const ready: SyncKey[] = [];
  const checks: PreparedCheck[] = [];
  for (let i = 4; i < reply.length; i += 3) {
    const key = toSyncKey(String(reply[i]));
    const message = readyCheck(stackId, t, key);
    ready.push(key);
    checks.push({ message, jobId: `${jobIdBase(message)}|${Number(reply[i + 1])}`, name: preparedName(message, reply[2], reply[i + 2]) });
  }
  // The script's own add: null (nil) when it did not add them, else the count added, or -1 / -2
  // when the queue's meta names another BullMQ version or none (nothing added).
  const added = reply[3];
  if (inline !== null && typeof added === "number" && added >= 0) adds.added(checks.map((c) => c.jobId), inline.mark);
  else if (checks.length > 0) await adds.add(checks);
  return { kind: "reported", ready, enqueued: true };
}

/** Whether `node` reported in the traversal (its mark; gone with the traversal's counts). */
export async function nodeReported(ctx: StoreContext, stackId: string, traversalId: string, node: NodeKey): Promise<boolean> {
  const key = ctx.keys.stack(stackId).syncCounts(traversalId);
  return (await command("HEXISTS report mark", () => ctx.client.hexists(key, reportMark(node)))) === 1;
}
