/**
 * `parseTemplate`: template text (JSON or YAML) to a template object.
 */
import { isAlias, parseDocument, visit } from "yaml";
import type { Document } from "yaml";
import { TemplateNestingError, TemplateSyntaxError, TemplateValidationError } from "../errors.js";
import { findJsonSyntaxProblem, lineColumnAt } from "./json-error-position.js";
import { findJsonStructureProblem } from "./json-structure.js";
import { MAX_TEMPLATE_DEPTH, checkNesting } from "./nesting.js";
import { isPlainObject, kindOf } from "./plain-data.js";
import type { Template } from "./types.js";
import { errorMessage } from "../error-message.js";

/** Text formats `parseTemplate` reads. `"auto"` picks JSON when the text starts with `{` or `[`. */
export type TemplateFormat = "json" | "yaml" | "auto";

/**
 * Parse template text. YAML is read as YAML 1.2 (core schema: `yes`/`no` stay strings and
 * `2018-08-31` stays a string), duplicate keys are errors (in JSON too, where `JSON.parse`
 * alone would keep the last) and aliases are limited. Mappings and lists may nest at most
 * `MAX_TEMPLATE_DEPTH` (100) levels deep. The result is only checked to be a mapping;
 * {@link compileTemplate} validates the rest.
 *
 * @throws TemplateSyntaxError with the 1-based `line` and `column` of a syntax error or a
 *   duplicate key.
 * @throws TemplateNestingError at the path (and, for JSON, line and column) of the first
 *   mapping or list nested too deep.
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
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const problem = findJsonSyntaxProblem(text);
    if (problem === null) throw new TemplateSyntaxError(errorMessage(error));
    const { line, column } = lineColumnAt(text, problem.offset);
    throw new TemplateSyntaxError(problem.message, line, column);
  }
  const problem = findJsonStructureProblem(text, value, MAX_TEMPLATE_DEPTH);
  if (problem === null) return value;
  const where = lineColumnAt(text, problem.offset);
  if (problem.kind === "too-deep") throw new TemplateNestingError(problem.path, MAX_TEMPLATE_DEPTH, where);
  throw new TemplateSyntaxError(`duplicate key at ${problem.path} (keys of a mapping must be unique)`, where.line, where.column);
}

// V8's stack overflow ("Maximum call stack size exceeded"): the YAML library recursed on deep nesting.
const OVERFLOW = /maximum call stack/i;

function isStackOverflow(error: unknown): boolean {
  return error instanceof Error && OVERFLOW.test(error.message);
}

function parseYaml(text: string): unknown {
  let doc: Document;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, resolveKnownTags: false });
  } catch (error) {
    if (isStackOverflow(error)) throw new TemplateNestingError("", MAX_TEMPLATE_DEPTH);
    throw error;
  }
  const first = doc.errors[0];
  if (first !== undefined) {
    const where = lineColumnAt(text, first.pos[0]);
    if (OVERFLOW.test(first.message)) throw new TemplateNestingError("", MAX_TEMPLATE_DEPTH, where);
    throw new TemplateSyntaxError(first.message, where.line, where.column);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    if (isStackOverflow(error)) throw new TemplateNestingError("", MAX_TEMPLATE_DEPTH);
    const message = errorMessage(error);
    const offset = aliasOffset(doc, message);
    if (offset === undefined) throw new TemplateSyntaxError(message);
    const { line, column } = lineColumnAt(text, offset);
    throw new TemplateSyntaxError(message, line, column);
  }
  checkNesting(value);
  return value;
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
