/**
 * Argument shapes of the template functions. A shape says what every position of a
 * function's argument holds; {@link checkShape} checks an argument against it, the same way
 * whether the argument is fully known (folding at compile time, resolving at run time) or
 * partly known (at compile time, some positions are still calls resolved at run time: those
 * pass when the call may yield a kind the position accepts).
 *
 * ```
 *   str_split: [",", { get_attr: [db, hosts] }, 0]
 *              ^^^   ^^^^^^^^^^^^^^^^^^^^^^^^^^  ^
 *              string  pending, may be a string  index
 * ```
 */
import { isPlainObject, kindOf } from "../plain-data.js";

/** The kind of a JSON value, as the template functions distinguish them. */
export type ValueKind = "string" | "number" | "boolean" | "null" | "list" | "mapping";

/** Every {@link ValueKind}: what a `get_attr` may yield. */
export const ANY_KIND: readonly ValueKind[] = Object.freeze(["string", "number", "boolean", "null", "list", "mapping"]);

/**
 * The kinds a value still to be computed may yield when `value` is such a call (a compiled
 * function call left for run time), else undefined.
 */
export type PendingKinds = (value: unknown) => readonly ValueKind[] | undefined;

/** No value is pending (a fully known argument). */
export const NOTHING_PENDING: PendingKinds = () => undefined;

/** One value of given kinds. */
export interface ValueShape {
  /** Discriminant. */
  readonly form: "value";
  /** Accepted kinds; absent means any. */
  readonly kinds?: readonly ValueKind[];
  /** The value must be written in the template (or come from `get_param`), never computed at run time. */
  readonly literal?: boolean;
  /** Further check of a known value of an accepted kind: the problem ("must not be empty") or undefined. */
  readonly test?: (value: unknown) => string | undefined;
}

/** A list with positional items and optionally any number of further items. */
export interface ListShape {
  /** Discriminant. */
  readonly form: "list";
  /** The positions, in order; the first `min` are required. */
  readonly items: readonly Slot[];
  /** Minimum length. */
  readonly min: number;
  /** Shape of every item after `items` (label gets the item's index); absent: no more items. */
  readonly rest?: Slot;
  /** The list must be written in the template, not computed at run time. */
  readonly literal?: boolean;
  /** Null is accepted in place of the list. */
  readonly nullable?: boolean;
}

/** A mapping with named fields, or with any keys whose values share one shape. */
export interface MappingShape {
  /** Discriminant. */
  readonly form: "mapping";
  /** Allowed keys and their shapes; absent: any key. */
  readonly fields?: readonly Slot[];
  /** Keys among `fields` that must be present. */
  readonly required?: readonly string[];
  /** Shape of every value when `fields` is absent. */
  readonly values?: Shape;
  /** The problem reported for an empty key (`""`), when empty keys are not allowed. */
  readonly emptyKey?: string;
  /** The mapping must be written in the template, not computed at run time. */
  readonly literal?: boolean;
  /** Null is accepted in place of the mapping. */
  readonly nullable?: boolean;
}

/** What a position of an argument holds. */
export type Shape = ValueShape | ListShape | MappingShape;

/** A named position: the label used in messages ("the delimiter") and its shape. */
export interface Slot {
  /** For list positions, the label; for mapping fields, the key (the label is the key in quotes). */
  readonly name: string;
  /** Its shape. */
  readonly shape: Shape;
}

/** A value shape. */
export function value(kinds?: readonly ValueKind[], options: Omit<ValueShape, "form" | "kinds"> = {}): ValueShape {
  return kinds === undefined ? { form: "value", ...options } : { form: "value", kinds, ...options };
}

/** A named position. */
export function slot(name: string, shape: Shape): Slot {
  return { name, shape };
}

/** "a string", "a list or null", "a string, a number or a boolean". */
export function describeKinds(kinds: readonly ValueKind[]): string {
  const names = kinds.map((k) => (k === "null" ? "null" : `a ${k}`));
  return names.length <= 1 ? (names[0] ?? "nothing") : `${names.slice(0, -1).join(", ")} or ${names.at(-1) as string}`;
}

