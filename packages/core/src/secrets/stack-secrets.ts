/**
 * The secrets of a stack as a check sees them: a redactor made from the hidden parameter
 * values of the stack's target and previous templates, and a logger that redacts with it
 * (the store that does is `sealing-store.ts`; a check's environment is made with both in
 * `protocol/process-check.ts`).
 *
 * A check makes one redactor (it learns the secrets of the rows the check reads), but what
 * it starts from - the hidden values of the stack's templates - is computed once per
 * template and kept with it (templates are immutable), so a check of a stack whose
 * templates are cached starts without waiting on the store.
 */
import type { StackRecord } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import type { Logger } from "../plugin/types.js";
import type { CheckEnv } from "../protocol/env.js";
import { cachedTemplate, loadTemplate } from "../protocol/engine-cache.js";
import type { CompiledTemplate } from "../template/types.js";
import type { Redactor } from "./redactor.js";
import type { AnswerWatch } from "./sealing-store.js";
import { registryRedactor } from "./sealing-store.js";
import { templateSecrets } from "./template-secrets.js";

type TemplateEnv = Pick<CheckEnv, "store" | "templateCache"> & { readonly watch?: AnswerWatch };

const NO_VALUES: readonly string[] = [];

/** The hidden values of each template seen (templates never change once stored). */
const secretValues = new WeakMap<CompiledTemplate, readonly string[]>();

/** The hidden values of `template` (computed once per template). */
function valuesOf(template: CompiledTemplate | null): readonly string[] {
  if (template === null) return NO_VALUES;
  let values = secretValues.get(template);
  if (values === undefined) {
    values = templateSecrets(template).values;
    secretValues.set(template, values);
  }
  return values;
}

/** The hidden values of one of a stack's templates: at once when the engine's cache holds it. */
function templateValues(env: TemplateEnv, stackId: string, templateId: string): readonly string[] | Promise<readonly string[]> {
  const hit = cachedTemplate(env, stackId, templateId);
  if (hit !== undefined) return valuesOf(hit);
  return Promise.resolve(loadTemplate(env, stackId, templateId)).then((template) => valuesOf(env.watch === undefined ? template : env.watch.note(template)));
}

/**
 * The hidden values of the stack's target and previous templates: at once when the engine's
 * cache holds both (no promise: this runs for every check), else as a promise.
 */
export function stackSecretValues(env: TemplateEnv, stack: StackRecord): readonly string[] | Promise<readonly string[]> {
  const target = templateValues(env, stack.id, stack.templateId);
  if (stack.prevTemplateId === null || stack.prevTemplateId === stack.templateId) return target;
  const prev = templateValues(env, stack.id, stack.prevTemplateId);
  if (!isPromise(target) && !isPromise(prev)) return joined(target, prev);
  return Promise.all([target, prev]).then(([current, previous]) => joined(current, previous));
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return value instanceof Promise;
}

function joined(current: readonly string[], previous: readonly string[]): readonly string[] {
  if (previous.length === 0) return current;
  return current.length === 0 ? previous : [...current, ...previous];
}

/**
 * The redactor of a stack: its target and previous templates' hidden values (see
 * {@link stackSecretValues}), its types' secret properties.
 */
export function stackRedactor(types: TypeRegistry, values: readonly string[]): Redactor {
  return registryRedactor(types, values);
}

/** A logger that redacts secrets from messages and from the string values of its fields. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  return new RedactingLogger(logger, redactor);
}

/** The logger of {@link redactingLogger} (methods, no per-check closures). */
class RedactingLogger implements Logger {
  readonly #logger: Logger;
  readonly #redactor: Redactor;

  constructor(logger: Logger, redactor: Redactor) {
    this.#logger = logger;
    this.#redactor = redactor;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.#logger.debug(this.#redactor.text(message), this.#fields(fields));
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.#logger.info(this.#redactor.text(message), this.#fields(fields));
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#logger.warn(this.#redactor.text(message), this.#fields(fields));
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.#logger.error(this.#redactor.text(message), this.#fields(fields));
  }

  #fields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    return fields === undefined ? undefined : (this.#redactor.value(fields) as Record<string, unknown>);
  }
}
