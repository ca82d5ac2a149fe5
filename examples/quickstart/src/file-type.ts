/**
 * A resource type defined right in the example: a text file in a folder. Its physical id is
 * the file's path; changing `content` updates the file in place, changing `name` or `dir`
 * replaces it (a new file is written before the old one is removed).
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defineResourceType } from "@converge/core";
import { z } from "zod";

/** `example:local:TextFile` — properties `dir`, `name`, `content`; attributes `path`, `size`. */
export const TextFile = defineResourceType({
  type: "example:local:TextFile",
  description: "A text file on the local disk",
  properties: z.object({
    dir: z.string().min(1),
    name: z.string().regex(/^[\w.-]+$/, "a plain file name"),
    content: z.string().default(""),
  }),
  attributes: ["path", "size"],
  updatable: ["content"],
  async create(ctx) {
    const path = join(ctx.properties.dir, ctx.properties.name);
    await mkdir(ctx.properties.dir, { recursive: true });
    await writeFile(path, ctx.properties.content, { flag: "w" });
    return { physicalId: path, attributes: { path, size: Buffer.byteLength(ctx.properties.content) } };
  },
  async update(ctx) {
    await writeFile(ctx.physicalId, ctx.properties.content);
    return { attributes: { path: ctx.physicalId, size: Buffer.byteLength(ctx.properties.content) } };
  },
  async delete(ctx) {
    if (ctx.physicalId !== null) await rm(ctx.physicalId, { force: true });
  },
  async read(ctx) {
    if (ctx.physicalId === null) return { exists: false };
    try {
      const content = await readFile(ctx.physicalId, "utf8");
      return { exists: true, physicalId: ctx.physicalId, attributes: { path: ctx.physicalId, size: Buffer.byteLength(content) } };
    } catch {
      return { exists: false };
    }
  },
});
