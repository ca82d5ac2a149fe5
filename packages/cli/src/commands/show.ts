/**
 * `converge show NAME`: the stack's state, outputs and resources.
 */
import type { ResourceInfo } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { withSession } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { PENDING, pendingOutputs } from "../outputs.js";
import { colorState, formatValue, table } from "../render/format.js";

/** `converge show`. */
export const showCommand: Command = {
  spec: {
    name: "show",
    summary: "Show a stack: status, outputs and resources",
    usage: "show NAME [--json] [--all] [options]",
    description: "Prints the stack's state and reason, its outputs, and one line per resource row (name, type, state, physical id, reason).",
    positionals: ["NAME"],
    options: {
      json: { type: "boolean", help: "Print {stack, resources} as JSON." },
      all: { type: "boolean", help: "Include rows already deleted (DELETE_COMPLETE) but not purged yet." },
      ...TYPES_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: ["converge show site", "converge show site --json"],
  },
  async run(ctx) {
    const [name] = ctx.args.positionals as [string];
    return withSession(ctx, "read", async ({ engine, runtime }) => {
      const stack = await engine.getStack(name);
      const pending = await pendingOutputs(runtime.store, stack);
      const all = await engine.listResources(name);
      const resources = flag(ctx.args, "all") ? all : all.filter((r) => r.state !== "DELETE_COMPLETE");
      if (flag(ctx.args, "json")) {
        ctx.print(JSON.stringify({ stack, resources, pendingOutputs: pending }, null, 2));
        return EXIT.OK;
      }
      const p = ctx.palette;
      ctx.print(`${p.bold("stack")}    ${stack.name}  ${p.dim(stack.id)}`);
      ctx.print(`${p.bold("status")}   ${colorState(p, stack.state)}  ${stack.statusReason}`);
      ctx.print(`${p.bold("updated")}  ${new Date(stack.updatedAt).toISOString()}  ${p.dim(`created ${new Date(stack.createdAt).toISOString()}`)}`);
      const outputs = Object.entries(stack.outputs);
      ctx.print(p.bold("outputs"));
      if (outputs.length === 0) ctx.print(p.dim("  (none)"));
      for (const [key, value] of outputs) ctx.print(`  ${key}: ${pending.includes(key) ? PENDING : formatValue(value)}`);
      ctx.print(p.bold("resources"));
      if (resources.length === 0) {
        ctx.print(p.dim("  (none)"));
        return EXIT.OK;
      }
      const sorted = [...resources].sort((a, b) => a.name.localeCompare(b.name) || Number(a.id) - Number(b.id));
      const lines = table<ResourceInfo>(
        sorted,
        [
          { header: "NAME", cell: (r) => r.name },
          { header: "ROW", cell: (r) => r.id },
          { header: "TYPE", cell: (r) => r.type },
          { header: "STATE", cell: (r) => colorState(p, r.state) },
          { header: "PHYSICAL ID", cell: (r) => r.physicalId ?? "-" },
          { header: "REASON", cell: (r) => (r.replacedBy === null ? r.statusReason : `${r.statusReason} (replaced by row ${r.replacedBy})`) },
        ],
        p,
      );
      for (const line of lines) ctx.print(`  ${line}`);
      return EXIT.OK;
    });
  },
};
