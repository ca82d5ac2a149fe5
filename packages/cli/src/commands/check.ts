/**
 * `converge check NAME`: read every resource of the stack through its type's `read` and show
 * what drifted (Heat's `stack check`). Nothing is changed; `apply --converge` repairs drift.
 */
import type { Engine, ResourceInfo } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS } from "../args.js";
import type { Command } from "../command.js";
import type { CommandContext } from "../context.js";
import { commandTypes } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { runOperation } from "../operation.js";

/** The line of a resource's check result: IN_SYNC, DRIFTED (props), MISSING or UNCHECKED. */
export function checkLabel(resource: Pick<ResourceInfo, "checkStatus" | "driftedProperties">): string {
  const status = resource.checkStatus ?? "UNCHECKED";
  return status === "DRIFTED" ? `DRIFTED (${resource.driftedProperties.join(", ")})` : status;
}

/** Print each resource's result; the exit status: 1 when any drifted or is missing, else 0. */
async function report(ctx: CommandContext, engine: Engine, name: string): Promise<number> {
  const resources = (await engine.listResources(name)).filter((r) => r.state !== "DELETE_COMPLETE" && r.action !== "INIT" && r.physicalId !== null);
  const width = Math.max(0, ...resources.map((r) => r.name.length));
  const p = ctx.palette;
  let drift = false;
  for (const r of resources) {
    const label = checkLabel(r);
    const bad = r.checkStatus === "DRIFTED" || r.checkStatus === "MISSING";
    drift ||= bad;
    ctx.print(`  ${r.name.padEnd(width)}  ${bad ? p.red(label) : r.checkStatus === "IN_SYNC" ? p.green(label) : p.dim(label)}`);
  }
  if (drift) ctx.print(`drift found; \`converge apply <template> --stack ${name} --converge\` repairs it`);
  return drift ? EXIT.FAILED : EXIT.OK;
}

/** `converge check`. */
export const checkCommand: Command = {
  spec: {
    name: "check",
    summary: "Compare a stack's resources with reality and show what drifted",
    usage: "check NAME [options]",
    description: [
      "Reads every resource through its type's `read` (a CHECK traversal: nothing is created, updated or deleted) and",
      "prints per resource IN_SYNC, DRIFTED (the properties that differ), MISSING, or UNCHECKED (its type cannot read).",
      "Exit status 0 when every resource is in sync or unchecked, 1 when something drifted or is missing (or the check",
      "failed: a read threw). `converge apply --converge` puts drifted resources back and re-creates missing ones.",
    ].join("\n"),
    positionals: ["NAME"],
    options: { ...TYPES_OPTIONS, ...RUNTIME_OPTIONS, ...HELP_OPTION },
    examples: ["converge check site", "converge apply site.yaml --stack site --converge"],
  },
  async run(ctx) {
    const [name] = ctx.args.positionals as [string];
    const types = await commandTypes(ctx);
    return runOperation(
      ctx,
      {
        verb: "check",
        stackName: name,
        noWait: false,
        start: (engine) => engine.checkStack(name),
        succeeded: ({ progress }) => progress.stack !== null && progress.stack.action === "CHECK" && progress.stack.status === "COMPLETE",
        finish: (engine) => report(ctx, engine, name),
      },
      types,
    );
  },
};
