/**
 * The secrets a compiled template carries (sealed in `CompiledTemplate.secrets`) and what the
 * engine derives from them: the strings to redact, and the stack parameters to seal.
 */
import type { CompiledTemplate } from "../template/types.js";
import { isPlainObject, setOwn } from "../template/plain-data.js";
import { isSealedMarker, isSealedText, seal, unseal } from "./seal.js";

/** What `CompiledTemplate.secrets` seals. */
export interface TemplateSecrets {
  /** Names of the hidden parameters. */
  readonly parameters: readonly string[];
  /** Their values' leaves as strings (see `secretLeaves`). */
  readonly values: readonly string[];
}

const NONE: TemplateSecrets = { parameters: [], values: [] };

/** Seal the secrets of a template. */
export function sealSecrets(secrets: TemplateSecrets): string {
  return seal(secrets);
}

/** The secrets of a compiled template (none when it has no hidden parameter). */
export function templateSecrets(template: CompiledTemplate | null | undefined): TemplateSecrets {
  if (template?.secrets === undefined) return NONE;
  const opened = unseal(template.secrets);
  if (!isPlainObject(opened)) return NONE;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return { parameters: strings(opened.parameters), values: strings(opened.values) };
}

/** Stack parameters as stored: the values of `template`'s hidden parameters sealed. */
export function sealParameters(parameters: Readonly<Record<string, unknown>>, template: CompiledTemplate): Record<string, unknown> {
  const hidden = new Set(templateSecrets(template).parameters);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parameters)) setOwn(out, name, hidden.has(name) && !isSealedText(value) ? seal(value) : value);
  return out;
}

/** Stored stack parameters with their sealed values opened (to compile a template again). */
export function openParameters(parameters: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parameters)) setOwn(out, name, isSealedText(value) ? unseal(value) : value);
  return out;
}

/** A compiled template's properties (or output value) with its sealed top-level values opened. */
export function openSealedProperties(properties: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(properties)) {
    const value = properties[key];
    if (!isSealedMarker(value)) continue;
    out ??= { ...properties };
    setOwn(out, key, unseal(value.$sealed));
  }
  return out ?? properties;
}
