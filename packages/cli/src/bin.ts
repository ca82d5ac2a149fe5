#!/usr/bin/env node
/**
 * The `converge` executable.
 */
import { processIo } from "./io.js";
import { runCli } from "./main.js";

void runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
  // An interrupted command leaves plugin calls in flight on purpose (their checks are saved to
  // run again): end now rather than wait for them.
  if (code === 130) process.exit(code);
});
