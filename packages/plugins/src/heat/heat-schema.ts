/**
 * Property schemas with Heat's conversions: Heat accepts `"42"` for a number property, `42`
 * for a string one and `"yes"`/`"off"` for a boolean one (values often come from string
 * parameters), so existing templates keep working. Each rejects other values with a message
 * naming what it expects and what it got.
 */
import { z } from "zod";

const TRUE = new Set(["true", "yes", "on", "1", "y", "t"]);
const FALSE = new Set(["false", "no", "off", "0", "n", "f"]);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER = /^[-+]?\d+$/;

const kind = (v: unknown): string =>
  v === undefined ? "nothing" : v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "a map" : `${typeof v} ${JSON.stringify(v)}`;

/** A schema converting with `convert`, which returns undefined for a value it rejects. */
function converting<T>(what: string, convert: (v: unknown) => T | undefined) {
  return z.unknown().transform((v, ctx): T => {
    const out = convert(v);
    if (out === undefined) {
      ctx.addIssue({ code: "custom", message: `must be ${what}, got ${kind(v)}` });
      return z.NEVER;
    }
    return out;
  });
}

/** A Heat STRING: strings, and numbers or booleans converted to their text. */
export const heatString = () =>
  converting("a string", (v) => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined));

/** A Heat NUMBER: a finite number, or a string holding one. */
export const heatNumber = () =>
  converting("a number", (v) => {
    if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
    return typeof v === "string" && NUMBER.test(v.trim()) ? Number(v) : undefined;
  });

/** A Heat INTEGER: an integer, or a string holding one. */
export const heatInteger = () =>
  converting("an integer", (v) => {
    if (typeof v === "number") return Number.isInteger(v) ? v : undefined;
    return typeof v === "string" && INTEGER.test(v.trim()) ? Number(v) : undefined;
  });

/** A Heat BOOLEAN: a boolean, or one of true/false, yes/no, on/off, y/n, t/f, 1/0 (any case). */
export const heatBoolean = () =>
  converting("a boolean (true/false, yes/no, on/off, 1/0)", (v) => {
    if (typeof v === "boolean") return v;
    const s = typeof v === "string" || typeof v === "number" ? String(v).trim().toLowerCase() : "";
    return TRUE.has(s) ? true : FALSE.has(s) ? false : undefined;
  });
