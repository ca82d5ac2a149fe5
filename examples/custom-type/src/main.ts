/**
 * The custom type at work: two notes (the index links to the first through `get_attr`),
 * an in-place edit, a tag reorder the type's `diff` sees as no change, a rename that
 * replaces the note, then a delete.
 *
 *   npm start -w examples/custom-type
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createEngine, createMemoryRuntime } from "@converge/core";
import type { Engine, PreviewAction, Template } from "@converge/core";
import { Note } from "./note-type.js";

/** A notes stack: `first` and an `index` note that links to it. */
export function notesTemplate(dir: string, first: { slug: string; title: string; tags: string[] }): Template {
  return {
    heat_template_version: "2018-08-31",
    parameters: { key: { type: "string", hidden: true } },
    resources: {
      first: {
        type: "example:notes:Note",
        properties: { dir, slug: first.slug, title: first.title, body: "Converge converges stacks.", tags: first.tags, signing_key: { get_param: "key" } },
      },
      index: {
        type: "example:notes:Note",
        properties: {
          dir,
          slug: "index",
          title: "Index",
          body: { str_replace: { template: "see $PATH ($WORDS words)", params: { $PATH: { get_attr: ["first", "path"] }, $WORDS: { get_attr: ["first", "words"] } } } },
          signing_key: { get_param: "key" },
        },
      },
    },
    outputs: { first: { value: { get_resource: "first" } }, index_signature: { value: { get_attr: ["index", "signature"] } } },
  };
}

/** One step of the run: the preview of each resource, and the physical ids after it. */
export interface Step {
  readonly title: string;
  readonly preview: Readonly<Record<string, PreviewAction>>;
  readonly state: string;
  readonly files: readonly string[];
}

async function step(engine: Engine, dir: string, title: string, template: Template, print: (line: string) => void): Promise<Step> {
  const preview = Object.fromEntries((await engine.previewUpdate("notes", template)).resources.map((r) => [r.name, r.action]));
  print(`${title}: preview ${JSON.stringify(preview)}`);
  await engine.updateStack("notes", template);
  const done = await engine.waitForStack("notes");
  const files = (await readdir(dir)).sort();
  print(`  => ${done.state}; files: ${files.join(", ")}`);
  return { title, preview, state: done.state, files };
}

/** Run the example in `dir` (default: a temporary folder, removed afterwards). */
export async function main(options: { dir?: string; print?: (line: string) => void } = {}): Promise<Step[]> {
  const print = options.print ?? ((line: string) => console.log(line));
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "converge-notes-")));
  const runtime = createMemoryRuntime();
  const engine = createEngine({ runtime, types: [Note] });
  const steps: Step[] = [];
  try {
    await engine.createStack("notes", notesTemplate(dir, { slug: "hello", title: "Hello", tags: ["a", "b"] }), { parameters: { key: "correct horse battery" } });
    const created = await engine.waitForStack("notes");
    print(`create: ${created.state}; outputs ${JSON.stringify(created.outputs)}`);
    steps.push({ title: "create", preview: {}, state: created.state, files: (await readdir(dir)).sort() });
    steps.push(await step(engine, dir, "edit the title", notesTemplate(dir, { slug: "hello", title: "Hello, notes", tags: ["a", "b"] }), print));
    steps.push(await step(engine, dir, "reorder the tags", notesTemplate(dir, { slug: "hello", title: "Hello, notes", tags: ["b", "a", "b"] }), print));
    steps.push(await step(engine, dir, "rename the note", notesTemplate(dir, { slug: "greetings", title: "Hello, notes", tags: ["a", "b"] }), print));
    await engine.deleteStack("notes");
    await engine.waitForStack("notes");
    const left = await readdir(dir);
    print(`delete: stacks ${JSON.stringify(await engine.listStacks())}, files left ${JSON.stringify(left)}`);
    steps.push({ title: "delete", preview: {}, state: "DELETE_COMPLETE", files: left });
    return steps;
  } finally {
    await engine.close();
    await runtime.close();
    if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
