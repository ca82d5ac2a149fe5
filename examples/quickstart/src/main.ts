/**
 * Quickstart: create a stack of three files whose contents reference each other's paths,
 * update one in place, then delete the stack - on the embedded memory runtime.
 *
 *   npm run quickstart
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine, createMemoryRuntime, type Engine, type Template } from "@converge/core";
import { TextFile } from "./file-type.js";

const template = (greeting: string): Template => ({
  description: "Three files: config points at data, index points at both",
  parameters: { dir: { type: "string" } },
  resources: {
    data: { type: "example:local:TextFile", properties: { dir: { get_param: "dir" }, name: "data.txt", content: greeting } },
    config: {
      type: "example:local:TextFile",
      properties: {
        dir: { get_param: "dir" },
        name: "config.json",
        content: { str_replace: { template: '{"data": "$DATA"}', params: { $DATA: { get_resource: "data" } } } },
      },
    },
    index: {
      type: "example:local:TextFile",
      properties: {
        dir: { get_param: "dir" },
        name: "index.txt",
        content: { list_join: ["\n", [{ get_attr: ["config", "path"] }, { get_resource: "data" }]] },
      },
      depends_on: "config",
    },
  },
  outputs: {
    index_path: { value: { get_attr: ["index", "path"] }, description: "where the index file is" },
    data_size: { value: { get_attr: ["data", "size"] } },
  },
});

async function follow(engine: Engine, name: string): Promise<void> {
  const done = await engine.waitForStack(name);
  for await (const event of engine.events(name)) {
    if (event.kind === "resource" && event.status !== "IN_PROGRESS") {
      console.log(`  ${event.resourceName?.padEnd(7)} ${event.action}_${event.status}  ${event.reason}`);
    }
  }
  console.log(`=> ${name}: ${done.deleted ? "deleted" : done.state}${done.deleted ? "" : ` (${done.statusReason})`}`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "converge-quickstart-"));
  const runtime = createMemoryRuntime();
  const engine = createEngine({ runtime, types: [TextFile] });
  try {
    console.log(`Creating stack "files" in ${dir}`);
    await engine.createStack("files", template("hello"), { parameters: { dir } });
    await follow(engine, "files");
    const created = await engine.getStack("files");
    console.log("outputs:", created.outputs);
    console.log(`index.txt:\n${await readFile(String(created.outputs.index_path), "utf8")}\n`);

    console.log("Updating data.txt in place");
    const before = (await engine.listResources("files")).length;
    await engine.updateStack("files", template("hello, world"));
    await engine.waitForStack("files");
    const updated = await engine.getStack("files");
    console.log(`=> ${updated.state}; outputs:`, updated.outputs, `(rows before ${before}, after ${(await engine.listResources("files")).length})`);

    console.log("\nDeleting the stack");
    await engine.deleteStack("files");
    const deleted = await engine.waitForStack("files");
    console.log(`=> deleted: ${deleted.deleted}; stacks left: ${JSON.stringify(await engine.listStacks())}`);
  } finally {
    await engine.close();
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
