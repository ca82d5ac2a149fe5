/**
 * Conditions: the template's `conditions` section and the places that take a condition
 * (`condition:` of a resource or an output, the first argument of `if`). Conditions read only
 * parameters, so all of them are decided at compile time.
 *
 * ```yaml
 * conditions:
 *   is_prod: { equals: [{ get_param: env }, prod] }
 *   backups: { and: [is_prod, { get_param: want_backups }] }   # names another condition
 * resources:
 *   vault: { type: ..., condition: backups }                   # exists only when true
 * ```
 */
import { TemplateValidationError } from "../errors.js";
import { CONDITION_FUNCTIONS } from "./functions/table.js";
import { intrinsicName } from "./intrinsics.js";
import { joinPath, show } from "./plain-data.js";
import type { PlainObject } from "./plain-data.js";

/** Compiles a condition expression (a condition function) at `path` to its literal value. */
export type ConditionEvaluator = (expression: unknown, path: string) => unknown;

/** What a condition may be, for messages. */
const FORMS = `true, false or a condition function (${CONDITION_FUNCTIONS.join(", ")})`;

/** The conditions of one template, evaluated on demand and remembered. */
export class Conditions {
  readonly #section: PlainObject;
  readonly #evaluate: ConditionEvaluator;
  readonly #values = new Map<string, boolean>();
  readonly #inProgress: string[] = [];

  /**
   * @param section the template's `conditions` mapping (already checked to be a mapping).
   * @param evaluate compiles a condition function to its value.
   */
  constructor(section: PlainObject, evaluate: ConditionEvaluator) {
    this.#section = section;
    this.#evaluate = evaluate;
  }

  /**
   * Evaluate every condition in key order, so a broken one is reported even when unused.
   * @throws TemplateValidationError at `conditions.NAME…`.
   */
  evaluateAll(): void {
    for (const name of Object.keys(this.#section)) this.valueOf(name, joinPath("conditions", name));
  }

  /**
   * The value of the condition `name`, used at `path`.
   * @throws TemplateValidationError at `path` for an unknown name, at `conditions.NAME…` for a
   *   broken definition or a cycle of conditions naming each other.
   */
  valueOf(name: string, path: string): boolean {
    const known = this.#values.get(name);
    if (known !== undefined) return known;
    if (!Object.prototype.hasOwnProperty.call(this.#section, name)) {
      const declared = Object.keys(this.#section);
      const hint = declared.length > 0 ? ` (declared: ${declared.join(", ")})` : " (the template declares no conditions)";
      throw new TemplateValidationError(path, `unknown condition "${name}"${hint}`);
    }
    const at = joinPath("conditions", name);
    const cycleStart = this.#inProgress.indexOf(name);
    if (cycleStart >= 0) {
      const cycle = [...this.#inProgress.slice(cycleStart), name];
      throw new TemplateValidationError(at, `conditions name each other in a cycle: ${cycle.join(" -> ")}`);
    }
    const raw = this.#section[name];
    if (typeof raw !== "boolean" && intrinsicName(raw) === undefined) {
      throw new TemplateValidationError(at, `a condition must be ${FORMS}, got ${show(raw)}`);
    }
    this.#inProgress.push(name);
    try {
      const value = this.#boolean(raw, at);
      this.#values.set(name, value);
      return value;
    } finally {
      this.#inProgress.pop();
    }
  }

  /**
   * Decide a condition given where one is expected: a condition name, a boolean, or a
   * condition function.
   * @throws TemplateValidationError at `path` (or inside the expression).
   */
  decide(raw: unknown, path: string): boolean {
    if (typeof raw === "string") return this.valueOf(raw, path);
    if (typeof raw === "boolean") return raw;
    if (intrinsicName(raw) === undefined) {
      throw new TemplateValidationError(path, `a condition must be the name of a condition, ${FORMS}, got ${show(raw)}`);
    }
    return this.#boolean(raw, path);
  }

  #boolean(raw: unknown, path: string): boolean {
    const value = this.#evaluate(raw, path);
    if (typeof value !== "boolean") throw new TemplateValidationError(path, `a condition must evaluate to true or false, got ${show(value)}`);
    return value;
  }
}
