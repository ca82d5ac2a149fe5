/**
 * Fast parsing of template text for the CLI. A 20,000-resource YAML template takes seconds in
 * core's `parseTemplate` (the `yaml` library builds a full document with source positions and
 * checks unique keys pair by pair), so a YAML file is first read with `js-yaml`'s YAML 1.2 core
 * schema, which builds plain values only. Whenever that path is in any doubt - a syntax error,
 * a duplicate key, an unknown tag, an alias that shares a mapping or list, nesting past the
 * limit - the text is parsed again by `parseTemplate`, which reports the error with its line
 * and column (and applies its alias limits), so errors and their positions are exactly core's.
 * JSON text goes straight to `parseTemplate` (it is `JSON.parse` there already).
 */
import { CORE_SCHEMA, load } from "js-yaml";
import { MAX_TEMPLATE_DEPTH, parseTemplate } from "@converge/core";
import type { Template, TemplateFormat } from "@converge/core";

/**
 * Parse template text as core's `parseTemplate` does (same values, same errors), fast for
 * large YAML templates.
 * @throws the errors of `parseTemplate` (TemplateSyntaxError, TemplateNestingError,
 *   TemplateValidationError).
 */
export function parseTemplateText(text: string, format: TemplateFormat = "auto"): Template {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const json = format === "json" || (format === "auto" && /^\s*[{[]/.test(source));
  if (!json) {
    const fast = fastYaml(source);
    if (fast !== undefined) return fast;
  }
  return parseTemplate(text, format);
}

/** The template read by js-yaml, or undefined when core's parser must decide. */
function fastYaml(text: string): Template | undefined {
  let value: unknown;
  try {
    value = load(text, { schema: CORE_SCHEMA, json: false });
  } catch {
    return undefined; // syntax errors, duplicate keys, unknown tags, stack overflows: core reports them
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return isTreeWithin(value, MAX_TEMPLATE_DEPTH) ? (value as Template) : undefined;
}

/**
 * Whether `root` is a tree (no mapping or list reached twice: aliases of collections are left
 * to core, which limits them) nesting at most `limit` levels. Iterative: safe on any depth.
 */
export function isTreeWithin(root: object, limit: number): boolean {
  const seen = new Set<object>([root]);
  const stack: { readonly value: object; readonly depth: number }[] = [{ value: root, depth: 1 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const children = Array.isArray(top.value) ? (top.value as unknown[]) : Object.values(top.value);
    for (const child of children) {
      if (typeof child !== "object" || child === null) continue;
      if (seen.has(child) || top.depth + 1 > limit) return false;
      seen.add(child);
      stack.push({ value: child, depth: top.depth + 1 });
    }
  }
  return true;
}
