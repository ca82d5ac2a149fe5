/**
 * `converge:local:File`: a file on the local disk, with its content and (optionally) mode.
 * Its physical id is the file's absolute path.
 */
import { createHash, randomUUID } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { AbortedError, UpdateReplace, defineResourceType } from "@converge/core";
import type { ResourceType } from "@converge/core";
import { z } from "zod";
import { fileModeSchema, formatFileMode } from "./file-mode.js";

/** Type name of {@link LocalFile}. */
export const LOCAL_FILE_TYPE = "converge:local:File";

const properties = z.object({
  /** Where the file is (relative paths resolve against the worker's current directory). */
  path: z.string().min(1, "path must not be empty"),
  /** The file's text content (UTF-8). */
  content: z.string().default(""),
  /** Permission bits: "0644", "644", "0o644" or 644. Left to the system default when absent. */
  mode: fileModeSchema().optional(),
});

/** Resolved properties of {@link LocalFile}. */
export type LocalFileProperties = z.output<typeof properties>;

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException | null)?.code === "ENOENT";

const attributesOf = (path: string, content: string) => ({
  path,
  size: Buffer.byteLength(content),
  sha256: createHash("sha256").update(content).digest("hex"),
});

const aborted = (path: string, signal: AbortSignal, what = "write"): AbortedError =>
  new AbortedError(`${what} of ${path} aborted: ${String(signal.reason)}`);

/** Write `content` to `path` atomically (temporary file + rename), then apply `mode`. */
async function writeAtomically(path: string, content: string, mode: string | undefined, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw aborted(path, signal);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomUUID()}.converge-tmp`;
  try {
    await writeFile(temp, content, { signal });
    if (mode !== undefined) await chmod(temp, parseInt(mode, 8));
    if (signal.aborted) throw aborted(path, signal);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    if (signal.aborted) throw aborted(path, signal);
    throw error;
  }
}

/**
 * `converge:local:File`.
 *
 * - properties: `path` (required), `content` (default ""), `mode` (optional; octal string or
 *   number, stored as "0644").
 * - attributes: `path` (absolute), `size` (bytes), `sha256` (of the content).
 * - physical id (and `get_resource`): the absolute path.
 * - replacement: when `path` names another file (the new file is written before the old
 *   one is removed); a `path` spelled differently that resolves to the same file, `content`
 *   and `mode` are updated in place.
 * - `read` detects drift: a missing file reads as gone; otherwise it reports the current
 *   content (and mode, when one is managed) as the resource's properties, so a file edited
 *   by hand shows as drift in `content` (or `mode`). `path` is reported as given when it
 *   names the file read, else as the file's absolute path (a file imported from elsewhere
 *   shows as drift in `path`, which replaces it). With no physical id (a create interrupted
 *   before it returned) it reports gone: the create is idempotent and simply runs again.
 * - create writes atomically and overwrites a file already at the path; deleting a missing
 *   file succeeds. Writes honour the AbortSignal.
 */
export const LocalFile: ResourceType<typeof properties, "path" | "size" | "sha256"> = defineResourceType({
  type: LOCAL_FILE_TYPE,
  description: "A file on the local disk",
  properties,
  attributes: { path: "Absolute path of the file.", size: "Size of the content in bytes.", sha256: "SHA-256 of the content (hex)." },
  updatable: "all",
  idempotentCreate: true,
  async create(ctx) {
    const path = resolve(ctx.properties.path);
    await writeAtomically(path, ctx.properties.content, ctx.properties.mode, ctx.signal);
    return { physicalId: path, attributes: attributesOf(path, ctx.properties.content) };
  },
  async update(ctx) {
    if (resolve(ctx.properties.path) !== ctx.physicalId) throw new UpdateReplace(`${ctx.resourceName}: the file moves to another path`);
    await writeAtomically(ctx.physicalId, ctx.properties.content, ctx.properties.mode, ctx.signal);
    return { attributes: attributesOf(ctx.physicalId, ctx.properties.content) };
  },
  async delete(ctx) {
    if (ctx.physicalId === null) return;
    await rm(ctx.physicalId, { force: true });
  },
  async read(ctx) {
    if (ctx.physicalId === null) return { exists: false };
    const path = ctx.physicalId;
    if (ctx.signal.aborted) throw aborted(path, ctx.signal, "read");
    try {
      const [content, info] = await Promise.all([readFile(path, { encoding: "utf8", signal: ctx.signal }), stat(path)]);
      const mode = ctx.properties.mode === undefined ? {} : { mode: formatFileMode(info.mode) };
      const given = resolve(ctx.properties.path) === path ? ctx.properties.path : path;
      return { exists: true, physicalId: path, attributes: attributesOf(path, content), properties: { path: given, content, ...mode } };
    } catch (error) {
      if (ctx.signal.aborted) throw aborted(path, ctx.signal, "read");
      if (isMissing(error)) return { exists: false };
      throw error;
    }
  },
  diff(oldProps, newProps) {
    if (resolve(oldProps.path) !== resolve(newProps.path)) return "replace";
    const same = oldProps.path === newProps.path && oldProps.content === newProps.content && oldProps.mode === newProps.mode;
    return same ? "none" : "update";
  },
});
