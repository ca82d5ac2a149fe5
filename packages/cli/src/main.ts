/**
 * `runCli`: parse the command line, run the command, and turn its outcome - or its error -
 * into an exit code. Errors are one clear line (the typed error's message); a stack trace is
 * printed only for internal errors, and only with `CONVERGE_DEBUG=1`.
 */
import { createRequire } from "node:module";
import { ConvergeError, InvalidOptionsError, errorMessage } from "@converge/core";
import { parseCommandArgs } from "./args.js";
import type { Command } from "./command.js";
import { abandonCommand } from "./commands/abandon.js";
import { adoptCommand } from "./commands/adopt.js";
import { applyCommand } from "./commands/apply.js";
import { checkCommand } from "./commands/check.js";
import { cancelCommand } from "./commands/cancel.js";
import { deleteCommand } from "./commands/delete.js";
import { eventsCommand } from "./commands/events.js";
import { graphCommand } from "./commands/graph.js";
import { importCommand } from "./commands/import.js";
import { listCommand } from "./commands/list.js";
import { outputCommand } from "./commands/output.js";
import { previewCommand } from "./commands/preview.js";
import { rollbackCommand } from "./commands/rollback.js";
import { showCommand } from "./commands/show.js";
import { stateCommand } from "./commands/state.js";
import { validateCommand } from "./commands/validate.js";
import { workerCommand } from "./commands/worker.js";
import { createContext } from "./context.js";
import { EXIT, exitCodeOf } from "./exit-codes.js";
import { commandHelp, mainHelp } from "./help.js";
import type { CliIo } from "./io.js";
import { useColor } from "./io.js";
import { palette } from "./render/format.js";
import { TemplateFileError } from "./template-file.js";

/** Every command, in help order. */
export const COMMANDS: readonly Command[] = [
  applyCommand,
  previewCommand,
  showCommand,
  outputCommand,
  listCommand,
  eventsCommand,
  checkCommand,
  cancelCommand,
  rollbackCommand,
  deleteCommand,
  importCommand,
  abandonCommand,
  adoptCommand,
  stateCommand,
  graphCommand,
  validateCommand,
  workerCommand,
];

/** This package's version. */
export function cliVersion(): string {
  try {
    return (createRequire(import.meta.url)("../package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** Print an error the way the CLI does: one line, plus the template excerpt when located. */
export function reportError(io: CliIo, error: unknown): number {
  const p = palette(useColor(io.stderr, io.env));
  const debug = io.env.CONVERGE_DEBUG === "1";
  if (error instanceof ConvergeError) {
    io.stderr.write(`${p.red("error:")} ${error.message}\n`);
    if (error instanceof TemplateFileError && error.excerpt !== "") io.stderr.write(`${p.dim(error.excerpt)}\n`);
    if (debug && error.stack !== undefined) io.stderr.write(`${error.stack}\n`);
  } else {
    const message = errorMessage(error);
    io.stderr.write(`${p.red("internal error:")} ${message}${debug ? "" : " (set CONVERGE_DEBUG=1 for details)"}\n`);
    if (debug && error instanceof Error && error.stack !== undefined) io.stderr.write(`${error.stack}\n`);
  }
  return exitCodeOf(error);
}

/**
 * Run the CLI with `argv` (without `node` and the script). Resolves with the exit code; never
 * throws for user errors.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const version = cliVersion();
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? rest[0] : undefined;
    const command = COMMANDS.find((c) => c.spec.name === topic);
    io.stdout.write(command === undefined ? mainHelp(COMMANDS, version) : commandHelp(command.spec));
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === "--version" || name === "-V") {
    io.stdout.write(`${version}\n`);
    return EXIT.OK;
  }
  const command = COMMANDS.find((c) => c.spec.name === name || (name === "ls" && c.spec.name === "list"));
  const controller = new AbortController();
  let interrupts = 0;
  const stop = io.onInterrupt((signal) => {
    interrupts += 1;
    if (interrupts === 1) controller.abort(new Error(`interrupted by ${signal}`));
    else process.exit(EXIT.INTERRUPTED);
  });
  try {
    if (command === undefined) {
      const hint = name.startsWith("-") ? "the command comes first: converge <command> [options]" : "run converge --help for the commands";
      throw new InvalidOptionsError("command", `unknown command "${name}"; ${hint}`);
    }
    const args = parseCommandArgs(command.spec, rest);
    if (args.values.help === true) {
      io.stdout.write(commandHelp(command.spec));
      return EXIT.OK;
    }
    return await command.run(createContext(io, command.spec, rest, args, controller.signal));
  } catch (error) {
    return reportError(io, error);
  } finally {
    stop();
  }
}
