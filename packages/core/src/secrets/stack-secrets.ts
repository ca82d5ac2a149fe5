/**
 * The secrets of a stack as a check sees them: a redactor made from the hidden parameter
 * values of the stack's target and previous templates, the store that redacts with it, and
 * a logger that does too.
 */
import type { StackRecord } from "../model/types.js";
import type { Logger } from "../plugin/types.js";
import type { CheckEnv } from "../protocol/env.js";
import { loadTemplate } from "../protocol/engine-cache.js";
import type { Redactor } from "./redactor.js";
import { registryRedactor, sealingStore } from "./sealing-store.js";
import { templateSecrets } from "./template-secrets.js";

/** The redactor of a stack: its target and previous templates' hidden values, its types' secret properties. */
export async function stackRedactor(env: CheckEnv, stack: StackRecord): Promise<Redactor> {
  const ids = new Set([stack.templateId, ...(stack.prevTemplateId === null ? [] : [stack.prevTemplateId])]);
  const values: string[] = [];
  for (const id of ids) values.push(...templateSecrets(await loadTemplate(env, stack.id, id)).values);
  return registryRedactor(env.types, values);
}

/** `env` whose store and logger redact the stack's secrets where they write. */
export async function redactingEnv(env: CheckEnv, stack: StackRecord): Promise<CheckEnv> {
  const redactor = await stackRedactor(env, stack);
  return { ...env, store: sealingStore(env.store, redactor), logger: redactingLogger(env.logger, redactor) };
}

/** A logger that redacts secrets from messages and from the string values of its fields. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  const fields = (f: Record<string, unknown> | undefined): Record<string, unknown> | undefined =>
    f === undefined ? undefined : (redactor.value(f) as Record<string, unknown>);
  return {
    debug: (m, f) => logger.debug(redactor.text(m), fields(f)),
    info: (m, f) => logger.info(redactor.text(m), fields(f)),
    warn: (m, f) => logger.warn(redactor.text(m), fields(f)),
    error: (m, f) => logger.error(redactor.text(m), fields(f)),
  };
}
