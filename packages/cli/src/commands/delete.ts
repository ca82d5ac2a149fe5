/**
 * `converge delete NAME`: converge the stack to the empty template (stopping a traversal in
 * flight) and remove it.
 */
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { runOperation } from "../operation.js";

/** `converge delete`. */
export const deleteCommand: Command = {
  spec: {
    name: "delete",
    summary: "Delete a stack (every resource, in reverse dependency order) and follow it",
    usage: "delete NAME [options]",
    description: [
      "Stops the traversal in flight, if any, and converges the stack to the empty template: every resource is deleted",
      "(unless its deletion_policy is retain), dependents before what they depend on. Exit status 0 once the stack is gone,",
      "1 when a delete failed.",
    ].join("\n"),
    positionals: ["NAME"],
    options: { "no-wait": { type: "boolean", help: "Return once the delete started." }, ...TYPES_OPTIONS, ...RUNTIME_OPTIONS, ...HELP_OPTION },
    examples: ["converge delete site"],
  },
  async run(ctx) {
    const [name] = ctx.args.positionals as [string];
    return runOperation(ctx, {
      verb: "delete",
      stackName: name,
      noWait: flag(ctx.args, "no-wait"),
      start: (engine) => engine.deleteStack(name),
      succeeded: ({ progress }) => progress.stack === null,
    });
  },
};
