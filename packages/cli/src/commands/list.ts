/**
 * `converge list`: every stack with its state.
 */
import type { StackInfo } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { withSession } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { colorState, table } from "../render/format.js";

/** `converge list`. */
export const listCommand: Command = {
  spec: {
    name: "list",
    summary: "List the stacks",
    usage: "list [--json] [options]",
    description: "One line per stack: name, state, last change and reason.",
    positionals: [],
    options: { json: { type: "boolean", help: "Print the stacks as a JSON array." }, ...RUNTIME_OPTIONS, ...HELP_OPTION },
  },
  async run(ctx) {
    return withSession(
      ctx,
      "read",
      async ({ engine }) => {
        const stacks: StackInfo[] = [];
        for (const name of await engine.listStacks()) stacks.push(await engine.getStack(name));
        if (flag(ctx.args, "json")) {
          ctx.print(JSON.stringify(stacks, null, 2));
          return EXIT.OK;
        }
        if (stacks.length === 0) {
          ctx.print(ctx.palette.dim("no stacks"));
          return EXIT.OK;
        }
        const p = ctx.palette;
        const lines = table<StackInfo>(
          stacks,
          [
            { header: "NAME", cell: (s) => s.name },
            { header: "STATE", cell: (s) => colorState(p, s.state) },
            { header: "UPDATED", cell: (s) => new Date(s.updatedAt).toISOString() },
            { header: "REASON", cell: (s) => s.statusReason },
          ],
          p,
        );
        for (const line of lines) ctx.print(line);
        return EXIT.OK;
      },
      [],
    );
  },
};
