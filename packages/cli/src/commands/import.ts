/**
 * `converge import STACK RESOURCE PHYSICAL_ID`: adopt an existing resource as a resource the
 * stack's template already names (read through its type, never created), and follow it.
 */
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { runOperation } from "../operation.js";

/** `converge import`. */
export const importCommand: Command = {
  spec: {
    name: "import",
    summary: "Adopt an existing resource into a stack whose template names it",
    usage: "import STACK RESOURCE PHYSICAL_ID [options]",
    description: [
      "Runs an update to the stack's current template with external_id PHYSICAL_ID on RESOURCE: the resource is read",
      "through its type (no create call), recorded, then converged to the template (updated in place or replaced when it",
      "differs) and managed from then on. The stack must have no live resource of that name. Exit status 0 once the",
      "update completed, 1 when it failed (for example: nothing has that id).",
    ].join("\n"),
    positionals: ["STACK", "RESOURCE", "PHYSICAL_ID"],
    options: { "no-wait": { type: "boolean", help: "Return once the update started." }, ...TYPES_OPTIONS, ...RUNTIME_OPTIONS, ...HELP_OPTION },
    examples: ["converge import site page /srv/www/index.html"],
  },
  async run(ctx) {
    const [stack, resource, physicalId] = ctx.args.positionals as [string, string, string];
    return runOperation(ctx, {
      verb: "import",
      stackName: stack,
      noWait: flag(ctx.args, "no-wait"),
      start: (engine) => engine.importResource(stack, resource, physicalId),
      succeeded: ({ progress }) => progress.stack?.action === "UPDATE" && progress.stack.status === "COMPLETE",
    });
  },
};
