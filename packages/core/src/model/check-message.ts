/**
 * The schema of a check message (ids only, DESIGN.md section 4): what a runtime accepts from
 * its queue and a snapshot restores. Anything else is corrupt or foreign.
 */
import { z } from "zod";
import { CorruptMessageError } from "../errors.js";
import type { CheckMessage } from "./types.js";

const id = z.string().min(1).max(200);

/** Schema of a check message; anything else is corrupt or foreign. */
export const checkMessageSchema: z.ZodType<CheckMessage> = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("node"), stackId: id, traversalId: id, rowId: id, direction: z.enum(["U", "C"]) }),
  z.strictObject({ kind: z.literal("complete"), stackId: id, traversalId: id }),
  z.strictObject({ kind: z.literal("timeout"), stackId: id, traversalId: id }),
  z.strictObject({ kind: z.literal("watchdog"), stackId: id, traversalId: id }),
  z.strictObject({ kind: z.literal("reconcile"), stackId: id, traversalId: id, due: z.number().int().nonnegative() }),
]);

/** Validate an untrusted message. @throws CorruptMessageError naming what is wrong. */
export function parseCheckMessage(raw: unknown): CheckMessage {
  const parsed = checkMessageSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? "" : ` at ${issue.path.join(".")}`;
  throw new CorruptMessageError(`${issue?.message ?? "invalid"}${where}`);
}
