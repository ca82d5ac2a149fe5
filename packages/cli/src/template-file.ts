/**
 * Template files: read a YAML or JSON template, and point template errors at the file - the
 * line and column of a syntax error, and, for a validation error, of the node its path names
 * (`resources.web.properties.image`), with an excerpt of the text. Parsing is fast
 * (`template-text.ts`); the positions are looked up only when there is an error to report.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isMap, isScalar, parseDocument } from "yaml";
import type { Node } from "yaml";
import { ConvergeError, InvalidOptionsError, TemplateNestingError, TemplateSyntaxError, TemplateValidationError, errorMessage } from "@converge/core";
import type { Template } from "@converge/core";
import { parseTemplateText } from "./template-text.js";

/** A template read from a file. */
export interface TemplateSource {
  /** The path as the user gave it (for messages). */
  readonly file: string;
  /** The text. */
  readonly text: string;
  /** The parsed template. */
  readonly template: Template;
}

/** A template error located in its file. `cause` is the core error (its `code` is kept). */
export class TemplateFileError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "TemplateFileError";
  /** The file. */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line: number | undefined;
  /** 1-based column, when known. */
  readonly column: number | undefined;
  /** A few lines of the file around the position, with a caret, or "". */
  readonly excerpt: string;
  constructor(file: string, error: TemplateValidationError, position: { line: number; column: number } | undefined, excerpt: string) {
    const where = position === undefined ? file : `${file}:${position.line}:${position.column}`;
    super(error.code, `${where}: ${error.message}`, { cause: error });
    this.file = file;
    this.line = position?.line;
    this.column = position?.column;
    this.excerpt = excerpt;
  }
}

/**
 * Read and parse a template file. @throws InvalidOptionsError when it cannot be read,
 * TemplateFileError when it is not a valid YAML/JSON mapping.
 */
export function readTemplateFile(file: string, cwd: string): TemplateSource {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new InvalidOptionsError("template", code === "ENOENT" ? `file "${file}" does not exist` : `cannot read "${file}": ${errorMessage(error)}`);
  }
  const format = /\.json$/i.test(file) ? "json" : "auto";
  try {
    return { file, text, template: parseTemplateText(text, format) };
  } catch (error) {
    throw locate({ file, text }, error);
  }
}

/** Run `action`; a template validation error it throws is rethrown located in `source`. */
export async function withTemplateSource<T>(source: Pick<TemplateSource, "file" | "text">, action: () => T | Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw locate(source, error);
  }
}

/**
 * Turn a template error into a {@link TemplateFileError}; other errors pass through. `path`
 * is where to look in `source` (the error's own path unless given: an error of a nested
 * template names the path through the nesting).
 */
export function locate(source: Pick<TemplateSource, "file" | "text">, error: unknown, path?: string): unknown {
  if (!(error instanceof TemplateValidationError) || error instanceof TemplateFileError) return error;
  const where = path ?? error.path;
  const position =
    (error instanceof TemplateSyntaxError || error instanceof TemplateNestingError) && error.line !== undefined
      ? { line: error.line, column: error.column ?? 1 }
      : where === ""
        ? undefined
        : positionOfPath(source.text, where);
  return new TemplateFileError(source.file, error, position, position === undefined ? "" : excerpt(source.text, position));
}

/** The line and column of the node a dotted template path names, when it can be found. */
export function positionOfPath(text: string, path: string): { line: number; column: number } | undefined {
  let doc;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  } catch {
    return undefined;
  }
  if (doc.errors.length > 0) return undefined;
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  let rest = path;
  while (rest !== "" && isMap(node)) {
    // Keys may contain dots: take the longest key that the remaining path starts with.
    let best: { key: Node; value: unknown; length: number } | undefined;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      if ((rest === key || rest.startsWith(`${key}.`)) && (best === undefined || key.length > best.length)) {
        best = { key: pair.key as Node, value: pair.value, length: key.length };
      }
    }
    if (best === undefined) break;
    keyNode = best.key;
    node = best.value;
    rest = rest.slice(best.length + 1);
  }
  const offset = keyNode?.range?.[0];
  return offset === undefined ? undefined : lineColumn(text, offset);
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** Up to two lines before the position, the line itself and a caret under the column. */
export function excerpt(text: string, position: { line: number; column: number }): string {
  const lines = text.split(/\r?\n/);
  const first = Math.max(1, position.line - 2);
  const last = Math.min(lines.length, position.line);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(`${n === position.line ? ">" : " "} ${String(n).padStart(width)} | ${lines[n - 1] ?? ""}`);
  }
  if (position.line <= lines.length) out.push(`  ${" ".repeat(width)} | ${" ".repeat(Math.max(0, position.column - 1))}^`);
  return out.join("\n");
}
