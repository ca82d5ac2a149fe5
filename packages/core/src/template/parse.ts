/**
 * `parseTemplate`: template text (JSON or YAML) to a template object.
 */
import { isAlias, parseDocument, visit } from "yaml";
import type { Document } from "yaml";
import { TemplateSyntaxError, TemplateValidationError } from "../errors.js";
import { findJsonSyntaxProblem, lineColumnAt } from "./json-error-position.js";
import { isPlainObject, kindOf } from "./plain-data.js";
import type { Template } from "./types.js";

/** Text formats `parseTemplate` reads. `"auto"` picks JSON when the text starts with `{` or `[`. */
export type TemplateFormat = "json" | "yaml" | "auto";

/**
 * Parse template text. YAML is read as YAML 1.2 (core schema: `yes`/`no` stay strings and
 * `2018-08-31` stays a string), duplicate keys are errors and aliases are limited.
 * The result is only checked to be a mapping; {@link compileTemplate} validates the rest.
 *
 * @throws TemplateSyntaxError with the 1-based `line` and `column` of a syntax error.
 * @throws TemplateValidationError at path `""` when the document is not a mapping.
 */
export function parseTemplate(text: string, format: TemplateFormat = "auto"): Template {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const json = format === "json" || (format === "auto" && /^\s*[{[]/.test(source));
  const value = json ? parseJson(source) : parseYaml(source);
  if (!isPlainObject(value)) {
    throw new TemplateValidationError("", `a template must be a mapping, got ${kindOf(value)}`);
  }
  return value as Template;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const problem = findJsonSyntaxProblem(text);
    if (problem === null) throw new TemplateSyntaxError(String((error as Error).message ?? error));
    const { line, column } = lineColumnAt(text, problem.offset);
    throw new TemplateSyntaxError(problem.message, line, column);
  }
}

function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, resolveKnownTags: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, column } = lineColumnAt(text, first.pos[0]);
    throw new TemplateSyntaxError(first.message, line, column);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = aliasOffset(doc, message);
    if (offset === undefined) throw new TemplateSyntaxError(message);
    const { line, column } = lineColumnAt(text, offset);
    throw new TemplateSyntaxError(message, line, column);
  }
}

/** Offset of the alias an alias error talks about ("Unresolved alias …: name"), if found. */
function aliasOffset(doc: Document, message: string): number | undefined {
  const name = /unresolved alias[^:]*:\s*(\S+)/i.exec(message)?.[1];
  if (name === undefined) return undefined;
  let offset: number | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node) && node.source === name && node.range != null) {
      offset = node.range[0];
      return visit.BREAK;
    }
    return undefined;
  });
  return offset;
}
