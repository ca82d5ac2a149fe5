/**
 * `converge delete NAME`: converge the stack to the empty template (stopping a traversal in
 * flight) and remove it.
 */
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { runOperation } from "../operation.js";
import { deletePlan } from "../plan.js";
import { JSON_OPTION, YES_OPTION } from "./apply.js";

/** `converge delete`. */
export const deleteCommand: Command = {
  spec: {
    name: "delete",
    summary: "Delete a stack (every resource, in reverse dependency order) and follow it",
    usage: "delete NAME [options]",
    description: [
      "Stops the traversal in flight, if any, and converges the stack to the empty template: every resource is deleted",
      "(unless its deletion_policy is retain), dependents before what they depend on. It first lists the resources it deletes",
      "and asks for confirmation on a terminal; without a terminal (CI, a pipe, --json) it needs --yes. Exit status 0 once the",
      "stack is gone, 1 when a delete failed, 3 when it was not confirmed (nothing was changed).",
    ].join("\n"),
    positionals: ["NAME"],
    options: { "no-wait": { type: "boolean", help: "Return once the delete started." }, ...YES_OPTION, ...JSON_OPTION, ...TYPES_OPTIONS, ...RUNTIME_OPTIONS, ...HELP_OPTION },
    examples: ["converge delete site", "converge delete site --yes --json"],
  },
  async run(ctx) {
    const [name] = ctx.args.positionals as [string];
    return runOperation(ctx, {
      verb: "delete",
      stackName: name,
      noWait: flag(ctx.args, "no-wait"),
      plan: (session) => deletePlan(session, name),
      start: (engine) => engine.deleteStack(name),
      succeeded: ({ progress }) => progress.stack === null,
    });
  },
};
