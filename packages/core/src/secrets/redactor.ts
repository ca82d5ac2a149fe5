/**
 * Redaction of secrets where data is written: the secret strings of a stack (the values of
 * its `hidden` parameters, and the values of its rows' `secretProperties` as they are seen)
 * are replaced by {@link REDACTED} in every string a view may print, and a type's secret
 * properties are replaced whole.
 */
import { isPlainObject } from "../template/plain-data.js";

/** The redaction marker for secret values. */
export const REDACTED = "******";

/** Secret strings shorter than this are redacted only as whole values, never inside longer text. */
export const MIN_SUBSTRING_SECRET = 4;

/**
 * The secret strings of a hidden value: every non-empty string in it, a number given as the
 * whole value (a PIN), a list of strings also joined with commas, a mapping also as its JSON.
 * Booleans and numbers inside a list or mapping are not secrets on their own (redacting every
 * `true` or `1` would hide nothing and blank every view).
 */
export function secretLeaves(value: unknown, out: string[] = [], top = true): string[] {
  if (typeof value === "string") {
    if (value !== "") out.push(value);
  } else if (typeof value === "number") {
    if (top) out.push(String(value));
  } else if (Array.isArray(value)) {
    for (const item of value) secretLeaves(item, out, false);
    // A list may also travel joined (comma_delimited_list, list_join with ",").
    if (value.length > 1 && value.every((v) => typeof v === "string")) out.push(value.join(","));
  } else if (isPlainObject(value)) {
    for (const item of Object.values(value)) secretLeaves(item, out, false);
    out.push(JSON.stringify(value));
  }
  return out;
}

const NONE: ReadonlySet<string> = new Set<string>();

/** Redacts the secrets of one stack. Secrets are added as they are learned, never removed. */
export class Redactor {
  /** The known secrets (a shared empty set until the first one is learned: most stacks have none). */
  #whole: ReadonlySet<string> = NONE;
  #substrings: string[] = [];
  readonly #secretProperties: (type: string | undefined) => readonly string[];

  /**
   * @param secrets the stack's known secret strings (hidden parameter values).
   * @param secretProperties the secret property names of a type (of every known type when
   *   the type is not known: fail closed).
   */
  constructor(secrets: Iterable<string>, secretProperties: (type: string | undefined) => readonly string[]) {
    this.#secretProperties = secretProperties;
    this.add(secrets);
  }

  /** Whether no secret string is known. */
  get empty(): boolean {
    return this.#whole.size === 0;
  }

  /** Whether a row of `type` has nothing to redact: no secret string known, no secret property. */
  quiet(type: string | undefined): boolean {
    return this.#whole.size === 0 && this.#secretProperties(type).length === 0;
  }

  /**
   * Whether some type has secret properties (those of a type not known: every type's), so
   * what to redact in a row depends on its type.
   */
  get typed(): boolean {
    return this.#secretProperties(undefined).length > 0;
  }

  /** Whether a row of `type` has secret properties (whose values a read learns). */
  learnsFrom(type: string | undefined): boolean {
    return this.#secretProperties(type).length > 0;
  }

  /** Learn secret strings. */
  add(secrets: Iterable<string>): void {
    let grew = false;
    for (const secret of secrets) {
      if (secret === "" || this.#whole.has(secret)) continue;
      if (this.#whole === NONE) this.#whole = new Set<string>();
      (this.#whole as Set<string>).add(secret);
      grew = true;
    }
    // Longest first, so a secret that contains another is replaced whole.
    if (grew) this.#substrings = [...this.#whole].filter((s) => s.length >= MIN_SUBSTRING_SECRET).sort((a, b) => b.length - a.length);
  }

  /** Learn the values of the secret properties of a row of `type`. */
  learnProperties(type: string | undefined, properties: Readonly<Record<string, unknown>>): void {
    const names = this.#secretProperties(type);
    if (names.length === 0) return;
    const leaves: string[] = [];
    for (const name of names) {
      if (Object.prototype.hasOwnProperty.call(properties, name)) secretLeaves(properties[name], leaves);
    }
    this.add(leaves);
  }

  /** The known secrets that occur in `value` (to hand them on with it). */
  secretsIn(value: unknown): string[] {
    const text = secretLeaves(value).join("\u0000");
    const leaves = new Set(secretLeaves(value));
    return [...this.#whole].filter((s) => leaves.has(s) || (s.length >= MIN_SUBSTRING_SECRET && text.includes(s)));
  }

  /** `text` with every secret string in it replaced. */
  text(text: string): string {
    if (this.#whole.has(text)) return REDACTED;
    let out = text;
    for (const secret of this.#substrings) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /** A JSON value with every secret in it replaced (strings inside, other leaves whole). */
  value(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (typeof value === "number" || typeof value === "boolean") return this.#whole.has(String(value)) ? REDACTED : value;
    if (Array.isArray(value)) return value.map((v) => this.value(v));
    if (isPlainObject(value)) {
      if (this.#whole.has(JSON.stringify(value))) return REDACTED;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) define(out, key, this.value(value[key]));
      return out;
    }
    return value;
  }

  /** A row's properties as a view shows them: the type's secret properties whole, secrets inside the rest. */
  properties(type: string | undefined, properties: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const secret = new Set(this.#secretProperties(type));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(properties)) define(out, key, secret.has(key) ? REDACTED : this.value(properties[key]));
    return out;
  }
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
