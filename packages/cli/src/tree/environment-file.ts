/**
 * Environment files (`-e FILE`) in Heat's environment format: a YAML or JSON mapping of the
 * sections `parameters`, `parameter_defaults`, `resource_registry`, `encrypted_param_names`,
 * `event_sinks` and `parameter_merge_strategies` (an empty file is an empty environment, as in
 * Heat). The file is checked here so that a mistake is reported at its line in the file; the
 * registry's file names are renamed by the caller (they are relative to the environment file,
 * or to a `base_url`). Merging several environments is the engine's work.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InvalidOptionsError, TemplateValidationError, errorMessage, parseTemplate } from "@converge/core";
import type { TemplateSource } from "../template-file.js";
import { locate } from "../template-file.js";
import type { FileReference } from "./template-refs.js";
import { renameRegistryReferences } from "./template-refs.js";

/** One environment as the engine gets it (Heat's environment format). */
export type EnvironmentDocument = Readonly<Record<string, unknown>>;

/** The sections Heat accepts in an environment. */
export const ENVIRONMENT_SECTIONS = ["parameters", "parameter_defaults", "resource_registry", "encrypted_param_names", "event_sinks", "parameter_merge_strategies"] as const;

const MAPPING_SECTIONS = new Set(["parameters", "parameter_defaults", "resource_registry", "parameter_merge_strategies"]);
/** A file as read: the path shown in messages and its text. */
export type TreeFile = Pick<TemplateSource, "file" | "text">;

const LIST_SECTIONS = new Set(["encrypted_param_names", "event_sinks"]);

/** How the registry's file names are resolved (`from`: the environment file, for messages). */
export interface EnvironmentRenaming {
  /** The directory a `base_url` names (relative to `enclosing`). */
  base(written: string, path: string, enclosing: string, from: TreeFile): string;
  /** The engine's name of a template file named by the registry, relative to `base`. */
  rename(reference: FileReference, base: string, from: TreeFile): string;
}

/** Whether text holds no YAML document (only blanks, comments and markers). */
export function isEmptyDocument(text: string): boolean {
  return text.split(/\r?\n/).every((line) => /^\s*(#.*)?$/.test(line) || /^(---|\.\.\.)\s*$/.test(line));
}

/**
 * Read one environment file (relative to `cwd`) and rename its registry's file names.
 * @throws InvalidOptionsError when it cannot be read; TemplateFileError located in it for a
 *   syntax error, an unknown section or a section of the wrong kind.
 */
export function readEnvironmentFile(file: string, cwd: string, renaming: EnvironmentRenaming): { environment: EnvironmentDocument; source: TreeFile } {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new InvalidOptionsError("--environment", code === "ENOENT" ? `file "${file}" does not exist` : `cannot read "${file}": ${errorMessage(error)}`);
  }
  const source: TreeFile = { file, text };
  if (isEmptyDocument(text)) return { environment: {}, source };
  let parsed: Record<string, unknown>;
  try {
    parsed = parseTemplate(text, /\.json$/i.test(file) ? "json" : "auto") as Record<string, unknown>;
  } catch (error) {
    const shaped = error instanceof TemplateValidationError && error.path === "" && /must be a mapping/.test(error.message);
    throw locate(source, shaped ? new TemplateValidationError("", `an environment must be a mapping of sections (${ENVIRONMENT_SECTIONS.join(", ")})`) : error);
  }
  checkSections(parsed, source);
  const registry = parsed.resource_registry;
  if (registry === undefined || registry === null) return { environment: parsed, source };
  const renamed = renameRegistryReferences(registry as Record<string, unknown>, "resource_registry", {
    base: (written, at, enclosing) => renaming.base(written, at, enclosing, source),
    rename: (reference, base) => renaming.rename(reference, base, source),
  }, dirname(path));
  return { environment: { ...parsed, resource_registry: renamed }, source };
}

function checkSections(environment: Record<string, unknown>, source: TreeFile): void {
  for (const [section, value] of Object.entries(environment)) {
    if (!(ENVIRONMENT_SECTIONS as readonly string[]).includes(section)) {
      throw locate(source, new TemplateValidationError(section, `unknown environment section; expected one of ${ENVIRONMENT_SECTIONS.join(", ")}`));
    }
    if (value === null) continue;
    const isMapping = typeof value === "object" && !Array.isArray(value);
    if (MAPPING_SECTIONS.has(section) && !isMapping) throw locate(source, new TemplateValidationError(section, `must be a mapping, got ${kind(value)}`));
    if (LIST_SECTIONS.has(section) && !Array.isArray(value)) throw locate(source, new TemplateValidationError(section, `must be a list, got ${kind(value)}`));
  }
}

function kind(value: unknown): string {
  return Array.isArray(value) ? "a list" : typeof value === "object" ? "a mapping" : `${typeof value} ${JSON.stringify(value)}`;
}
