/**
 * A small JSON path: dotted keys with optional `[index]` or `["key"]` steps, an optional
 * leading `$`. Examples: `id`, `data.id`, `$.items[0].id`, `meta["x-id"]`, `items.0.id`.
 */

/** One step of a parsed path. */
export type PathStep = string | number;

/** Parse a path into steps. @throws Error on malformed paths (unclosed bracket, empty key). */
export function parseJsonPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  let rest = path.trim().replace(/^\$\.?/, "");
  if (rest === "") return steps;
  const token = /^(?:\.?([^.[\]]+)|\[(\d+)\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*'([^']*)'\s*\])/;
  while (rest.length > 0) {
    const m = token.exec(rest);
    if (m === null) throw new Error(`malformed JSON path ${JSON.stringify(path)} near ${JSON.stringify(rest)}`);
    if (m[1] !== undefined) steps.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(m[3] !== undefined ? (JSON.parse(`"${m[3]}"`) as string) : (m[4] as string));
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** The value at `path` in `value`, or undefined when some step is missing. */
export function getJsonPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const step of parseJsonPath(path)) {
    if (current === null || typeof current !== "object") return undefined;
    if (Array.isArray(current)) {
      if (typeof step !== "number") return undefined;
      current = current[step];
    } else {
      current = Object.prototype.hasOwnProperty.call(current, String(step)) ? (current as Record<string, unknown>)[String(step)] : undefined;
    }
  }
  return current;
}
