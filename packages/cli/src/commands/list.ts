/**
 * `converge list`: every stack with its state; with `--nested`, each stack's nested stacks
 * indented under it (as `openstack stack list --nested`).
 */
import type { Engine, StackInfo } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { withSession } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { colorState, table } from "../render/format.js";
import { comparePaths } from "../render/nested-rows.js";

/** A stack, or a nested stack with its depth under its top-level stack. */
interface Listed {
  readonly stack: StackInfo;
  readonly depth: number;
}

/** The paths of a stack's nested stacks (every parent path of a resource row), parents first. */
async function nestedPaths(engine: Engine, name: string): Promise<string[]> {
  const paths = new Set<string>();
  for (const row of await engine.listResources(name)) {
    if (row.state === "DELETE_COMPLETE") continue;
    for (let at = row.name.indexOf("/"); at >= 0; at = row.name.indexOf("/", at + 1)) paths.add(row.name.slice(0, at));
  }
  return [...paths].sort(comparePaths);
}

/** `converge list`. */
export const listCommand: Command = {
  spec: {
    name: "list",
    summary: "List the stacks",
    usage: "list [--nested] [--json] [options]",
    description: "One line per stack: name, state, last change and reason. With --nested, each stack's nested stacks (NAME/PATH) follow it, indented.",
    positionals: [],
    options: {
      nested: { type: "boolean", help: "Also list the nested stacks of each stack (one view per nested stack: slower for large groups)." },
      json: { type: "boolean", help: "Print the stacks as a JSON array." },
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
  },
  async run(ctx) {
    return withSession(
      ctx,
      "read",
      async ({ engine }) => {
        const listed: Listed[] = [];
        for (const name of await engine.listStacks()) {
          listed.push({ stack: await engine.getStack(name), depth: 0 });
          if (!flag(ctx.args, "nested")) continue;
          for (const path of await nestedPaths(engine, name)) {
            listed.push({ stack: await engine.getStack(`${name}/${path}`), depth: path.split("/").length });
          }
        }
        if (flag(ctx.args, "json")) {
          ctx.print(JSON.stringify(listed.map((l) => l.stack), null, 2));
          return EXIT.OK;
        }
        if (listed.length === 0) {
          ctx.print(ctx.palette.dim("no stacks"));
          return EXIT.OK;
        }
        const p = ctx.palette;
        const lines = table<Listed>(
          listed,
          [
            { header: "NAME", cell: (l) => `${"  ".repeat(l.depth)}${l.stack.name}` },
            { header: "STATE", cell: (l) => colorState(p, l.stack.state) },
            { header: "UPDATED", cell: (l) => new Date(l.stack.updatedAt).toISOString() },
            { header: "REASON", cell: (l) => l.stack.statusReason },
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
