/**
 * How records are stored: a stack record is one hash field per property, each value JSON
 * text; a row is one hash field whose value packs the JSON texts of its properties in
 * ROW_FIELDS order (see `pack`). Scripts compare and copy that text and never decode user
 * data, so values come back exactly as written (no Lua cjson round trip that would turn `[]`
 * into `{}`).
 */
import { RESOURCE_ROW_FIELDS, RuntimeError, errorMessage } from "@converge/core";
import type { NewRow, ResourceRow, RowPatch, StackRecord } from "@converge/core";

/** The check fields of a never-checked row (`NEVER_CHECKED` of the core model). */
const NEVER_CHECKED_ROW = { checkStatus: null, driftedProperties: [], checkedAt: null } as const;

/** Row properties in the order of every row reply (mirrors ROW_FIELDS of `lua/includes/rowFields.lua`). */
export const ROW_FIELDS = RESOURCE_ROW_FIELDS;

/**
 * Row fields added after rows were first stored (issue 13's check results): a row written
 * before has none of them and reads as never checked.
 */
const OPTIONAL_ROW_FIELDS: Readonly<Record<string, unknown>> = { checkStatus: null, driftedProperties: [], checkedAt: null };

/**
 * Fields a row patch may set (everything but identity, version and lock), each with its
 * position in ROW_FIELDS counted from 1 (the Lua tables' index), as the text a patch sends.
 */
const PATCHABLE: ReadonlyMap<string, string> = new Map<string, string>(
  ROW_FIELDS.flatMap((f, i) => (["id", "name", "createdTraversal", "version", "lockHolder"].includes(f) ? [] : [[f, String(i + 1)] as const])),
);

/** Stack record properties. */
export const STACK_FIELDS = [
  "id",
  "name",
  "currentTraversal",
  "templateId",
  "prevTemplateId",
  "action",
  "status",
  "statusReason",
  "options",
  "deadline",
  "createdAt",
  "updatedAt",
  "converge",
  "reconciledDue",
] as const satisfies ReadonlyArray<keyof StackRecord>;

/** Stack fields a record may lack (added after records were first stored, or written only when set). */
const OPTIONAL_STACK_FIELDS: ReadonlySet<string> = new Set(["converge", "reconciledDue"]);

const STACK_FIELD_SET: ReadonlySet<string> = new Set<string>(STACK_FIELDS);

/**
 * Whether `text` is printable ASCII without a quote or backslash: its JSON text is itself in
 * quotes (nothing to escape) and its UTF-8 length is its length.
 */
function isPlainText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c > 126 || c === 34 || c === 92) return false;
  }
  return true;
}

/**
 * JSON text of a value (undefined is not storable). Strings with nothing to escape, safe
 * integers and null - most stored values - are written directly (the same text as
 * JSON.stringify, several times faster for short values).
 */
export function json(value: unknown): string {
  if (typeof value === "string" && isPlainText(value)) return `"${value}"`;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (value === null) return "null";
  const text = JSON.stringify(value);
  if (text === undefined) throw new RuntimeError(`cannot store ${String(value)} in Redis: not JSON`);
  return text;
}