/**
 * Check `arg` against `shape`. Returns the first problem as a phrase naming the position
 * ("the delimiter must be a string, got number"), or undefined when the argument fits.
 * A position that is still pending (see {@link PendingKinds}) fits when the call may yield an
 * accepted kind and the position need not be literal; its contents are not checked.
 */
export function checkShape(arg: unknown, shape: Shape, pending: PendingKinds, label = "the argument"): string | undefined {
  const yields = pending(arg);
  if (yields !== undefined) {
    if (shape.literal === true) return `${label} must be written in the template, not computed by a function`;
    const accepted = acceptedKinds(shape);
    if (accepted !== undefined && !yields.some((k) => accepted.includes(k))) {
      return `${label} must be ${describeKinds(accepted)}, but a function yielding ${describeKinds(yields)} is given`;
    }
    return undefined;
  }
  switch (shape.form) {
    case "value":
      return checkValue(arg, shape, label);
    case "list":
      return checkList(arg, shape, pending, label);
    case "mapping":
      return checkMapping(arg, shape, pending, label);
  }
}

function acceptedKinds(shape: Shape): readonly ValueKind[] | undefined {
  if (shape.form === "value") return shape.kinds;
  const own: ValueKind = shape.form === "list" ? "list" : "mapping";
  return shape.nullable === true ? [own, "null"] : [own];
}

function checkValue(arg: unknown, shape: ValueShape, label: string): string | undefined {
  if (shape.kinds !== undefined && !shape.kinds.includes(kindOf(arg) as ValueKind)) {
    return `${label} must be ${describeKinds(shape.kinds)}, got ${kindOf(arg)}`;
  }
  const problem = shape.test?.(arg);
  return problem === undefined ? undefined : `${label} ${problem}`;
}

function checkList(arg: unknown, shape: ListShape, pending: PendingKinds, label: string): string | undefined {
  if (arg === null && shape.nullable === true) return undefined;
  if (!Array.isArray(arg)) return `${label} must be a list, got ${kindOf(arg)}`;
  const max = shape.rest === undefined ? shape.items.length : Infinity;
  if (arg.length < shape.min || arg.length > max) {
    const count = max === Infinity ? `at least ${shape.min}` : shape.min === max ? `${max}` : `${shape.min} to ${max}`;
    const noun = (max === Infinity ? shape.min : max) === 1 ? "item" : "items";
    return `${label} must be a list of ${count} ${noun}, got ${arg.length}`;
  }
  for (let i = 0; i < arg.length; i++) {
    const at = shape.items[i];
    const problem =
      at !== undefined
        ? checkShape(arg[i], at.shape, pending, at.name)
        : checkShape(arg[i], (shape.rest as Slot).shape, pending, `${(shape.rest as Slot).name} ${i}`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkMapping(arg: unknown, shape: MappingShape, pending: PendingKinds, label: string): string | undefined {
  if (arg === null && shape.nullable === true) return undefined;
  if (!isPlainObject(arg)) return `${label} must be a mapping, got ${kindOf(arg)}`;
  const keys = Object.keys(arg);
  if (shape.emptyKey !== undefined && keys.includes("")) return shape.emptyKey;
  if (shape.fields !== undefined) {
    const allowed = shape.fields.map((f) => f.name);
    const unknown = keys.find((k) => !allowed.includes(k));
    if (unknown !== undefined) return `${label} has an unknown key "${unknown}" (allowed: ${allowed.join(", ")})`;
    const missing = (shape.required ?? []).find((k) => !keys.includes(k));
    if (missing !== undefined) return `${label} needs the key "${missing}"`;
    for (const field of shape.fields) {
      if (!keys.includes(field.name)) continue;
      const problem = checkShape(arg[field.name], field.shape, pending, `"${field.name}"`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (shape.values !== undefined) {
    for (const key of keys) {
      const problem = checkShape(arg[key], shape.values, pending, `the value of "${key}"`);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}
