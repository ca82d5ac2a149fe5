/**
 * A resource type written from scratch: `example:notes:Note`, a signed note stored as a JSON
 * file `<dir>/<slug>.json`. It shows every part of the plugin API:
 *
 * - a zod property schema, with a secret property (`signing_key`);
 * - attributes (`path`, `signature`, `words`) other resources can `get_attr`;
 * - `updatable`: `title`, `body`, `tags` and `signing_key` change in place; a new `dir` or
 *   `slug` is another file, so it replaces the note (created before the old one is removed);
 * - `diff`: tags are a set, so reordering them is no change at all;
 * - `read`: reports what is on disk (drift), and lets the engine resume an interrupted create;
 * - an idempotent create (the same slug is the same file) and AbortSignal support.
 */
import { createHmac, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { AbortedError, ResourceError, defineResourceType } from "@converge/core";
import { z } from "zod";

/** The type name, as templates use it. */
export const NOTE_TYPE = "example:notes:Note";

const properties = z.object({
  /** Folder of the note file. */
  dir: z.string().min(1),
  /** File name without `.json`: lowercase letters, digits and dashes. */
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "slug: lowercase letters, digits and dashes"),
  /** Title. */
  title: z.string().min(1),
  /** Text. */
  body: z.string().default(""),
  /** Tags, a set: order and repeats do not matter. */
  tags: z.array(z.string().min(1)).default([]),
  /** Key the note is signed with (HMAC-SHA256). Secret: never stored in the file or shown. */
  signing_key: z.string().min(8, "signing_key: at least 8 characters"),
});

/** Resolved properties of a note. */
export type NoteProperties = z.output<typeof properties>;

/** What the note file holds. */
interface NoteFile {
  readonly title: string;
  readonly body: string;
  readonly tags: readonly string[];
  readonly signature: string;
}

const pathOf = (p: Pick<NoteProperties, "dir" | "slug">): string => resolve(join(p.dir, `${p.slug}.json`));
const tagSet = (tags: readonly string[]): string[] => [...new Set(tags)].sort();
const sign = (p: NoteProperties): string => createHmac("sha256", p.signing_key).update(`${p.title}\n${p.body}`).digest("hex");
const words = (body: string): number => body.split(/\s+/).filter((w) => w !== "").length;

async function write(p: NoteProperties, signal: AbortSignal): Promise<{ path: string; signature: string; words: number }> {
  if (signal.aborted) throw new AbortedError(`note ${p.slug}: aborted`);
  const path = pathOf(p);
  const note: NoteFile = { title: p.title, body: p.body, tags: tagSet(p.tags), signature: sign(p) };
  await mkdir(resolve(p.dir), { recursive: true });
  const temp = `${path}.${randomUUID()}.tmp`;
  await writeFile(temp, `${JSON.stringify(note, null, 2)}\n`, { signal });
  await rename(temp, path);
  return { path, signature: note.signature, words: words(p.body) };
}

/** `example:notes:Note`. */
export const Note = defineResourceType({
  type: NOTE_TYPE,
  description: "A signed note stored as a JSON file",
  properties,
  attributes: { path: "Absolute path of the note file.", signature: "HMAC-SHA256 of title and body.", words: "Words in the body." },
  updatable: ["title", "body", "tags", "signing_key"],
  secretProperties: ["signing_key"],
  idempotentCreate: true,
  async create(ctx) {
    const attributes = await write(ctx.properties, ctx.signal);
    ctx.logger.info("note written", { path: attributes.path });
    return { physicalId: attributes.path, attributes };
  },
  async update(ctx) {
    return { attributes: await write(ctx.properties, ctx.signal) };
  },
  async delete(ctx) {
    if (ctx.physicalId !== null) await rm(ctx.physicalId, { force: true });
  },
  async read(ctx) {
    const path = ctx.physicalId ?? pathOf(ctx.properties);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { exists: false };
      throw error;
    }
    let note: NoteFile;
    try {
      note = JSON.parse(text) as NoteFile;
    } catch {
      throw new ResourceError(`note file ${path} is not JSON; fix or remove it`);
    }
    // Without a physical id (a create interrupted before it was recorded), only a file with
    // exactly what this create writes counts as made by it.
    const desired = ctx.properties;
    const isThisCreate =
      note.title === desired.title && note.body === desired.body && note.signature === sign(desired) && JSON.stringify(note.tags) === JSON.stringify(tagSet(desired.tags));
    if (ctx.physicalId === null && !isThisCreate) return { exists: false };
    return {
      exists: true,
      physicalId: path,
      attributes: { path, signature: note.signature, words: words(note.body) },
      properties: { dir: ctx.properties.dir, slug: ctx.properties.slug, title: note.title, body: note.body, tags: [...note.tags] },
    };
  },
  diff(oldProps, newProps) {
    if (pathOf(oldProps) !== pathOf(newProps)) return "replace";
    const same =
      oldProps.title === newProps.title &&
      oldProps.body === newProps.body &&
      oldProps.signing_key === newProps.signing_key &&
      JSON.stringify(tagSet(oldProps.tags)) === JSON.stringify(tagSet(newProps.tags));
    return same ? "none" : "update";
  },
});
