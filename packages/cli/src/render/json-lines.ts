/**
 * The NDJSON lines of `--json` on `apply`, `delete`, `rollback` and `cancel`: stdout carries
 * only these, one object per line, each with a `type`:
 *
 * ```
 * {"type":"plan","stack":"site","exists":true,"summary":{"create":1,…},"resources":[…]}   (apply, delete)
 * {"type":"event","seq":"12","time":…,"kind":"resource","resourceName":"web",…}          (0 or more)
 * {"type":"result","command":"apply","stack":"site","outcome":"succeeded",…}             (always last)
 * ```
 *
 * Human text (warnings, the refusal of an unconfirmed plan) goes to stderr.
 */
import type { StackEvent } from "@converge/core";
import type { FailureNote } from "../follow.js";
import type { Plan } from "../plan.js";

/** How an operation command ended. */
export type Outcome =
  /** The stack reached the wanted state. */
  | "succeeded"
  /** It failed (or rolled back after a failure). */
  | "failed"
  /** Following stopped (Ctrl-C) before the stack settled. */
  | "interrupted"
  /** The plan changes nothing: no traversal was started. */
  | "no_changes"
  /** The plan needed a confirmation that was not given: nothing was changed. */
  | "not_confirmed"
  /** `--no-wait`: the traversal started and was not followed. */
  | "started";

/** The final object of an operation command (`{"type":"result", …}` with `--json`). */
export interface OperationResult {
  /** `apply`, `delete`, `rollback` or `cancel`. */
  readonly command: string;
  /** Stack name. */
  readonly stack: string;
  /** How it ended. */
  readonly outcome: Outcome;
  /** The stack's final `<ACTION>_<STATUS>`, or null when it is gone (deleted) or was never made. */
  readonly state: string | null;
  /** The stack's status reason (or why nothing was done). */
  readonly reason: string;
  /** The outputs when the stack exists (pending ones are null and named in `pendingOutputs`). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Outputs that wait for resources still in progress. */
  readonly pendingOutputs: readonly string[];
  /** Failed resources (resource name) and stack failures (resource null), original causes first. */
  readonly failures: readonly FailureNote[];
  /** Time from the command's start, ms. */
  readonly elapsedMs: number;
  /** The command's exit status. */
  readonly exitCode: number;
}

/** An event line. */
export function eventLine(event: StackEvent): string {
  return JSON.stringify({ type: "event", ...event });
}

/** The plan line. */
export function planLine(plan: Plan): string {
  return JSON.stringify({ type: "plan", stack: plan.stackName, exists: plan.exists, changes: plan.changes, destructive: plan.destructive, summary: plan.counts, resources: plan.resources });
}

/** The result line. */
export function resultLine(result: OperationResult): string {
  return JSON.stringify({ type: "result", ...result });
}
