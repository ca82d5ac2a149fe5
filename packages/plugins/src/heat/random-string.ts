/**
 * `OS::Heat::RandomString`: a random string made once, at create, from character classes
 * and sequences with per-class minimums - the usual way Heat templates make passwords.
 */
import { randomInt } from "node:crypto";
import { defineResourceType } from "@converge/core";
import type { ResourceType } from "@converge/core";
import { z } from "zod";
import { checkOptions, functionOption, typeNameOption } from "../support/options.js";
import { physicalResourceName } from "../support/physical-name.js";
import { heatInteger, heatString } from "./heat-schema.js";

/** Type name of {@link RandomString}. */
export const RANDOM_STRING_TYPE = "OS::Heat::RandomString";

/** The character classes Heat knows, by name. */
export const CHARACTER_CLASSES = {
  lettersdigits: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  letters: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
  lowercase: "abcdefghijklmnopqrstuvwxyz",
  uppercase: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  digits: "0123456789",
  hexdigits: "0123456789ABCDEF",
  octdigits: "01234567",
} as const;

/** Name of a character class. */
export type CharacterClass = keyof typeof CHARACTER_CLASSES;

const className = z.enum(Object.keys(CHARACTER_CLASSES) as [CharacterClass, ...CharacterClass[]]);
const minimum = heatInteger().pipe(z.number().int().min(1).max(512)).default(1);

const properties = z
  .object({
    /** Length of the string. */
    length: heatInteger().pipe(z.number().int().min(1).max(512)).default(32),
    /** Deprecated (Heat 2014.2): one character class for the whole string. */
    sequence: className.optional(),
    /** Character classes to draw from, each with a minimum count. */
    character_classes: z.array(z.strictObject({ class: className.default("lettersdigits"), min: minimum })).optional(),
    /** Literal character sequences to draw from, each with a minimum count. */
    character_sequences: z.array(z.strictObject({ sequence: z.string().min(1), min: minimum })).optional(),
    /** Ignored by the generator; changing it makes a new string (the resource is replaced). */
    salt: heatString().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.sequence !== undefined && ((p.character_classes ?? []).length > 0 || (p.character_sequences ?? []).length > 0)) {
      ctx.addIssue({ code: "custom", path: ["sequence"], message: "cannot use the deprecated 'sequence' property along with 'character_sequences' or 'character_classes'" });
    }
    const mins = [...(p.character_classes ?? []), ...(p.character_sequences ?? [])].reduce((n, c) => n + c.min, 0);
    if (mins > p.length) {
      ctx.addIssue({ code: "custom", path: ["length"], message: "length cannot be smaller than the combined character class and character sequence minimums" });
    }
  });

/** Resolved properties of {@link RandomString}. */
export type RandomStringProperties = z.output<typeof properties>;

/** A random source: an integer in [0, max). @default node:crypto `randomInt` */
export type RandomInt = (max: number) => number;

const pick = (chars: string, rand: RandomInt): string => chars[rand(chars.length)] as string;

/**
 * Generate a string as Heat does: first the minimum count of each sequence and class, then
 * the rest drawn from a randomly chosen class or sequence (classes and sequences weighted by
 * count), then shuffled. Without classes or sequences, `sequence` (default `lettersdigits`)
 * is used for every character.
 */
export function generateRandomString(props: RandomStringProperties, rand: RandomInt = randomInt): string {
  const classes = (props.character_classes ?? []).map((c) => ({ chars: CHARACTER_CLASSES[c.class] as string, min: c.min }));
  const sequences = (props.character_sequences ?? []).map((s) => ({ chars: s.sequence, min: s.min }));
  if (classes.length === 0 && sequences.length === 0) {
    const chars = CHARACTER_CLASSES[props.sequence ?? "lettersdigits"];
    let out = "";
    for (let i = 0; i < props.length; i++) out += pick(chars, rand);
    return out;
  }
  const out: string[] = [];
  for (const { chars, min } of [...sequences, ...classes]) for (let i = 0; i < min; i++) out.push(pick(chars, rand));
  const pools = [...classes, ...sequences];
  while (out.length < props.length) out.push(pick((pools[rand(pools.length)] as { chars: string }).chars, rand));
  for (let i = out.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out.join("");
}

/** Options of {@link createRandomStringType}. */
export interface RandomStringOptions {
  /** Random source (tests may inject a seeded one). @default node:crypto `randomInt` */
  readonly randomInt?: RandomInt;
  /** Type name. @default "OS::Heat::RandomString" */
  readonly type?: string;
}

/**
 * Build an `OS::Heat::RandomString` type.
 *
 * - properties: `length` (1..512, default 32), `character_classes` [{class, min}],
 *   `character_sequences` [{sequence, min}], `sequence` (deprecated), `salt`.
 * - attribute `value`: the string. As in Heat, `get_resource` gives the string too (the
 *   type's reference id), while the physical id is a plain `<stack>-<resource>-<short id>`
 *   name, so the string never shows in events.
 * - replacement: no property can change in place (as in Heat), so a new string is made only
 *   on create or when a property - typically `salt` - changes.
 * - a create retried after a crash makes a new string: nothing exists outside the stack, so
 *   nothing is duplicated (the type declares `idempotentCreate`).
 * - no `read`: the string exists only in the stack's record, so nothing can be observed and
 *   an import could not recover it; a drift check reports it unchecked (Heat's stack check:
 *   "CHECK not supported").
 * @throws InvalidOptionsError on a bad option.
 */
export function createRandomStringType(options?: RandomStringOptions): ResourceType<typeof properties, "value"> {
  const opts = checkOptions(options, "createRandomStringType", ["randomInt", "type"]);
  const rand = functionOption<RandomInt>(opts, "randomInt", randomInt);
  return defineResourceType({
    type: typeNameOption(opts, RANDOM_STRING_TYPE),
    description: "A random string (passwords, secrets), made once at create",
    properties,
    attributes: { value: "The random string (also what get_resource gives)." },
    idempotentCreate: true,
    async create(ctx) {
      const value = generateRandomString(ctx.properties, rand);
      return { physicalId: physicalResourceName(ctx), attributes: { value } };
    },
    async delete() {
      // Nothing exists outside the stack.
    },
    referenceId: (physicalId, attributes) => (typeof attributes.value === "string" ? attributes.value : physicalId),
  });
}

/** `OS::Heat::RandomString` using crypto randomness. See {@link createRandomStringType}. */
export const RandomString = createRandomStringType();
