#!/usr/bin/env node
// The `converge` executable: runs the built CLI (../dist/bin.js). A published package always
// has it; in a clone of the repository `npm install` builds it (the root `prepare` script).
// When it is missing - installed with --ignore-scripts, or `dist` removed - this says how to
// make it instead of failing with a module-not-found trace.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/bin.js", import.meta.url);
if (existsSync(fileURLToPath(entry))) {
  await import(entry.href);
} else {
  const root = resolve(fileURLToPath(import.meta.url), "../../../..");
  process.stderr.write(
    `error: the converge CLI is not built (${fileURLToPath(entry)} is missing): run \`npm run build\` in ${root} ` +
      "(npm install runs it, unless scripts are disabled)\n",
  );
  process.exitCode = 1;
}
