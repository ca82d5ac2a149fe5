/**
 * Checks of valid JSON text that `JSON.parse` does not make: a key repeated in one object
 * (`JSON.parse` silently keeps the last, YAML templates reject it) and nesting deeper than the
 * template limit. One linear, iterative pass over the text, run after `JSON.parse` succeeded.
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
  /** The keys seen so far (objects), null for arrays. */
  readonly keys: Set<string> | null;
  /** The current key (objects) or index (arrays). */
  member: string | number;
}

// A whole JSON string token (the text is known to be valid JSON).
const STRING = /"[^"\\]*(?:\\.[^"\\]*)*"/y;

/**
 * The first repeated key or the first object/array nested more than `maxDepth` levels deep
 * (the outermost value is level 1) in `text`, which must be valid JSON; null when neither.
 */
export function findJsonStructureProblem(text: string, maxDepth: number): JsonStructureProblem | null {
  const stack: Frame[] = [];
  const n = text.length;
  let expectKey = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      STRING.lastIndex = i;
      STRING.test(text);
      const end = STRING.lastIndex;
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys != null) {
        const raw = text.slice(i + 1, end - 1);
        const key = raw.includes("\\") ? (JSON.parse(text.slice(i, end)) as string) : raw;
        top.member = key;
        if (top.keys.has(key)) return { kind: "duplicate-key", offset: i, path: pathOf(stack) };
        top.keys.add(key);
        expectKey = false;
      }
      i = end;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return { kind: "too-deep", offset: i, path: pathOf(stack) };
      const object = c === 0x7b;
      stack.push({ keys: object ? new Set() : null, member: object ? "" : 0 });
      expectKey = object;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top !== undefined) {
        if (top.keys === null) top.member = (top.member as number) + 1;
        else expectKey = true;
      }
    }
    i++;
  }
  return null;
}

function pathOf(stack: readonly Frame[]): string {
  return stack.reduce<string>((path, frame) => joinPath(path, frame.member), "");
}
