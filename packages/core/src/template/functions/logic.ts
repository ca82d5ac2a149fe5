/**
 * Condition functions: `equals`, `not`, `and`, `or` (with `contains` and `get_param`, the
 * functions a condition may use). In `not`, `and` and `or`, a string names a condition of the
 * template's `conditions` section; the compiler replaces it by the condition's value.
 *
 * ```yaml
 * conditions:
 *   is_prod: { equals: [{ get_param: env }, prod] }
 *   small:   { not: is_prod }
 *   eu_prod: { and: [is_prod, { contains: [{ get_param: region }, [eu-1, eu-2]] }] }
 * ```
 */
import { jsonEqual } from "../plain-data.js";
import type { TemplateFunction } from "./definition.js";
import { slot, value } from "./shape.js";
import type { ListShape } from "./shape.js";

/** `equals: [a, b]`: whether the two values are equal as JSON data. */
export const EQUALS: TemplateFunction = {
  name: "equals",
  takes: "[value_1, value_2]",
  shape: { form: "list", literal: true, min: 2, items: [slot("value_1", value()), slot("value_2", value())] },
  yields: ["boolean"],
  inConditions: true,
  evaluate(arg) {
    const [a, b] = arg as [unknown, unknown];
    return jsonEqual(a, b);
  },
};

/** `not: condition`: the negation of a condition (a name, a boolean or a condition function). */
export const NOT: TemplateFunction = {
  name: "not",
  takes: "a condition (a condition name, true/false or a condition function)",
  shape: value(["boolean"]),
  yields: ["boolean"],
  inConditions: true,
  conditionOperands: "argument",
  evaluate: (arg) => !(arg as boolean),
};

const CONDITIONS: ListShape = { form: "list", literal: true, min: 2, items: [], rest: slot("condition", value(["boolean"])) };

/** `and: [condition, condition, ...]`: true when every condition is (at least two). */
export const AND: TemplateFunction = {
  name: "and",
  takes: "[condition_1, condition_2, ...] (at least two conditions: names, true/false or condition functions)",
  shape: CONDITIONS,
  yields: ["boolean"],
  inConditions: true,
  conditionOperands: "items",
  evaluate: (arg) => (arg as boolean[]).every(Boolean),
};

/** `or: [condition, condition, ...]`: true when some condition is (at least two). */
export const OR: TemplateFunction = {
  name: "or",
  takes: "[condition_1, condition_2, ...] (at least two conditions: names, true/false or condition functions)",
  shape: CONDITIONS,
  yields: ["boolean"],
  inConditions: true,
  conditionOperands: "items",
  evaluate: (arg) => (arg as boolean[]).some(Boolean),
};
