/**
 * `repeat`: one copy of a template per combination of loop values.
 *
 * ```yaml
 * rules:
 *   repeat:
 *     for_each: { <%port%>: ["80", "443"], <%proto%>: [tcp, udp] }
 *     template: { protocol: <%proto%>, port: <%port%> }
 * # → [{protocol: tcp, port: "80"}, {protocol: udp, port: "80"},
 * #    {protocol: tcp, port: "443"}, {protocol: udp, port: "443"}]
 * ```
 *
 * With `permutations: true` (the default) the loops nest, the first variable outermost; with
 * `false` the lists (of equal length) are walked side by side. A mapping given as a loop's
 * values loops over its keys (only with permutations); null loops over nothing. In every
 * string of the template (keys included), each variable is replaced in `for_each` order,
 * so the values must be strings, as in Heat.
 */
import { isPlainObject, kindOf, setOwn } from "../plain-data.js";
import type { PlainObject } from "../plain-data.js";
import { fail } from "./definition.js";
import type { TemplateFunction } from "./definition.js";
import { NOTHING_PENDING, slot, value } from "./shape.js";
import type { PendingKinds } from "./shape.js";

interface RepeatArgument {
  readonly for_each: Readonly<Record<string, unknown[] | PlainObject | null>>;
  readonly template: unknown;
  readonly permutations?: boolean;
}

/** `repeat: { for_each: { var: list, ... }, template, permutations? }`. */
export const REPEAT: TemplateFunction = {
  name: "repeat",
  takes: "{ for_each: { variable: list, ... }, template: value, permutations: true or false }",
  shape: {
    form: "mapping",
    literal: true,
    fields: [
      slot("for_each", { form: "mapping", values: value(["list", "mapping", "null"]), emptyKey: "a loop variable must not be empty" }),
      slot("template", value()),
      slot("permutations", value(["boolean"], { literal: true })),
    ],
    required: ["for_each", "template"],
  },
  yields: ["list"],
  check: (arg, pending) => loopProblem(arg as RepeatArgument, pending),
  evaluate(arg) {
    const { for_each: forEach, template, permutations = true } = arg as RepeatArgument;
    const problem = loopProblem(arg as RepeatArgument, NOTHING_PENDING);
    if (problem !== undefined) fail(problem);
    const variables = Object.keys(forEach);
    const lists = variables.map((v) => {
      const values = forEach[v] ?? null;
      return values === null ? [] : Array.isArray(values) ? values : Object.keys(values);
    });
    const rows = permutations ? product(lists) : zip(lists);
    return rows.map((row) => substitute(template, variables, row));
  },
};

/** What the known loops get wrong: no variable, maps or unequal lengths without permutations. */
function loopProblem(arg: RepeatArgument, pending: PendingKinds): string | undefined {
  const forEach: unknown = arg.for_each;
  if (pending(forEach) !== undefined || !isPlainObject(forEach)) return undefined;
  const variables = Object.keys(forEach);
  if (variables.length === 0) return "for_each must give at least one loop variable";
  if (arg.permutations !== false) return undefined;
  const lengths = new Set<number>();
  for (const v of variables) {
    const values = forEach[v];
    if (pending(values) !== undefined || values === null) continue;
    if (!Array.isArray(values)) return `without permutations, the values of loop variable "${v}" must be a list, got ${kindOf(values)}`;
    lengths.add(values.length);
  }
  return lengths.size > 1 ? "without permutations, the lists of for_each must have the same length" : undefined;
}

/** Every combination, the first list outermost: [[1, 2], [a, b]] → [1,a] [1,b] [2,a] [2,b]. */
function product(lists: readonly (readonly unknown[])[]): unknown[][] {
  let rows: unknown[][] = [[]];
  for (const list of lists) {
    const next: unknown[][] = [];
    for (const row of rows) for (const item of list) next.push([...row, item]);
    rows = next;
  }
  return rows;
}

/** The lists side by side, as long as the shortest. */
function zip(lists: readonly (readonly unknown[])[]): unknown[][] {
  const length = Math.min(...lists.map((l) => l.length));
  return Array.from({ length }, (_, i) => lists.map((l) => l[i]));
}

function substitute(template: unknown, variables: readonly string[], row: readonly unknown[]): unknown {
  if (typeof template === "string") {
    let text = template;
    variables.forEach((variable, i) => {
      const replacement = row[i];
      if (typeof replacement !== "string") {
        fail(`loop variable "${variable}" must take string values to be put into the template, got ${kindOf(replacement)}`);
      }
      text = text.split(variable).join(replacement);
    });
    return text;
  }
  if (Array.isArray(template)) return template.map((item) => substitute(item, variables, row));
  if (isPlainObject(template)) {
    const out: PlainObject = {};
    for (const key of Object.keys(template)) setOwn(out, substitute(key, variables, row) as string, substitute(template[key], variables, row));
    return out;
  }
  return template;
}
