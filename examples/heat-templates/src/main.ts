/**
 * Runs the HOT templates of `templates/` unchanged with the Heat-compatible types of
 * `@converge/plugins`: each is created, updated with new parameter values (reporting which
 * resources kept their physical id and which were replaced), then deleted. The composed one
 * (`templates/composed/`) passes its environment and the files its templates name, as Heat's
 * API takes them (`converge apply -e` reads the same tree from disk).
 *
 *   npm start -w examples/heat-templates                      # every template
 *   npm start -w examples/heat-templates -- stubbed-server    # one of them
 */
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { createEngine, createMemoryRuntime } from "@converge/core";
import type { Engine, StackInfo } from "@converge/core";
import { None, RandomString, TestResource, Value } from "@converge/plugins";

/** A template and the parameter values of its create and of each following update. */
export interface Scenario {
  /** File name in `templates/`, without `.yaml`. */
  readonly template: string;
  /** What the run shows. */
  readonly about: string;
  /** An environment file in `templates/` (Heat's `-e` format). */
  readonly environment?: string;
  /** The files the template tree names, relative to the template's directory (its `files`). */
  readonly files?: readonly string[];
  readonly create: Readonly<Record<string, unknown>>;
  readonly updates: readonly Readonly<Record<string, unknown>>[];
}

/** The runs of the example. */
export const scenarios: readonly Scenario[] = [
  {
    template: "random-password",
    about: "a new db_user rebuilds the connection URL but keeps the password; a new rotation makes a new password",
    create: {},
    updates: [{ db_user: "reporting" }, { db_user: "reporting", rotation: "2" }],
  },
  {
    template: "test-resource-chain",
    about: "a new value flows down the chain in place; with replace_middle the middle resource is replaced",
    create: { base_value: "one" },
    updates: [{ base_value: "two" }, { base_value: "three", replace_middle: true }],
  },
  {
    template: "stubbed-server",
    about: "the stub never changes; the marker that reads it is updated in place",
    create: {},
    updates: [{ flavor: "m1.large", networks: "admin" }],
  },
  {
    template: "conditional-app",
    about: "in prod a monitor exists and the settings say 3 replicas; back in test the monitor is deleted",
    create: {},
    updates: [{ env: "prod" }, { env: "test" }],
  },
  {
    template: "composed/web-tier",
    about:
      "a database template behind a registry alias and a group of web-server templates; scaling to 4 adds one member, a new db_size updates the database server and every member's config in place",
    environment: "composed/prod-env.yaml",
    files: ["nested/database.yaml", "nested/web-server.yaml", "nested/web.conf"],
    create: {},
    updates: [{ web_count: 4 }, { web_count: 4, db_size: 20 }],
  },
];

/** What one stack state looked like. */
export interface Snapshot {
  readonly state: string;
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Physical id per resource name. */
  readonly ids: Readonly<Record<string, string | null>>;
}

/** The text of a template of this example. */
export function templateText(name: string): Promise<string> {
  return readFile(new URL(`../templates/${name}.yaml`, import.meta.url), "utf8");
}

/** A scenario's environment and files, as the engine API takes them. */
export async function scenarioInputs(scenario: Scenario): Promise<{ environment?: string; files?: Record<string, string> }> {
  const read = (path: string): Promise<string> => readFile(new URL(`../templates/${path}`, import.meta.url), "utf8");
  const base = dirname(scenario.template);
  const files: Record<string, string> = {};
  for (const name of scenario.files ?? []) files[name] = await read(`${base}/${name}`);
  return {
    ...(scenario.environment === undefined ? {} : { environment: await read(scenario.environment) }),
    ...(scenario.files === undefined ? {} : { files }),
  };
}

async function snapshot(engine: Engine, name: string, info: StackInfo): Promise<Snapshot> {
  const rows = (await engine.listResources(name)).filter((r) => r.state !== "DELETE_COMPLETE");
  return { state: info.state, outputs: info.outputs, ids: Object.fromEntries(rows.map((r) => [r.name, r.physicalId])) };
}

/** Create, update and delete one scenario's stack; returns a snapshot after each step. */
export async function runScenario(scenario: Scenario, print: (line: string) => void = () => undefined): Promise<Snapshot[]> {
  const runtime = createMemoryRuntime();
  const engine = createEngine({ runtime, types: [TestResource, RandomString, None, Value] });
  const text = await templateText(scenario.template);
  const inputs = await scenarioInputs(scenario);
  const name = scenario.template.slice(scenario.template.lastIndexOf("/") + 1);
  const shots: Snapshot[] = [];
  try {
    print(`\n## ${scenario.template}.yaml: ${scenario.about}`);
    await engine.createStack(name, text, { parameters: scenario.create, ...inputs });
    shots.push(await snapshot(engine, name, await engine.waitForStack(name)));
    print(`create ${JSON.stringify(scenario.create)} => ${shots[0]?.state}`);
    print(`  outputs ${JSON.stringify(shots[0]?.outputs)}`);
    for (const parameters of scenario.updates) {
      const before = shots[shots.length - 1] as Snapshot;
      await engine.updateStack(name, text, { parameters, ...inputs });
      const after = await snapshot(engine, name, await engine.waitForStack(name));
      shots.push(after);
      const fate = Object.keys(after.ids).map((r) => `${r} ${before.ids[r] === undefined ? "created" : before.ids[r] === after.ids[r] ? "kept" : "replaced"}`);
      print(`update ${JSON.stringify(parameters)} => ${after.state}: ${fate.join(", ")}`);
      print(`  outputs ${JSON.stringify(after.outputs)}`);
    }
    await engine.deleteStack(name);
    const deleted = await engine.waitForStack(name);
    print(`delete => ${deleted.deleted ? "deleted" : deleted.state}`);
    return shots;
  } finally {
    await engine.close();
    await runtime.close();
  }
}

/** Run the scenarios whose template names are given (all when none). */
export async function main(names: readonly string[] = [], print: (line: string) => void = (line) => console.log(line)): Promise<Map<string, Snapshot[]>> {
  const unknown = names.filter((n) => !scenarios.some((s) => s.template === n));
  if (unknown.length > 0) throw new Error(`unknown template ${unknown.join(", ")} (known: ${scenarios.map((s) => s.template).join(", ")})`);
  const results = new Map<string, Snapshot[]>();
  for (const scenario of scenarios) {
    if (names.length === 0 || names.includes(scenario.template)) results.set(scenario.template, await runScenario(scenario, print));
  }
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
