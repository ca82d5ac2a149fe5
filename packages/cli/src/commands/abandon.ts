/**
 * `converge abandon STACK [--output FILE]`: stop managing a stack without deleting anything,
 * and print (or write) what was abandoned as JSON, for `converge adopt`.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidOptionsError, errorMessage } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, stringOption } from "../args.js";
import type { Command } from "../command.js";
import { commandTypes, withSession } from "../context.js";
import { EXIT } from "../exit-codes.js";

/** `converge abandon`. */
export const abandonCommand: Command = {
  spec: {
    name: "abandon",
    summary: "Stop managing a stack without deleting its resources; print them as JSON",
    usage: "abandon STACK [--output FILE] [options]",
    description: [
      "Removes the stack's records (no resource is deleted, no plugin is called) and prints the abandoned stack - its",
      "template, parameters (hidden ones sealed, as stored) and every resource's physical id, properties and attributes -",
      "as JSON, to stdout or to FILE. `converge adopt` takes it back. The stack must not be in progress.",
    ].join("\n"),
    positionals: ["STACK"],
    options: {
      output: { type: "string", short: "o", value: "FILE", help: "Write the JSON to FILE (mode 0600) instead of stdout." },
      ...TYPES_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: ["converge abandon site --output site.abandoned.json"],
  },
  async run(ctx) {
    const [name] = ctx.args.positionals as [string];
    const output = stringOption(ctx.args, "output");
    const types = await commandTypes(ctx);
    const abandoned = await withSession(ctx, "start", ({ engine }) => engine.abandonStack(name), types);
    const json = `${JSON.stringify(abandoned, null, 2)}\n`;
    if (output === undefined) {
      ctx.io.stdout.write(json);
      return EXIT.OK;
    }
    try {
      writeFileSync(resolve(ctx.io.cwd, output), json, { mode: 0o600 });
    } catch (error) {
      // The stack is already abandoned: print what would be lost rather than lose it.
      ctx.io.stdout.write(json);
      throw new InvalidOptionsError("--output", `cannot write "${output}": ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}; the abandoned stack was printed instead`);
    }
    ctx.print(`stack ${name} abandoned: ${abandoned.resources.length} resource(s) left in place, written to ${output}`);
    return EXIT.OK;
  },
};
