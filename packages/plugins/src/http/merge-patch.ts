/**
 * JSON Merge Patch (RFC 7396): the patch that turns one JSON document into another, as a
 * PATCH update sends it.
 */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The merge patch from `before` to `after`: changed and added keys with their new values,
 * removed keys as null, nested objects recursively. Arrays and other values are replaced
 * whole; when either side is not an object the patch is `after` itself.
 */
export function mergePatch(before: unknown, after: unknown): unknown {
  if (!isObject(before) || !isObject(after)) return after;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(before)) if (!Object.prototype.hasOwnProperty.call(after, key)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    const old = Object.prototype.hasOwnProperty.call(before, key) ? before[key] : undefined;
    if (old === undefined) patch[key] = value;
    else if (isObject(old) && isObject(value)) {
      const inner = mergePatch(old, value) as Record<string, unknown>;
      if (Object.keys(inner).length > 0) patch[key] = inner;
    } else if (JSON.stringify(old) !== JSON.stringify(value)) patch[key] = value;
  }
  return patch;
}
