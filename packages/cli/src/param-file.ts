/**
 * `--param-file FILE`: parameter values from a YAML or JSON mapping (`name: value`; values
 * keep their YAML/JSON types, so a `json` or `comma_delimited_list` parameter may take a
 * mapping or a list). Several files merge in order (a later one wins), and `--param k=v`
 * wins over every file.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidOptionsError, TemplateValidationError, errorMessage, parseTemplate } from "@converge/core";
import { locate } from "./template-file.js";
import { isEmptyDocument } from "./tree/environment-file.js";

/**
 * Read parameter files (relative to `cwd`) and merge them in order.
 * @throws InvalidOptionsError when one cannot be read; TemplateFileError located in it when
 *   it is not a YAML/JSON mapping.
 */
export function readParamFiles(files: readonly string[], cwd: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, file), "utf8");
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new InvalidOptionsError("--param-file", code === "ENOENT" ? `file "${file}" does not exist` : `cannot read "${file}": ${errorMessage(error)}`);
    }
    if (isEmptyDocument(text)) continue;
    let values: Record<string, unknown>;
    try {
      values = parseTemplate(text, /\.json$/i.test(file) ? "json" : "auto") as Record<string, unknown>;
    } catch (error) {
      const shaped = error instanceof TemplateValidationError && error.path === "" && /must be a mapping/.test(error.message);
      throw locate({ file, text }, shaped ? new TemplateValidationError("", "a parameter file must be a mapping of parameter names to values") : error);
    }
    for (const [name, value] of Object.entries(values)) Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
