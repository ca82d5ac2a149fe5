/**
 * `converge cancel NAME [--no-rollback]`: cancel the create or update in flight.
 */
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import type { StackRecord } from "@converge/core";
import { runOperation } from "../operation.js";
import { JSON_OPTION } from "./apply.js";
import { cancelThroughOwner } from "../remote-cancel.js";

/** Whether the stack ended as a cancel wants: FAILED "cancelled", or rolled back when asked to. */
function cancelled(stack: StackRecord | null, rollback: boolean): boolean {
  if (stack === null) return false;
  if (stack.status === "FAILED") return /cancelled/.test(stack.statusReason);
  return rollback && stack.action === "ROLLBACK" && stack.status === "COMPLETE";
}

/** `converge cancel`. */
export const cancelCommand: Command = {
  spec: {
    name: "cancel",
    summary: "Cancel the create, update or rollback in progress (and roll back)",
    usage: "cancel NAME [--no-rollback] [options]",
    description: [
      "Plugin calls in flight are aborted. By default the stack then rolls back to its last completed template (or is",
      "emptied if it never completed) and the rollback is followed; with --no-rollback the stack is marked",
      "<ACTION>_FAILED \"cancelled\" and left as it is. Exit status 0 when the cancel (and rollback) completed.",
      "On the memory runtime, while another converge process drives the state file (an apply in another terminal),",
      "the request is handed to that process, which cancels; this one reports it and waits for the stack to settle.",
    ].join("\n"),
    positionals: ["NAME"],
    options: {
      "no-rollback": { type: "boolean", help: "Only stop: mark the stack FAILED \"cancelled\" without rolling back." },
      "no-wait": { type: "boolean", help: "Return once the cancel took effect (do not follow the rollback)." },
      ...JSON_OPTION,
      ...TYPES_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: ["converge cancel site", "converge cancel site --no-rollback"],
  },
  async run(ctx) {
    const [name] = ctx.args.positionals as [string];
    const rollback = !flag(ctx.args, "no-rollback");
    const remote = await cancelThroughOwner(ctx, {
      stack: name,
      rollback,
      noWait: flag(ctx.args, "no-wait"),
      succeeded: (stack) => cancelled(stack, rollback),
    });
    if (remote !== null) return remote;
    return runOperation(ctx, {
      verb: "cancel",
      stackName: name,
      noWait: flag(ctx.args, "no-wait"),
      start: (engine) => engine.cancelUpdate(name, { rollback }),
      succeeded: ({ progress }) => cancelled(progress.stack, rollback),
    });
  },
};
