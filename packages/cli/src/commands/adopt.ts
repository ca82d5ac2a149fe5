/**
 * `converge adopt STACK FILE`: create a stack from an abandoned stack (`converge abandon`),
 * every resource imported through its physical id (no create call), and follow it.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidOptionsError, errorMessage } from "@converge/core";
import type { AbandonedStack } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { runOperation } from "../operation.js";

/** `converge adopt`. */
export const adoptCommand: Command = {
  spec: {
    name: "adopt",
    summary: "Create a stack from an abandoned one, importing its resources",
    usage: "adopt STACK FILE [options]",
    description: [
      "Reads the JSON `converge abandon` wrote and creates STACK with its template and parameters; each resource is read",
      "through its physical id (no create call) and managed from then on. The create does not roll back on failure (that",
      "would delete adopted resources). Exit status 0 once the stack is CREATE_COMPLETE, 1 when an import failed.",
    ].join("\n"),
    positionals: ["STACK", "FILE"],
    options: { "no-wait": { type: "boolean", help: "Return once the create started." }, ...TYPES_OPTIONS, ...RUNTIME_OPTIONS, ...HELP_OPTION },
    examples: ["converge adopt site site.abandoned.json"],
  },
  async run(ctx) {
    const [stack, file] = ctx.args.positionals as [string, string];
    let abandoned: unknown;
    try {
      abandoned = JSON.parse(readFileSync(resolve(ctx.io.cwd, file), "utf8")) as unknown;
    } catch (error) {
      throw new InvalidOptionsError("FILE", `cannot read "${file}" as JSON: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
    }
    return runOperation(ctx, {
      verb: "adopt",
      stackName: stack,
      noWait: flag(ctx.args, "no-wait"),
      // Validated by adoptStack (AbandonedStackError names the bad path).
      start: (engine) => engine.adoptStack(stack, abandoned as AbandonedStack),
      succeeded: ({ progress }) => progress.stack?.action === "CREATE" && progress.stack.status === "COMPLETE",
    });
  },
};
