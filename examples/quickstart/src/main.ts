/**
 * Quickstart: a stack of files whose contents reference each other and a generated secret,
 * built from the ready-made types of `@converge/plugins` on the embedded memory runtime.
 * It creates the stack, updates one file in place, then deletes everything.
 *
 *   npm install && npm run quickstart
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createEngine, createMemoryRuntime } from "@converge/core";
import type { Engine, MemoryRuntime, StackInfo, Template } from "@converge/core";
import { LocalFile, RandomString, Value } from "@converge/plugins";

/** The quickstart template (HOT): a secret, a settings value and three files. */
export const template: Template = {
  heat_template_version: "2018-08-31",
  description: "Three files: config points at data and holds a generated API key, index points at both",
  parameters: {
    dir: { type: "string", description: "Folder the files are written to" },
    greeting: { type: "string", default: "hello" },
  },
  resources: {
    api_key: { type: "OS::Heat::RandomString", properties: { length: 24, character_classes: [{ class: "lettersdigits", min: 20 }] } },
    settings: { type: "OS::Heat::Value", properties: { type: "json", value: { service: "quickstart", replicas: 2 } } },
    data: {
      type: "converge:local:File",
      properties: { path: { list_join: ["/", [{ get_param: "dir" }, "data.txt"]] }, content: { get_param: "greeting" } },
    },
    config: {
      type: "converge:local:File",
      properties: {
        path: { list_join: ["/", [{ get_param: "dir" }, "config.json"]] },
        mode: "0600",
        content: {
          str_replace: {
            template: '{"data": "$DATA", "api_key": "$KEY", "replicas": $REPLICAS}',
            params: { $DATA: { get_resource: "data" }, $KEY: { get_attr: ["api_key", "value"] }, $REPLICAS: { get_attr: ["settings", "value", "replicas"] } },
          },
        },
      },
    },
    index: {
      type: "converge:local:File",
      properties: {
        path: { list_join: ["/", [{ get_param: "dir" }, "index.txt"]] },
        content: { list_join: ["\n", [{ get_attr: ["config", "path"] }, { get_resource: "data" }]] },
      },
      depends_on: "config",
    },
  },
  outputs: {
    index_path: { value: { get_attr: ["index", "path"] }, description: "where the index file is" },
    data_size: { value: { get_attr: ["data", "size"] } },
    config_sha256: { value: { get_attr: ["config", "sha256"] } },
  },
};

/** Where the quickstart writes its lines. */
export type Print = (line: string) => void;

/** What one run saw (for its test). */
export interface QuickstartResult {
  readonly created: StackInfo;
  readonly updated: StackInfo;
  readonly deleted: StackInfo;
  /** Physical ids by resource name after the create and after the update. */
  readonly idsBefore: Readonly<Record<string, string | null>>;
  readonly idsAfter: Readonly<Record<string, string | null>>;
  /** Content of data.txt after the update. */
  readonly dataAfter: string;
}

/** Wait for the stack, print the resource events since `after`, and the outcome. */
async function report(engine: Engine, runtime: MemoryRuntime, name: string, stackId: string, print: Print, after: string | null): Promise<{ info: StackInfo; last: string | null }> {
  const info = await engine.waitForStack(name);
  let last = after;
  // Read through the runtime's store: a deleted stack's events stay readable there.
  for (const event of await runtime.store.readEvents(stackId, after)) {
    last = event.seq;
    if (event.kind === "resource" && event.status !== "IN_PROGRESS") {
      print(`  ${(event.resourceName ?? "").padEnd(8)} ${`${event.action}_${event.status}`.padEnd(16)} ${event.reason}`);
    }
  }
  print(`=> ${name}: ${info.deleted ? "deleted" : `${info.state} (${info.statusReason})`}`);
  return { info, last };
}

const physicalIds = async (engine: Engine, name: string): Promise<Record<string, string | null>> =>
  Object.fromEntries((await engine.listResources(name)).map((r) => [r.name, r.physicalId]));

/** Run the quickstart in `dir` (default: a fresh temporary folder, removed at the end). */
export async function main(options: { dir?: string; print?: Print } = {}): Promise<QuickstartResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "converge-quickstart-")));
  const runtime = createMemoryRuntime();
  const engine = createEngine({ runtime, types: [LocalFile, RandomString, Value] });
  try {
    print(`Creating stack "files" in ${dir}`);
    const { id } = await engine.createStack("files", template, { parameters: { dir } });
    const created = await report(engine, runtime, "files", id, print, null);
    print(`outputs: ${JSON.stringify(created.info.outputs)}`);
    print(`index.txt:\n${await readFile(String(created.info.outputs.index_path), "utf8")}\n`);
    const idsBefore = await physicalIds(engine, "files");

    print('Updating the greeting: data.txt changes in place, nothing else needs to');
    for (const entry of (await engine.previewUpdate("files", template, { parameters: { dir, greeting: "hello, world" } })).resources) {
      print(`  preview  ${entry.name.padEnd(8)} ${entry.action}`);
    }
    await engine.updateStack("files", template, { parameters: { dir, greeting: "hello, world" } });
    const updated = await report(engine, runtime, "files", id, print, created.last);
    const idsAfter = await physicalIds(engine, "files");
    const dataAfter = await readFile(join(dir, "data.txt"), "utf8");
    print(`data.txt now says "${dataAfter}"; same physical ids: ${JSON.stringify(idsBefore) === JSON.stringify(idsAfter)}`);

    print("\nDeleting the stack");
    await engine.deleteStack("files");
    const deleted = await report(engine, runtime, "files", id, print, updated.last);
    print(`stacks left: ${JSON.stringify(await engine.listStacks())}`);
    return { created: created.info, updated: updated.info, deleted: deleted.info, idsBefore, idsAfter, dataAfter };
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
