/**
 * `OS::Heat::Value`: exposes its `value` property as the `value` attribute, validated and
 * converted to the declared `type` - a named expression other resources and outputs read.
 */
import { defineResourceType } from "@converge/core";
import type { ResourceType } from "@converge/core";
import { z } from "zod";
import { physicalResourceName } from "../support/physical-name.js";

/** Type name of {@link Value}. */
export const VALUE_TYPE = "OS::Heat::Value";

/** The value types of `OS::Heat::Value` (HOT parameter types). */
export const VALUE_TYPES = ["string", "number", "json", "boolean", "comma_delimited_list"] as const;

/** One of {@link VALUE_TYPES}. */
export type ValueType = (typeof VALUE_TYPES)[number];

const TRUE = new Set(["true", "yes", "on", "1", "y", "t"]);
const FALSE = new Set(["false", "no", "off", "0", "n", "f"]);

/** Outcome of {@link coerceValue}. */
export type CoercedValue = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

const kind = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "list" : typeof v === "object" ? "map" : typeof v);

/**
 * Validate and convert `value` to `type`, as Heat converts parameter values:
 * - `string`: strings; numbers and booleans become their text;
 * - `number`: numbers, or strings holding one;
 * - `json`: maps (Heat's own rule) and lists, or a string holding JSON text of one;
 * - `boolean`: booleans, or true/false, yes/no, on/off, 1/0 strings;
 * - `comma_delimited_list`: lists (items kept as they are), or a comma-separated string (items trimmed).
 * Without a type, any value is kept as is.
 */
export function coerceValue(value: unknown, type: ValueType | undefined): CoercedValue {
  const bad = (what: string): CoercedValue => ({ ok: false, message: `value must be ${what} for type ${String(type)}, got ${kind(value)}` });
  switch (type) {
    case undefined:
      return { ok: true, value };
    case "string":
      return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? { ok: true, value: String(value) } : bad("a string");
    case "number": {
      if (typeof value === "number" && Number.isFinite(value)) return { ok: true, value };
      if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return { ok: true, value: Number(value) };
      return bad("a number");
    }
    case "json": {
      if (typeof value === "object" && value !== null) return { ok: true, value };
      if (typeof value === "string") {
        try {
          const parsed: unknown = JSON.parse(value);
          if (typeof parsed === "object" && parsed !== null) return { ok: true, value: parsed };
        } catch {
          // fall through to the error
        }
      }
      return bad("a map, a list or JSON text of one");
    }
    case "boolean": {
      if (typeof value === "boolean") return { ok: true, value };
      const s = typeof value === "string" || typeof value === "number" ? String(value).trim().toLowerCase() : undefined;
      if (s !== undefined && TRUE.has(s)) return { ok: true, value: true };
      if (s !== undefined && FALSE.has(s)) return { ok: true, value: false };
      return bad("a boolean");
    }
    case "comma_delimited_list": {
      if (Array.isArray(value)) return { ok: true, value };
      if (typeof value === "string") return { ok: true, value: value === "" ? [] : value.split(",").map((s) => s.trim()) };
      return bad("a list or a comma-separated string");
    }
  }
}

const properties = z
  .object({
    /** The value; any JSON value (or an intrinsic function resolving to one). */
    value: z.unknown().refine((v) => v !== undefined, "value is required"),
    /** The declared type the value is validated and converted to. */
    type: z.enum(VALUE_TYPES).optional(),
  })
  .superRefine((p, ctx) => {
    const coerced = coerceValue(p.value, p.type);
    if (!coerced.ok) ctx.addIssue({ code: "custom", path: ["value"], message: coerced.message });
  });

/** Resolved properties of {@link Value}. */
export type ValueProperties = z.output<typeof properties>;

const attributesOf = (p: ValueProperties): { value: unknown } => {
  const coerced = coerceValue(p.value, p.type);
  return { value: coerced.ok ? coerced.value : p.value };
};

/**
 * `OS::Heat::Value`.
 *
 * - properties: `value` (required, any JSON value), `type` (string | number | json |
 *   boolean | comma_delimited_list, optional); both update in place, nothing forces
 *   replacement.
 * - attribute `value`: the value converted to `type` (see {@link coerceValue}). A literal
 *   value that does not fit its type fails the resource when its properties are resolved
 *   (Heat rejects it when the stack is validated).
 * - physical id (and `get_resource`) `<stack>-<resource>-<short id>`.
 * - `read`: the value lives in the stack's own record, so what exists is what was recorded:
 *   a resource with a physical id exists, with the properties it is read with and the
 *   `value` attribute they give - a drift check always finds it in sync, and it can be
 *   imported under any physical id. With no physical id (a create interrupted before it
 *   returned) it reports gone, and the create simply runs again.
 */
export const Value: ResourceType<typeof properties, "value"> = defineResourceType({
  type: VALUE_TYPE,
  description: "Exposes its value property, converted to its declared type, as the value attribute",
  properties,
  attributes: { value: "The value, converted to the declared type." },
  idempotentCreate: true,
  async create(ctx) {
    return { physicalId: physicalResourceName(ctx), attributes: attributesOf(ctx.properties) };
  },
  async update(ctx) {
    return { attributes: attributesOf(ctx.properties) };
  },
  async delete() {
    // Nothing exists outside the stack.
  },
  async read(ctx) {
    if (ctx.physicalId === null) return { exists: false };
    return { exists: true, physicalId: ctx.physicalId, attributes: attributesOf(ctx.properties), properties: { ...ctx.properties } };
  },
});