/** Parse stored JSON text. @throws RuntimeError naming the key and field */
export function parseStored(key: string, field: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RuntimeError(`corrupt value in Redis at ${key} field ${field}: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * Pack a list into one script argument: "<byte length>:<value>" per element (the Lua side is
 * `unpackList` of `lua/includes/unpackList.lua`). Long lists travel this way: tens of
 * thousands of separate arguments overflow the client's call stack and Lua's unpack().
 */
export function pack(list: readonly string[]): string {
  let out = "";
  for (const value of list) out += `${utf8Length(value)}:${value}`;
  return out;
}

/** A value as a packed list holds it: `<byte length of its JSON>:<JSON>` (`pack` of one `json`). */
export function packedJson(value: unknown): string {
  if (typeof value === "string" && isPlainText(value)) return `${value.length + 2}:"${value}"`;
  const text = json(value);
  return `${utf8Length(text)}:${text}`;
}

/** A string's UTF-8 byte length: its length when it is ASCII (most stored text; no native call), else Buffer.byteLength. */
function utf8Length(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return Buffer.byteLength(text, "utf8");
  return text.length;
}

/**
 * Split a packed list (the inverse of `pack`). @throws RuntimeError naming `key` when the
 * text is not a packed list
 */
export function unpack(key: string, packed: string): string[] {
  // Text of one-byte characters only (most rows): byte lengths are string lengths, so it is
  // split in place, without encoding it to bytes and decoding each value back.
  if (Buffer.byteLength(packed, "utf8") === packed.length) return unpackAscii(key, packed);
  const out: string[] = [];
  const bytes = Buffer.from(packed, "utf8");
  let pos = 0;
  while (pos < bytes.length) {
    const colon = bytes.indexOf(58, pos);
    const len = colon < 0 ? Number.NaN : Number(bytes.toString("latin1", pos, colon));
    if (!Number.isInteger(len) || len < 0 || colon + 1 + len > bytes.length) throw new RuntimeError(`corrupt packed value in Redis at ${key}: bad length at byte ${pos}`);
    out.push(bytes.toString("utf8", colon + 1, colon + 1 + len));
    pos = colon + 1 + len;
  }
  return out;
}

/** Most digits of a packed length (a longer one is corrupt: no stored value is that long). */
const MAX_LENGTH_DIGITS = 15;

/**
 * {@link unpack} of a text whose characters are each one byte in UTF-8. A length is read digit
 * by digit (no string per length), then the value is the one slice of the text it spans.
 */
function unpackAscii(key: string, packed: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < packed.length) {
    const start = valueAt(packed, pos, key, null);
    out.push(packed.slice(start, start + valueLength));
    pos = start + valueLength;
  }
  return out;
}

/** Length of the value `valueAt` found last (read right after it, in the same synchronous step). */
let valueLength = 0;

/**
 * Where the value of the one-byte packed text at `pos` starts, its length (read digit by digit,
 * no string per length) left in `valueLength`. @throws RuntimeError naming the key (and row) when
 * the length is bad
 */
function valueAt(packed: string, pos: number, key: string, rowId: string | null): number {
  let len = 0;
  let at = pos;
  let c = packed.charCodeAt(at);
  while (c >= 48 && c <= 57 && at - pos < MAX_LENGTH_DIGITS) {
    len = len * 10 + (c - 48);
    c = packed.charCodeAt(++at);
  }
  if (at === pos || c !== 58 || at + 1 + len > packed.length) {
    throw new RuntimeError(`corrupt packed value in Redis at ${key}${rowId === null ? "" : ` field ${rowId}`}: bad length at byte ${pos}`);
  }
  valueLength = len;
  return at + 1;
}

/** `[field, JSON, ...]` of the stack record fields present in `record`. */
export function stackPairs(record: Partial<StackRecord>): string[] {
  const pairs: string[] = [];
  for (const [field, value] of Object.entries(record)) {
    if (value !== undefined && STACK_FIELD_SET.has(field)) pairs.push(field, json(value));
  }
  return pairs;
}

/**
 * The layout of a stack's rows, stored in the stack hash ("_rowLayout") by createStack:
 * one hash field per row, packed (mirrors ROW_LAYOUT of `lua/includes/rowLayout.lua`).
 */
export const ROW_LAYOUT = "packed";

/** A stack record from a hash (HGETALL), null when the hash is empty. @throws RuntimeError when corrupt or in an older layout */
export function decodeStack(key: string, hash: Readonly<Record<string, string>>): StackRecord | null {
  if (Object.keys(hash).length === 0) return null;
  if (hash._rowSeq !== undefined && hash._rowLayout !== ROW_LAYOUT) {
    throw new RuntimeError(
      `stack at ${key} was stored by an older @converge/runtime-redis (rows with one hash field per property) and cannot be read by this version: export it with the version that stored it (converge state export) and import it with this one`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const field of STACK_FIELDS) {
    const text = hash[field];
    if (text === undefined && OPTIONAL_STACK_FIELDS.has(field)) continue;
    if (text === undefined) throw new RuntimeError(`corrupt stack record in Redis at ${key}: field ${field} is missing`);
    out[field] = parseField(key, null, field, text);
  }
  if (typeof out.id !== "string" || typeof out.currentTraversal !== "string" || typeof out.name !== "string") {
    throw new RuntimeError(`corrupt stack record in Redis at ${key}: id, name and currentTraversal must be strings`);
  }
  return out as unknown as StackRecord;
}

/** How many stacks' last decoded records `decodeStackFlat` keeps (a worker runs few stacks at a time). */
const LAST_STACKS_KEPT = 64;

/** The record last decoded from a flat reply of each stack key, with that reply. */
const lastStacks = new Map<string, { readonly flat: readonly string[]; readonly record: StackRecord }>();

/** Whether two lists hold the same strings in the same order. */
function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Freeze a JSON value and everything in it; returns it. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}

/**
 * A stack record from a flat `[field, value, ...]` reply, deeply frozen (as the memory
 * runtime hands out its records). The record changes rarely and every claim reads it: a reply
 * of the same strings as the last one of its stack key gives the record decoded then (the
 * record is a function of the strings alone), not a new parse of every field.
 */
export function decodeStackFlat(key: string, flat: readonly string[]): StackRecord | null {
  const last = lastStacks.get(key);
  if (last !== undefined && sameStrings(last.flat, flat)) return last.record;
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i] as string] = flat[i + 1] as string;
  const record = decodeStack(key, hash);
  if (record === null) return null;
  if (last === undefined && lastStacks.size >= LAST_STACKS_KEPT) lastStacks.clear();
  lastStacks.set(key, { flat, record: deepFreeze(record) });
  return record;
}

/**
 * Append `[position, packed JSON, ...]` of a row patch to `out` - each field as its position
 * in ROW_FIELDS counted from 1 (shorter than its name; the scripts index rows by it), its
 * value as a packed row holds it (`<byte length>:<JSON>`, spliced into the stored row as is),
 * unknown and identity fields ignored; returns how many strings it appended (two per field).
 */
export function appendPatchPairs(out: Array<string | number>, patch: RowPatch): number {
  const from = out.length;
  const fields = patch as Readonly<Record<string, unknown>>;
  // for-in over a patch (a plain object literal) instead of Object.entries: no [field, value] list per field.
  for (const field in fields) {
    const value = fields[field];
    const at = value === undefined ? undefined : PATCHABLE.get(field);
    if (at !== undefined && Object.hasOwn(fields, field)) out.push(at, packedJson(value));
  }
  return out.length - from;
}

/** The stored text of a whole row: its fields' JSON in ROW_FIELDS order, packed. */
export function encodeRow(row: ResourceRow): string {
  return pack(ROW_FIELDS.map((field) => json(row[field])));
}

/**
 * `[rowId, packed row]` of a new row, version 1 and unlocked. Field by field: a spread of the
 * row over the never-checked defaults cost ~20 µs per row (V8's slow path), ten times this.
 */
export function newRowPairs(row: NewRow): string[] {
  // encodeRow({ ...NEVER_CHECKED_ROW, ...row, version: 1, lockHolder: null }) without the
  // spread and the list (a 100k create encodes 100k rows in the API process).
  const fields = row as unknown as Readonly<Record<string, unknown>>;
  const defaults = NEVER_CHECKED_ROW as Readonly<Record<string, unknown>>;
  let packed = "";
  for (const field of ROW_FIELDS) {
    const value = field === "version" ? 1 : field === "lockHolder" ? null : Object.hasOwn(fields, field) ? fields[field] : defaults[field];
    packed += packedJson(value);
  }
  return [row.id, packed];
}

/** Longest text of digits read without JSON.parse: every integer of up to 15 digits is exact in a double. */
const MAX_FAST_DIGITS = 15;

/** Whether `text` is a JSON integer of at most MAX_FAST_DIGITS digits (no sign, fraction or exponent). */
function isPlainInteger(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > MAX_FAST_DIGITS || (n > 1 && text.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Parse one stored field, with fast paths for what most fields hold: a JSON string without
 * escapes (its text between the quotes), null, a small non-negative integer (versions, times),
 * and empty lists and maps. `field` names the field in an error (`<at>:<field>` when `at` is
 * given: a row id); it is only built then.
 */
function parseField(key: string, at: string | null, field: string, text: string): unknown {
  const last = text.length - 1;
  if (last > 0 && text.charCodeAt(0) === 34 && text.charCodeAt(last) === 34 && !text.includes("\\")) return text.slice(1, last);
  if (isPlainInteger(text)) return Number(text);
  if (text === "null") return null;
  if (text === "[]") return [];
  if (text === "{}") return {};
  return parseStored(key, at === null ? field : `${at}:${field}`, text);
}

/** Check a decoded row's identity fields. @throws RuntimeError when corrupt */
function checkRow(key: string, rowId: string, out: Record<keyof ResourceRow, unknown>): ResourceRow {
  if (typeof out.version !== "number" || typeof out.id !== "string") {
    throw new RuntimeError(`corrupt row in Redis at ${key}: row ${rowId} has a bad id or version`);
  }
  return out as unknown as ResourceRow;
}

/** A row from its stored (packed) text. @throws RuntimeError when corrupt */
export function decodePackedRow(key: string, rowId: string, packed: string): ResourceRow {
  if (Buffer.byteLength(packed, "utf8") === packed.length) return decodeAsciiRow({ key, rowId, text: packed, count: spanRow(key, rowId, packed), plain: !packed.includes("\\") });
  let fields: string[];
  try {
    fields = unpack(key, packed);
  } catch (error) {
    // The field is named only when the text is corrupt (no label string per decoded row).
    throw new RuntimeError(errorMessage(error).replace(`at ${key}:`, `at ${key} field ${rowId}:`), { cause: error });
  }
  return decodeRow(key, rowId, fields);
}

/**
 * Start and end offsets of the fields of the packed row `spanRow` last walked (its scratch,
 * read by `decodeAsciiRow` right after, in the same synchronous step).
 */
const spans = new Int32Array(2 * ROW_FIELDS.length);

/**
 * Walk a packed row of one-byte characters: the offsets of its first ROW_FIELDS.length fields
 * into `spans`, the lengths of any further ones checked as `unpack` checks them; returns how
 * many fields it spans (at most ROW_FIELDS.length). @throws RuntimeError when a length is bad
 */
function spanRow(key: string, rowId: string, packed: string): number {
  let pos = 0;
  let count = 0;
  while (pos < packed.length) {
    const start = valueAt(packed, pos, key, rowId);
    if (count < ROW_FIELDS.length) {
      spans[2 * count] = start;
      spans[2 * count + 1] = start + valueLength;
      count++;
    }
    pos = start + valueLength;
  }
  return count;
}

/** A packed row of one-byte characters whose fields `spanRow` just spanned; `plain`: it has no backslash. */
interface SpannedRow {
  readonly key: string;
  readonly rowId: string;
  readonly text: string;
  readonly count: number;
  readonly plain: boolean;
}

/**
 * One property of a spanned row: a JSON string without escapes is sliced out of the row's
 * text at once (no slice of its JSON first), anything else parsed as `rowField` does.
 */
function spanField(row: SpannedRow, field: keyof ResourceRow): unknown {
  const i = AT[field];
  if (i >= row.count) return rowField(row.key, row.rowId, [], field);
  const start = spans[2 * i] as number;
  const end = spans[2 * i + 1] as number;
  const text = row.text;
  if (row.plain && end - start > 1 && text.charCodeAt(start) === 34 && text.charCodeAt(end - 1) === 34) return text.slice(start + 1, end - 1);
  return parseField(row.key, row.rowId, field, text.slice(start, end));
}

/** {@link decodeRow} of a spanned row: the same object literal, its fields read from the spans. */
function decodeAsciiRow(row: SpannedRow): ResourceRow {
  return checkRow(row.key, row.rowId, {
    id: spanField(row, "id"),
    name: spanField(row, "name"),
    type: spanField(row, "type"),
    templateId: spanField(row, "templateId"),
    physicalId: spanField(row, "physicalId"),
    properties: spanField(row, "properties"),
    attributes: spanField(row, "attributes"),
    action: spanField(row, "action"),
    status: spanField(row, "status"),
    statusReason: spanField(row, "statusReason"),
    requires: spanField(row, "requires"),
    replaces: spanField(row, "replaces"),
    replacedBy: spanField(row, "replacedBy"),
    createdTraversal: spanField(row, "createdTraversal"),
    deletionPolicy: spanField(row, "deletionPolicy"),
    lockHolder: spanField(row, "lockHolder"),
    version: spanField(row, "version"),
    updatedAt: spanField(row, "updatedAt"),
    checkStatus: spanField(row, "checkStatus"),
    driftedProperties: spanField(row, "driftedProperties"),
    checkedAt: spanField(row, "checkedAt"),
  });
}

/** Position of each row property in ROW_FIELDS (the order of stored and replied rows). */
const AT = Object.fromEntries(ROW_FIELDS.map((field, i) => [field, i])) as Readonly<Record<keyof ResourceRow, number>>;

/**
 * A row from its fields in ROW_FIELDS order (null entries = missing). Built as one object
 * literal, so every row has the same hidden class with in-object properties: a spread of a row
 * (`{ ...row, ...patch }`, core's row updates) then takes V8's fast path (~0.1 µs; a row built
 * by adding its properties one by one cost ~2.6 µs per spread). @throws RuntimeError when corrupt
 */
export function decodeRow(key: string, rowId: string, values: ReadonlyArray<string | null | undefined>): ResourceRow {
  return checkRow(key, rowId, {
    id: rowField(key, rowId, values, "id"),
    name: rowField(key, rowId, values, "name"),
    type: rowField(key, rowId, values, "type"),
    templateId: rowField(key, rowId, values, "templateId"),
    physicalId: rowField(key, rowId, values, "physicalId"),
    properties: rowField(key, rowId, values, "properties"),
    attributes: rowField(key, rowId, values, "attributes"),
    action: rowField(key, rowId, values, "action"),
    status: rowField(key, rowId, values, "status"),
    statusReason: rowField(key, rowId, values, "statusReason"),
    requires: rowField(key, rowId, values, "requires"),
    replaces: rowField(key, rowId, values, "replaces"),
    replacedBy: rowField(key, rowId, values, "replacedBy"),
    createdTraversal: rowField(key, rowId, values, "createdTraversal"),
    deletionPolicy: rowField(key, rowId, values, "deletionPolicy"),
    lockHolder: rowField(key, rowId, values, "lockHolder"),
    version: rowField(key, rowId, values, "version"),
    updatedAt: rowField(key, rowId, values, "updatedAt"),
    checkStatus: rowField(key, rowId, values, "checkStatus"),
    driftedProperties: rowField(key, rowId, values, "driftedProperties"),
    checkedAt: rowField(key, rowId, values, "checkedAt"),
  });
}

/**
 * One property of a row from its fields in ROW_FIELDS order (a function of the module, not a
 * closure per row: no field name is built unless it names an error). @throws RuntimeError when
 * a required field is missing or corrupt
 */
function rowField(key: string, rowId: string, values: ReadonlyArray<string | null | undefined>, field: keyof ResourceRow): unknown {
  const text = values[AT[field]];
  if (text !== null && text !== undefined) return parseField(key, rowId, field, text);
  if (field in OPTIONAL_ROW_FIELDS) return OPTIONAL_ROW_FIELDS[field];
  throw new RuntimeError(`corrupt row in Redis at ${key}: row ${rowId} has no ${field}`);
}
