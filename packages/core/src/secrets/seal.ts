/**
 * Sealed values: real values the protocol needs, kept where no view prints them in clear.
 *
 * A sealed value is the text `sealed:v1:<base64url of its JSON>`. Sealing is an encoding,
 * not encryption: it keeps the plain string out of every view, dump, grep and accidental
 * print, but anyone who can read the store (the CLI's state file, Redis) can decode it.
 * Protect those as you would the secrets themselves.
 *
 * Where a sealed value stands for a whole JSON value (a template property, a row's real
 * properties), it is wrapped in a one-key object `{ "$sealed": "sealed:v1:..." }`.
 */
import { isPlainObject } from "../template/plain-data.js";

/** Prefix of every sealed text. */
export const SEALED_PREFIX = "sealed:v1:";

/** Key of the one-key object that wraps a sealed value inside JSON data. */
export const SEALED_KEY = "$sealed";

/** A sealed value inside JSON data. */
export interface SealedMarker {
  /** The sealed text. */
  readonly [SEALED_KEY]: string;
}

/** Seal a JSON value into text. */
export function seal(value: unknown): string {
  return SEALED_PREFIX + Buffer.from(JSON.stringify(value) ?? "null", "utf8").toString("base64url");
}

/** Whether `text` is a sealed value. */
export function isSealedText(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(SEALED_PREFIX);
}

/** The value of sealed text. @throws SyntaxError when the text is not a well-formed sealed value. */
export function unseal(text: string): unknown {
  if (!isSealedText(text)) throw new SyntaxError("not a sealed value");
  return JSON.parse(Buffer.from(text.slice(SEALED_PREFIX.length), "base64url").toString("utf8")) as unknown;
}

/** A JSON value wrapped as a sealed marker. */
export function sealMarker(value: unknown): SealedMarker {
  return { [SEALED_KEY]: seal(value) };
}

/** Whether `value` is a sealed marker `{ "$sealed": "sealed:v1:..." }`. */
export function isSealedMarker(value: unknown): value is SealedMarker {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === SEALED_KEY && isSealedText(value[SEALED_KEY]);
}

/** `value` with every sealed marker in it replaced by the value it seals. */
export function unsealDeep(value: unknown): unknown {
  if (isSealedMarker(value)) return unseal(value[SEALED_KEY]);
  if (Array.isArray(value)) return value.map(unsealDeep);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) Object.defineProperty(out, key, { value: unsealDeep(value[key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Whether `value` contains a sealed marker anywhere. */
export function containsSealed(value: unknown): boolean {
  if (isSealedMarker(value)) return true;
  if (Array.isArray(value)) return value.some(containsSealed);
  if (isPlainObject(value)) return Object.values(value).some(containsSealed);
  return false;
}
