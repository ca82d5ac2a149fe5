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

/** Whether `value` is an id as the schema takes it. */
function isId(value: unknown): value is string {
  return typeof value === "string" && value.length >= 1 && value.length <= 200;
}

/** The keys each kind of message has (exactly). */
const KEYS: Readonly<Record<CheckMessage["kind"], number>> = { node: 5, complete: 3, timeout: 3, watchdog: 3, reconcile: 4 };

/**
 * Whether `raw` is exactly a check message as the schema describes it (the same test, made
 * without zod: this runs once per delivered check; zod explains a message that fails it).
 */
function isCheckMessage(raw: unknown): raw is CheckMessage {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
  const m = raw as Record<string, unknown>;
  const kind = m.kind;
  if (typeof kind !== "string" || !Object.prototype.hasOwnProperty.call(KEYS, kind)) return false;
  if (!isId(m.stackId) || !isId(m.traversalId)) return false;
  let keys = 0;
  for (const key in m) {
    if (!Object.prototype.hasOwnProperty.call(m, key)) return false;
    keys++;
  }
  if (keys !== KEYS[kind as CheckMessage["kind"]]) return false;
  if (kind === "node") return isId(m.rowId) && (m.direction === "U" || m.direction === "C");
  if (kind === "reconcile") return typeof m.due === "number" && Number.isSafeInteger(m.due) && m.due >= 0;
  return true;
}

/** Validate an untrusted message. @throws CorruptMessageError naming what is wrong. */
export function parseCheckMessage(raw: unknown): CheckMessage {
  if (isCheckMessage(raw)) return raw;
  const parsed = checkMessageSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? "" : ` at ${issue.path.join(".")}`;
  throw new CorruptMessageError(`${issue?.message ?? "invalid"}${where}`);
}
