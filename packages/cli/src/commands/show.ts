/**
 * `converge show NAME`: the stack's state, outputs and resources - the resources of nested
 * stacks indented under their nested stack. `converge show NAME/app` shows one nested stack:
 * what made it, its parameters, status, outputs and resources.
 */
import type { NestedStackInfo, ResourceInfo, StackInfo } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import type { CommandContext } from "../context.js";
import { withSession } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { PENDING, pendingOutputs } from "../outputs.js";
import { colorState, formatValue, table } from "../render/format.js";
import type { NestedRow } from "../render/nested-rows.js";
import { nestedRows } from "../render/nested-rows.js";

/** Whether `getStack` answered for a nested stack (`stack/app`). */
function isNested(stack: StackInfo): stack is NestedStackInfo {
  return "parent" in stack && typeof stack.parent === "string";
}

/** `converge show`. */
export const showCommand: Command = {
  spec: {
    name: "show",
    summary: "Show a stack (or one of its nested stacks): status, outputs and resources",
    usage: "show NAME[/PATH] [--json] [--all] [options]",
    description: [
      "Prints the stack's state and reason, its outputs, and one line per resource row (name, type, state, physical id, reason);",
      "the resources of a nested stack are indented under it. NAME/PATH (site/app, site/web/0) shows one nested stack:",
      "its type, parameters, status, outputs and resources.",
    ].join("\n"),
    positionals: ["NAME"],
    options: {
      json: { type: "boolean", help: "Print {stack, resources} as JSON." },
      all: { type: "boolean", help: "Include rows already deleted (DELETE_COMPLETE) but not purged yet." },
      ...TYPES_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: ["converge show site", "converge show site --json", "converge show site/app"],
  },
  async run(ctx) {
    const [name] = ctx.args.positionals as [string];
    return withSession(ctx, "read", async ({ engine, runtime }) => {
      const stack = await engine.getStack(name);
      const pending = isNested(stack) ? [] : await pendingOutputs(runtime.store, stack);
      const all = await engine.listResources(name);
      const resources = flag(ctx.args, "all") ? all : all.filter((r) => r.state !== "DELETE_COMPLETE");
      if (flag(ctx.args, "json")) {
        ctx.print(JSON.stringify({ stack, resources, pendingOutputs: pending }, null, 2));
        return EXIT.OK;
      }
      printStack(ctx, stack, pending);
      printResources(ctx, resources, isNested(stack) ? stack.path : undefined);
      return EXIT.OK;
    });
  },
};

function printStack(ctx: CommandContext, stack: StackInfo, pending: readonly string[]): void {
  const p = ctx.palette;
  ctx.print(`${p.bold("stack")}    ${stack.name}  ${p.dim(stack.id)}`);
  if (isNested(stack)) ctx.print(`${p.bold("nested")}   ${stack.kind} ${stack.type}  ${p.dim(`resource ${stack.path} of stack ${stack.parent}`)}`);
  ctx.print(`${p.bold("status")}   ${colorState(p, stack.state)}  ${stack.statusReason}`);
  ctx.print(`${p.bold("updated")}  ${new Date(stack.updatedAt).toISOString()}  ${p.dim(`created ${new Date(stack.createdAt).toISOString()}`)}`);
  if (isNested(stack)) printValues(ctx, "parameters", stack.parameters);
  printValues(ctx, "outputs", stack.outputs, pending);
}

/** A titled list of values; the names in `pending` show as "(pending)". */
function printValues(ctx: CommandContext, title: string, values: Readonly<Record<string, unknown>>, pending: readonly string[] = []): void {
  const entries = Object.entries(values);
  ctx.print(ctx.palette.bold(title));
  if (entries.length === 0) ctx.print(ctx.palette.dim("  (none)"));
  for (const [key, value] of entries) ctx.print(`  ${key}: ${pending.includes(key) ? PENDING : formatValue(value)}`);
}

/** The resource rows as a tree (names relative to the nested stack `within`, when given). */
function printResources(ctx: CommandContext, resources: readonly ResourceInfo[], within: string | undefined): void {
  const p = ctx.palette;
  ctx.print(p.bold("resources"));
  if (resources.length === 0) {
    ctx.print(p.dim("  (none)"));
    return;
  }
  const prefix = within === undefined ? "" : `${within}/`;
  const local = (r: ResourceInfo): string => (r.name.startsWith(prefix) ? r.name.slice(prefix.length) : r.name);
  const byRow = [...resources].sort((a, b) => Number(a.id) - Number(b.id));
  const rows = nestedRows(byRow, local);
  const cell = (value: (r: ResourceInfo) => string) => (e: NestedRow<ResourceInfo>) => (e.row === null ? "-" : value(e.row));
  const lines = table<NestedRow<ResourceInfo>>(
    rows,
    [
      { header: "NAME", cell: (e) => `${"  ".repeat(e.depth)}${e.local}` },
      { header: "ROW", cell: cell((r) => r.id) },
      { header: "TYPE", cell: cell((r) => r.type) },
      { header: "STATE", cell: cell((r) => colorState(p, r.state)) },
      { header: "PHYSICAL ID", cell: cell((r) => r.physicalId ?? "-") },
      { header: "REASON", cell: (e) => (e.row === null ? "" : e.row.replacedBy === null ? e.row.statusReason : `${e.row.statusReason} (replaced by row ${e.row.replacedBy})`) },
    ],
    p,
  );
  for (const line of lines) ctx.print(`  ${line}`);
}
