// Module resolution hooks that make packages look uninstalled: each specifier of a package
// named in `data.hide` fails exactly as Node fails for a package that is not in node_modules
// (ERR_MODULE_NOT_FOUND, "Cannot find package 'NAME' imported from ..."), and every attempt is
// appended to `data.log`, so a test can also prove that a package was never asked for.
import { appendFileSync } from "node:fs";

let hide = new Set();
let log = "";

/** @param {{ hide: string[], log: string }} data */
export function initialize(data) {
  hide = new Set(data.hide);
  log = data.log;
}

const packageOf = (specifier) => (specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]);

export async function resolve(specifier, context, next) {
  const name = packageOf(specifier);
  if (hide.has(name)) {
    appendFileSync(log, `${name}\n`);
    const error = new Error(`Cannot find package '${name}' imported from ${context.parentURL ?? "(entry)"}`);
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}
