/**
 * `converge output STACK [NAME]`: a stack's outputs - one output's plain value for scripts
 * (`url=$(converge output site url)`), or every output as `name = value` lines, or JSON.
 */
import { InvalidOptionsError } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { withSession } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { PENDING, outputText, readOutputs } from "../outputs.js";

/** `converge output`. */
export const outputCommand: Command = {
  spec: {
    name: "output",
    summary: "Print a stack's outputs (one output's plain value for scripts)",
    usage: "output STACK [NAME] [--json] [options]",
    description: [
      "With NAME: that output's value alone on one line - a string as is, anything else as JSON - for scripts. Without: one",
      "`name = value` line per output. --json prints the value as JSON (with NAME), or {\"outputs\": {...}, \"pending\": [...]}.",
      `While the stack is in progress, an output that waits for a resource not yet converged is shown as ${PENDING} (null in`,
      "JSON, its name in \"pending\"); asked for by NAME, it prints nothing on stdout, says why on stderr and exits 1.",
    ].join("\n"),
    positionals: ["STACK", "NAME?"],
    options: { json: { type: "boolean", help: "Print JSON." }, ...TYPES_OPTIONS, ...RUNTIME_OPTIONS, ...HELP_OPTION },
    examples: ["converge output site", "converge output site url", "converge output site --json"],
  },
  async run(ctx) {
    const [stackName, name] = ctx.args.positionals as [string, string | undefined];
    const json = flag(ctx.args, "json");
    return withSession(ctx, "read", async (session) => {
      const outputs = await readOutputs(session, stackName);
      if (name === undefined) {
        if (json) ctx.print(JSON.stringify({ outputs: outputs.values, pending: outputs.pending }, null, 2));
        else for (const key of Object.keys(outputs.values)) ctx.print(`${key} = ${outputText(outputs, key)}`);
        return EXIT.OK;
      }
      if (!Object.hasOwn(outputs.values, name)) {
        const known = Object.keys(outputs.values);
        throw new InvalidOptionsError("NAME", `stack "${stackName}" has no output "${name}"; ${known.length === 0 ? "it has none" : `its outputs: ${known.join(", ")}`}`);
      }
      if (outputs.pending.includes(name)) {
        ctx.warn(`output "${name}" of stack ${stackName} is pending: the stack is ${outputs.stack.state} and the output waits for resources in progress`);
        return EXIT.FAILED;
      }
      const value = outputs.values[name];
      ctx.print(json ? JSON.stringify(value) : outputText(outputs, name));
      return EXIT.OK;
    });
  },
};
