/**
 * Help text, generated from the command declarations.
 */
import type { CommandSpec } from "./args.js";
import type { Command } from "./command.js";

/** `converge <command> --help`. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: converge ${spec.usage}`, "", spec.summary + ".", "", spec.description, "", "Options:"];
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short === undefined ? "    " : `-${o.short}, `}--${name}${o.value === undefined ? "" : ` ${o.value}`}`;
    return [flag, o.help + (o.multiple === true && !o.help.includes("repeatable") ? " (repeatable)" : "")] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  for (const [f, h] of rows) lines.push(`  ${f.padEnd(width)}  ${h}`);
  if (spec.examples !== undefined && spec.examples.length > 0) {
    lines.push("", "Examples:");
    for (const example of spec.examples) lines.push(`  ${example}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `converge --help`. */
export function mainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.spec.name.length));
  return [
    `converge ${version} - converge stacks of resources to declarative templates`,
    "",
    "Usage: converge <command> [arguments] [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    "",
    "Runtime: by default the embedded memory runtime, its state kept in .converge/state.json (--state FILE or",
    "$CONVERGE_STATE) so consecutive commands see the same stacks; --redis URL (or $CONVERGE_REDIS_URL) uses Redis,",
    "where `converge worker` processes run the checks.",
    "",
    "Exit status: 0 done, 1 the operation failed (or another error), 2 bad usage or an invalid template, 3 a plan was not",
    "confirmed (nothing changed), 130 interrupted.",
    "Run `converge <command> --help` for the options of a command.",
    "",
  ].join("\n");
}
