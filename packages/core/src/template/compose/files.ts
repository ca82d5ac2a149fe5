/**
 * The stack's `files` (Heat's files map): name → template text or an already parsed object,
 * read by template resources (`type: thing.yaml`), registry entries and `get_file`.
 *
 * A name is looked up as given, then relative to the directory of the file that names it
 * (`nested/a.yaml` naming `b.yaml` finds `nested/b.yaml`), as `openstack stack create`
 * resolves paths on the client side.
 */
import { InvalidOptionsError, TemplateFileError } from "../../errors.js";
import { parseTemplate } from "../parse.js";
import { isPlainObject, kindOf, ownValue } from "../plain-data.js";

/** The files map as the engine API takes it. */
export type TemplateFiles = Readonly<Record<string, string | Readonly<Record<string, unknown>>>>;

/** A file found in the files map. */
export interface FoundFile {
  /** Its key in the files map. */
  readonly name: string;
  /** Its content as given (text or object). */
  readonly content: string | Readonly<Record<string, unknown>>;
}

/** The files of one compilation, with parsed templates cached by name. */
export class FileSet {
  readonly #files: TemplateFiles;
  readonly #parsed = new Map<string, unknown>();

  /** @throws InvalidOptionsError when `files` is not a mapping of name to text or object. */
  constructor(files: unknown) {
    if (files === undefined || files === null) {
      this.#files = {};
      return;
    }
    if (!isPlainObject(files)) throw new InvalidOptionsError("files", `must be a mapping of file name to text or template object, got ${kindOf(files)}`);
    for (const name of Object.keys(files)) {
      const content = files[name];
      if (typeof content !== "string" && !isPlainObject(content)) {
        throw new InvalidOptionsError(`files.${name}`, `must be text or a template object, got ${kindOf(content)}`);
      }
    }
    this.#files = files as TemplateFiles;
  }

  /** Every file name, sorted. */
  names(): string[] {
    return Object.keys(this.#files).sort();
  }

  /** Whether a name resolves to a file (as given or relative to `from`). */
  has(name: string, from: string | undefined): boolean {
    return this.find(name, from) !== undefined;
  }

  /** The file `name` names, looked up as given then relative to the file `from`. */
  find(name: string, from: string | undefined): FoundFile | undefined {
    for (const candidate of candidates(name, from)) {
      const content = ownValue(this.#files, candidate) as FoundFile["content"] | undefined;
      if (content !== undefined) return { name: candidate, content };
    }
    return undefined;
  }

  /**
   * The parsed template of file `name` (cached: every member of a group shares it; callers
   * never mutate it).
   * @throws TemplateFileError at `path` when missing; the parse error (at `path`) when malformed.
   */
  template(name: string, from: string | undefined, path: string): { readonly name: string; readonly template: unknown } {
    const found = this.require(name, from, path);
    let template = this.#parsed.get(found.name);
    if (template === undefined) {
      template = typeof found.content === "string" ? parseTemplate(found.content) : found.content;
      this.#parsed.set(found.name, template);
    }
    return { name: found.name, template };
  }

  /** The text of file `name` (an object given as a file reads as its JSON). @throws TemplateFileError */
  text(name: string, from: string | undefined, path: string): string {
    const found = this.require(name, from, path);
    return typeof found.content === "string" ? found.content : JSON.stringify(found.content);
  }

  require(name: string, from: string | undefined, path: string): FoundFile {
    const found = this.find(name, from);
    if (found === undefined) throw new TemplateFileError(path, name, this.names());
    return found;
  }
}

/** The names to try for `name` named in file `from`: as given, then relative to `from`'s directory. */
function candidates(name: string, from: string | undefined): string[] {
  const out = [name];
  const slash = from?.lastIndexOf("/") ?? -1;
  if (from !== undefined && slash >= 0 && !name.startsWith("/") && !/^[a-z]+:\/\//.test(name)) {
    out.push(normalize(`${from.slice(0, slash + 1)}${name}`));
  }
  return out;
}

/** `a/./b/../c` → `a/c`. */
function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "." || part === "") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

/** Whether a type name names a template file rather than a registered type (Heat's rule: by its extension or a URL). */
export function looksLikeTemplateFile(typeName: string): boolean {
  return /\.(ya?ml|template|json)$/i.test(typeName) || /^[a-z]+:\/\//i.test(typeName);
}
