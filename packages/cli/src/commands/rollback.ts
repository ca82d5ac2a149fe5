/**
 * `converge rollback NAME`: roll the stack back to its last completed template.
 */
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { runOperation } from "../operation.js";
import { JSON_OPTION } from "./apply.js";

/** `converge rollback`. */
export const rollbackCommand: Command = {
  spec: {
    name: "rollback",
    summary: "Roll a failed (or in-progress) stack back to its last completed template",
    usage: "rollback NAME [options]",
    description: [
      "Converges the stack back to the last template that completed successfully - or to the empty template when it",
      "never completed - reusing the original resources and deleting replacements made since. Allowed while a create",
      "or update is IN_PROGRESS or FAILED. Exit status 0 on ROLLBACK_COMPLETE.",
    ].join("\n"),
    positionals: ["NAME"],
    options: { "no-wait": { type: "boolean", help: "Return once the rollback started." }, ...JSON_OPTION, ...TYPES_OPTIONS, ...RUNTIME_OPTIONS, ...HELP_OPTION },
    examples: ["converge rollback site"],
  },
  async run(ctx) {
    const [name] = ctx.args.positionals as [string];
    return runOperation(ctx, {
      verb: "rollback",
      stackName: name,
      noWait: flag(ctx.args, "no-wait"),
      start: (engine) => engine.rollbackStack(name),
      succeeded: ({ progress }) => progress.stack !== null && progress.stack.action === "ROLLBACK" && progress.stack.status === "COMPLETE",
    });
  },
};
