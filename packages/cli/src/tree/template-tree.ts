/**
 * Reading a template tree from disk, as `openstack stack create -t T -e E` does: the template,
 * every file it names (template resources, `get_file`), every file the environments'
 * `resource_registry` names, and theirs in turn - each name resolved relative to the file
 * that writes it (an environment's registry relative to the environment file, or its
 * `base_url`). The engine gets `files` (name -> text) and the references rewritten to those
 * names.
 *
 * A name is the file's path relative to the root template's directory (`nested/db.yaml`,
 * `../shared/net.yaml`), so the stored templates do not depend on where the tree is checked
 * out, and two files with the same base name in different directories stay apart. A template
 * whose references needed renaming is passed as JSON text of the rewritten template (as
 * heatclient does); any other file is passed as it is. Files are read once each, from a
 * work list (no recursion), so a tree that includes itself ends; the engine then reports the
 * recursion with its path.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { TemplateValidationError, errorMessage } from "@converge/core";
import type { Template } from "@converge/core";
import type { TemplateSource } from "../template-file.js";
import { locate, readTemplateFile } from "../template-file.js";
import { parseTemplateText } from "../template-text.js";
import { readEnvironmentFile } from "./environment-file.js";
import type { EnvironmentDocument, TreeFile } from "./environment-file.js";
import type { FileReference } from "./template-refs.js";
import { isTemplateDocument, renameTemplateReferences } from "./template-refs.js";

/** One file of a tree, as read from disk: the path shown in messages and its text. */
export type { TreeFile };

/** A template with every file it needs. */
export interface TemplateTree {
  /** The root template file; `template` has its references renamed. */
  readonly source: TemplateSource;
  /** Every file the tree names: engine name -> text. */
  readonly files: Readonly<Record<string, string>>;
  /** The environments, in the order given, their registries' file names renamed. */
  readonly environments: readonly EnvironmentDocument[];
  /** Where each name of `files` came from. */
  readonly origins: ReadonlyMap<string, TreeFile>;
  /** The environment files, in order. */
  readonly environmentSources: readonly TreeFile[];
}

const URL_PATTERN = /^[a-z][a-z0-9+.-]+:\/\//i;

/** State of one read: what was loaded, the names given out, the files still to walk. */
interface Reader {
  readonly cwd: string;
  readonly root: string;
  readonly files: Record<string, string>;
  readonly origins: Map<string, TreeFile>;
  readonly pending: { name: string; path: string; source: TreeFile; template: Template }[];
}

/**
 * Read the template `file` and environment files `environmentFiles` (relative to `cwd`) with
 * every file they name.
 * @throws InvalidOptionsError for a template or environment file given on the command line
 *   that cannot be read; TemplateFileError located in the file that names a missing file, a
 *   URL (not supported: files are read from disk), or a file that is not a valid template.
 */
export function readTemplateTree(file: string, cwd: string, environmentFiles: readonly string[] = []): TemplateTree {
  const rootPath = resolve(cwd, file);
  const reader: Reader = { cwd, root: dirname(rootPath), files: {}, origins: new Map(), pending: [] };
  const source = readTemplateFile(file, cwd);
  const template = renameIn(reader, source.template, rootPath, source);
  const environments: EnvironmentDocument[] = [];
  const environmentSources: TreeFile[] = [];
  for (const envFile of environmentFiles) {
    const env = readEnvironmentFile(envFile, cwd, {
      base: (written, path, enclosing, from) => filePath(written, path, enclosing, from),
      rename: (reference, base, from) => referTo(reader, reference, base, from),
    });
    environments.push(env.environment);
    environmentSources.push(env.source);
  }
  // Walk the files named so far, and those they name in turn (the list grows as it is walked).
  for (let i = 0; i < reader.pending.length; i++) {
    const next = reader.pending[i] as Reader["pending"][number];
    const renamed = renameIn(reader, next.template, next.path, next.source);
    reader.files[next.name] = renamed === next.template ? next.source.text : `${JSON.stringify(renamed, null, 2)}\n`;
  }
  return { source: { ...source, template }, files: reader.files, environments, origins: reader.origins, environmentSources };
}

/** Rename the references of one template; the same object back when nothing changed. */
function renameIn(reader: Reader, template: Template, path: string, from: TreeFile): Template {
  let changed = false;
  const renamed = renameTemplateReferences(template as Record<string, unknown>, (reference) => {
    const name = referTo(reader, reference, dirname(path), from);
    if (name !== reference.written) changed = true;
    return name;
  });
  return changed ? (renamed as Template) : template;
}

/** The engine name of one reference, reading the file the first time it is named. */
function referTo(reader: Reader, reference: FileReference, base: string, from: TreeFile): string {
  const path = filePath(reference.written, reference.path, base, from);
  const name = nameOf(reader.root, path);
  if (reader.origins.has(name)) return name;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const what = reference.kind === "template" ? "template file" : "file";
    const problem = code === "ENOENT" ? "does not exist" : `cannot be read (${String(code ?? errorMessage(error))})`;
    throw locate(from, new TemplateValidationError(reference.path, `${what} "${reference.written}" ${problem} (looked for ${shown(reader.cwd, path)})`));
  }
  const source: TreeFile = { file: shown(reader.cwd, path), text };
  reader.origins.set(name, source);
  reader.files[name] = text;
  const template = reference.kind === "template" ? parseStrict(source, path) : parseIfTemplate(text, path);
  if (template !== undefined) reader.pending.push({ name, path, source, template });
  return name;
}

function parseStrict(source: TreeFile, path: string): Template {
  try {
    return parseTemplateText(source.text, /\.json$/i.test(path) ? "json" : "auto");
  } catch (error) {
    throw locate(source, error);
  }
}

/** A `get_file` text that is itself a template is walked too (heatclient's `is_template`). */
function parseIfTemplate(text: string, path: string): Template | undefined {
  try {
    const value = parseTemplateText(text, /\.json$/i.test(path) ? "json" : "auto");
    return isTemplateDocument(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The file (or, for a `base_url`, the directory) a name denotes. @throws TemplateFileError for a URL other than file:// */
function filePath(written: string, at: string, base: string, from: TreeFile): string {
  if (/^file:\/\//i.test(written)) return fileURLToPath(written);
  if (URL_PATTERN.test(written)) {
    throw locate(from, new TemplateValidationError(at, `"${written}" is a URL; converge reads template files from disk only (download it and name the local file)`));
  }
  return isAbsolute(written) ? written : resolve(base, written);
}

/** The engine name of a file: its path relative to the root template's directory, with `/`. */
function nameOf(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

/** A path as shown in messages: relative to the working directory when under it. */
function shown(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
