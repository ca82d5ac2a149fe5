/**
 * Checks of valid JSON text that `JSON.parse` does not make: a key repeated in one object
 * (`JSON.parse` silently keeps the last, YAML templates reject it) and nesting deeper than the
 * template limit. Linear, iterative scans of the text, run after `JSON.parse` succeeded.
 */
import { joinPath } from "./plain-data.js";

/** A structural problem of valid JSON text. */
export interface JsonStructureProblem {
  /** `duplicate-key`: a key repeated in one object; `too-deep`: nested past the limit. */
  readonly kind: "duplicate-key" | "too-deep";
  /** 0-based offset of the repeated key, or of the container past the limit. */
  readonly offset: number;
  /** Dotted template path of the repeated key, or of the container past the limit. */
  readonly path: string;
}

/** An open object or array of the scan. */
interface Frame {
  /** True for an object, false for an array. */
  readonly object: boolean;
  /** The keys seen so far (objects, when looking for duplicates: a list while short, then a set). */
  keys: string[] | Set<string> | null;
  /** The current key (objects) or index (arrays). */
  member: string | number;
}

// Objects with more keys than this remember them in a set rather than a list.
const SHORT = 8;

/**
 * The first repeated key or the first object/array nested more than `maxDepth` levels deep
 * (the outermost value is level 1) in `text`, which must be valid JSON and `value` what
 * `JSON.parse` made of it; null when neither. The common case costs one scan that counts the
 * keys of the text (allocating almost nothing) and one count of the keys of `value`: they
 * differ exactly when a key was repeated; only then, or when the text nests too deep, a second
 * scan that records the keys finds where.
 */
export function findJsonStructureProblem(text: string, value: unknown, maxDepth: number): JsonStructureProblem | null {
  const counted = scan(text, maxDepth, false);
  if (typeof counted === "number" && counted === countKeys(value)) return null;
  const found = scan(text, maxDepth, true);
  return typeof found === "number" ? null : found;
}

/**
 * One pass over valid JSON text: the first problem, else the number of keys in the text.
 * Only when `detailed` is set are keys recorded: repeated keys found and paths exact.
 */
function scan(text: string, maxDepth: number, detailed: boolean): JsonStructureProblem | number {
  const stack: Frame[] = [];
  const n = text.length;
  let keyCount = 0;
  let expectKey = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c <= 0x20) {
      i++;
    } else if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      if (expectKey) {
        keyCount++;
        expectKey = false;
        const top = stack[stack.length - 1] as Frame;
        if (detailed) {
          const raw = text.slice(i + 1, end - 1);
          const key = raw.includes("\\") ? (JSON.parse(text.slice(i, end)) as string) : raw;
          top.member = key;
          if (!remember(top, key)) return { kind: "duplicate-key", offset: i, path: pathOf(stack) };
        }
      }
      i = end;
    } else {
      if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
        if (stack.length >= maxDepth) return { kind: "too-deep", offset: i, path: pathOf(stack) };
        expectKey = c === 0x7b;
        stack.push({ object: expectKey, keys: expectKey && detailed ? [] : null, member: expectKey ? "" : 0 });
      } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        stack.pop();
        expectKey = false;
      } else if (c === 0x2c /* , */) {
        const top = stack[stack.length - 1] as Frame;
        if (top.object) expectKey = true;
        else top.member = (top.member as number) + 1;
      }
      i++;
    }
  }
  return keyCount;
}

/** The number of keys of every object in a JSON value (iterative). */
function countKeys(value: unknown): number {
  let count = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v !== "object" || v === null) continue;
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === "object" && item !== null) pending.push(item);
      continue;
    }
    for (const key in v) {
      count++;
      const item = (v as Record<string, unknown>)[key];
      if (typeof item === "object" && item !== null) pending.push(item);
    }
  }
  return count;
}

/** The offset just past the string token starting at `text[start] === '"'`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end + 1;
    end = text.indexOf('"', end + 1);
  }
}

/** Add `key` to the frame's keys; false when it is already there. */
function remember(frame: Frame, key: string): boolean {
  const keys = frame.keys as string[] | Set<string>;
  if (Array.isArray(keys)) {
    if (keys.includes(key)) return false;
    keys.push(key);
    if (keys.length > SHORT) frame.keys = new Set(keys);
    return true;
  }
  if (keys.has(key)) return false;
  keys.add(key);
  return true;
}

function pathOf(stack: readonly Frame[]): string {
  return stack.reduce<string>((path, frame) => joinPath(path, frame.member), "");
}
