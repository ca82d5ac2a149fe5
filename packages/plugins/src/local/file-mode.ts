/**
 * File modes as people write them: `"0644"`, `"644"`, `"0o644"`, or the number `644` (read
 * as chmod reads it - octal digits; a YAML `mode: 0644` is the number 644 too).
 */
import { z } from "zod";

/**
 * Parse a mode into its numeric value, or return an error message. Numbers are read by their
 * decimal digits as octal (`644` → 0o644), so a number with a digit 8 or 9 is rejected.
 */
export function parseFileMode(input: string | number): number | string {
  const text = typeof input === "number" ? (Number.isInteger(input) && input >= 0 ? String(input) : "") : input.trim().replace(/^0o/i, "");
  if (!/^[0-7]{1,4}$/.test(text)) {
    return `file mode must be octal digits like "0644" or 644 (at most 4 digits 0-7), got ${JSON.stringify(input)}`;
  }
  return parseInt(text, 8);
}

/** A mode in canonical form: four octal digits, e.g. `"0644"`. */
export function formatFileMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

/** Zod schema of a mode: accepts the forms above, outputs the canonical `"0644"` form. */
export const fileModeSchema = () =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const mode = parseFileMode(v);
    if (typeof mode === "string") {
      ctx.addIssue({ code: "custom", message: mode });
      return z.NEVER;
    }
    return formatFileMode(mode);
  });
