/**
 * The claim of a delivered job (`claimCheck-1`, one script call): the job is forgotten as
 * queued, its check's generation moves past it, the attempt is recorded as running, and the
 * stack record, the check's row, its first sync point and its report mark are read in the same
 * step. What it read is the delivery's claim (`Delivery.claim` of core's runtime contract),
 * which answers the check's first reads of them. On a standalone Redis the same script usually
 * runs inside BullMQ's fetch instead (`fetch-claim.ts`), and `decodeClaim` reads its reply.
 */
import { nodeKey } from "@converge/core";
import type { DeliveryClaim } from "@converge/core";
import { claimArgs, firstSyncRead } from "./check-queue.js";
import type { ParsedJob } from "./check-queue.js";
import { decodePackedRow, decodeStackFlat } from "./codec.js";
import { unexpectedReply } from "./script-codes.js";
import { runScript } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";
import { decodeSync } from "./store-sync.js";

/** Who claims: the attempt's token, its engine, and how long stale generations are kept. */
export interface Claimant {
  readonly attempt: string;
  readonly engineId: string;
  readonly staleGenerationTtlMs: number;
  /** Ended attempts of the job's stack for the claim to remove (`attempt-ends.ts`). */
  readonly ended?: readonly string[];
}

type ClaimReply = [string[], string, Array<string | number>, 0 | 1];

const isClaimReply = (reply: unknown): reply is ClaimReply =>
  Array.isArray(reply) && Array.isArray(reply[0]) && typeof reply[1] === "string" && Array.isArray(reply[2]) && (reply[3] === 0 || reply[3] === 1);

/** Claim a validated job for an attempt; returns what the claim read. @throws RuntimeError on an unexpected reply */
export async function claimJob(ctx: StoreContext, parsed: ParsedJob, claimant: Claimant): Promise<DeliveryClaim> {
  const claim = claimArgs(ctx, parsed, claimant.staleGenerationTtlMs, claimant.attempt, claimant.engineId);
  const reply = await runScript(ctx.client, "claimCheck", claim.keys, claimant.ended === undefined || claimant.ended.length === 0 ? claim.args : [...claim.args, ...claimant.ended]);
  return decodeClaim(ctx, parsed, reply);
}

/** What a claim of `parsed` read, from its reply (`claimCheck-1`'s, or a fetch's: `fetch-claim.ts`). @throws RuntimeError on an unexpected reply */
export function decodeClaim(ctx: StoreContext, parsed: ParsedJob, reply: unknown): DeliveryClaim {
  if (!isClaimReply(reply)) throw unexpectedReply("claimCheck", reply);
  const [stackFields, packedRow, syncReply, reported] = reply;
  const message = parsed.message;
  const k = ctx.keys.stack(message.stackId);
  const syncNode = firstSyncRead(message);
  const stack = decodeStackFlat(k.stack, stackFields);
  // No stack stored: nothing else was read.
  if (stackFields.length === 0) return { stack };
  const sync =
    syncNode !== null && syncReply[0] !== 0
      ? { traversalId: message.traversalId, node: syncNode, value: syncReply[0] === 1 ? null : decodeSync(k.sync(message.traversalId, syncNode), syncReply.slice(1).map(String)) }
      : undefined;
  // Object literals per case, not spreads of conditional ones: a value not read stays absent.
  if (message.kind !== "node") return sync === undefined ? { stack } : { stack, sync };
  const row = { rowId: message.rowId, value: packedRow === "" ? null : decodePackedRow(k.rows, message.rowId, packedRow) };
  const mark = { traversalId: message.traversalId, node: nodeKey(message.direction, message.rowId), value: reported === 1 };
  return sync === undefined ? { stack, row, reported: mark } : { stack, row, sync, reported: mark };
}
