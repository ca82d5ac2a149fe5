/**
 * `converge state export STACK [--out FILE]` and `converge state import FILE [--stack NAME]`:
 * a settled stack as versioned JSON, to move it between the memory runtime's state file and
 * Redis (`--redis`) - or between two state files.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidOptionsError, SnapshotError, errorMessage } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, stringOption } from "../args.js";
import type { Command } from "../command.js";
import type { CommandContext } from "../context.js";
import { withSession } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { exportStack, importStack, parseStackExport } from "../state/stack-export.js";

async function exportCommand(ctx: CommandContext, name: string): Promise<number> {
  const out = stringOption(ctx.args, "out");
  const exported = await withSession(ctx, "read", ({ runtime }) => exportStack(runtime.store, name, Date.now()), []);
  const json = `${JSON.stringify(exported, null, 2)}\n`;
  if (out === undefined) {
    ctx.io.stdout.write(json);
    return EXIT.OK;
  }
  try {
    writeFileSync(resolve(ctx.io.cwd, out), json, { mode: 0o600 });
  } catch (error) {
    throw new InvalidOptionsError("--out", `cannot write "${out}": ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
  ctx.print(`stack ${name} exported: ${exported.rows.length} row(s), ${Object.keys(exported.templates).length} template(s), ${exported.events.length} event(s) to ${out}`);
  return EXIT.OK;
}

async function importCommand(ctx: CommandContext, file: string): Promise<number> {
  let text: string;
  try {
    text = readFileSync(resolve(ctx.io.cwd, file), "utf8");
  } catch (error) {
    throw new InvalidOptionsError("FILE", `cannot read "${file}": ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
  const source = `stack export ${file}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(source, "", `is not valid JSON (${errorMessage(error).replace(/\s+/g, " ")})`);
  }
  const exported = parseStackExport(json, source);
  const name = stringOption(ctx.args, "stack") ?? exported.stack.name;
  const where = await withSession(
    ctx,
    "start",
    async (session) => {
      await importStack(session.runtime.store, exported, name, Date.now());
      return session.where;
    },
    [],
  );
  const state = `${exported.stack.action}_${exported.stack.status}`;
  ctx.print(`stack ${name} imported into ${where}: ${state}, ${exported.rows.length} row(s)`);
  return EXIT.OK;
}

/** `converge state`. */
export const stateCommand: Command = {
  spec: {
    name: "state",
    summary: "Export a stack as JSON, or import one (move stacks between the state file and Redis)",
    usage: "state export STACK [--out FILE] [options] | state import FILE [--stack NAME] [options]",
    description: [
      "export: the stack's record, templates, rows and latest events as versioned JSON (stdout, or FILE with mode 0600).",
      "Hidden parameters and secret properties stay sealed and redacted as they are stored (sealing is an encoding, not",
      "encryption: protect the file as you would the secrets). The stack must be settled (not in progress).",
      "import: store an exported stack (as NAME with --stack) in the chosen runtime; nothing is called, the resources",
      "are not touched. A bad or newer file, or a name already in use, is an error and nothing is written.",
      "Move a stack to Redis: converge state export site --out site.json && converge state import site.json --redis URL",
    ].join("\n"),
    positionals: ["ACTION", "STACK|FILE"],
    options: {
      out: { type: "string", short: "o", value: "FILE", help: "export: write the JSON to FILE instead of stdout." },
      stack: { type: "string", value: "NAME", help: "import: the name of the imported stack (default: its exported name)." },
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: ["converge state export site --out site.json", "converge state import site.json --redis redis://localhost:6379"],
  },
  async run(ctx) {
    const [action, target] = ctx.args.positionals as [string, string];
    if (action === "export") {
      if (stringOption(ctx.args, "stack") !== undefined) throw new InvalidOptionsError("--stack", "is for state import; state export takes the stack as its argument");
      return exportCommand(ctx, target);
    }
    if (action === "import") {
      if (stringOption(ctx.args, "out") !== undefined) throw new InvalidOptionsError("--out", "is for state export");
      return importCommand(ctx, target);
    }
    throw new InvalidOptionsError("ACTION", `expected "export" or "import", got "${action}"; usage: converge ${ctx.usage}`);
  },
};
