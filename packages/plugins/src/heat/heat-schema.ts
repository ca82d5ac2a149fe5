/**
 * Property schemas with Heat's conversions: Heat accepts `"42"` for a number property, `42`
 * for a string one and `"yes"`/`"off"` for a boolean one (values often come from string
 * parameters), so existing templates keep working.
 */
import { z } from "zod";

const TRUE = new Set(["true", "yes", "on", "1", "y", "t"]);
const FALSE = new Set(["false", "no", "off", "0", "n", "f"]);

/** A Heat STRING: strings, and numbers or booleans converted to their text. */
export const heatString = () =>
  z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** A Heat NUMBER: a finite number, or a string holding one. */
export const heatNumber = () =>
  z.union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, "must be a number")
      .transform(Number),
  ]).pipe(z.number().finite());

/** A Heat INTEGER: an integer, or a string holding one. */
export const heatInteger = () =>
  z.union([z.number(), z.string().trim().regex(/^[-+]?\d+$/, "must be an integer").transform(Number)]).pipe(z.number().int());

/** A Heat BOOLEAN: a boolean, or one of true/false, yes/no, on/off, 1/0 (any case). */
export const heatBoolean = () =>
  z.union([
    z.boolean(),
    z.string().transform((v, ctx) => {
      const s = v.trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      ctx.addIssue({ code: "custom", message: `"${v}" is not a boolean (true/false, yes/no, on/off, 1/0)` });
      return z.NEVER;
    }),
  ]);
