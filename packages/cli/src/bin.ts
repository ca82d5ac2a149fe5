#!/usr/bin/env node
/**
 * The `converge` executable. It exits as soon as the command is done (once its output is
 * flushed): an interrupted command, or a session that saved checks still in flight, leaves
 * plugin calls behind on purpose - their checks run again in the next process.
 */
import { processIo } from "./io.js";
import { runCli } from "./main.js";

void runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
});
