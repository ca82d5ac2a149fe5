/**
 * Secrets are redacted where they are written: no view (getStack, listResources, events),
 * log line or memory snapshot shows a hidden parameter's value or a secret property, with or
 * without the types loaded, while the protocol keeps the real values (no spurious updates,
 * dependents get real inputs).
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createEngine } from "../src/engine/create-engine.js";
import type { Engine } from "../src/engine/create-engine.js";
import { createMemoryRuntime } from "../src/memory/memory-runtime.js";
import type { MemoryRuntime } from "../src/memory/memory-runtime.js";
import { parseMemorySnapshot } from "../src/memory/snapshot.js";
import type { StackEvent } from "../src/model/types.js";
import { defineResourceType } from "../src/plugin/define-resource-type.js";
import type { Logger } from "../src/plugin/types.js";
import { REDACTED } from "../src/engine/stack-view.js";
import { Reality } from "../src/testing/reality.js";
import { SCENARIO_TYPE, createScenarioType } from "../src/testing/scenario-type.js";
import type { Template } from "../src/template/types.js";

const SECRET = "hunter2-Sup3r-S3cret";
const TOKEN = "tok-4f1c-literal-token";
const VAULT = "test:secret:Vault";

/** A type with a secret property, an attribute that echoes it, and a create that fails with it in the message. */
function vaultType(made: Map<string, string>) {
  return defineResourceType({
    type: VAULT,
    properties: z.object({ name: z.string(), token: z.string() }),
    attributes: ["dsn"],
    updatable: ["token"],
    secretProperties: ["token"],
    async create(ctx) {
      if (ctx.properties.name === "fail") throw new Error(`login refused for token ${ctx.properties.token}`);
      ctx.logger.info(`creating with ${ctx.properties.token}`, { token: ctx.properties.token });
      made.set(ctx.idempotencyKey, ctx.properties.token);
      return { physicalId: `vault-${ctx.rowId}`, attributes: { dsn: `db://admin:${ctx.properties.token}@db` } };
    },
    async update(ctx) {
      made.set(ctx.idempotencyKey, ctx.properties.token);
      return { attributes: { dsn: `db://admin:${ctx.properties.token}@db` } };
    },
    async delete() {},
  });
}

const T = SCENARIO_TYPE;
const template: Template = {
  parameters: { pw: { type: "string", hidden: true }, name: { type: "string", default: "v" } },
  resources: {
    A: { type: T, properties: { a: { get_param: "pw" } } },
    B: { type: T, properties: { a: { str_replace: { template: "conn=$p;", params: { $p: { get_attr: ["A", "a"] } } } }, b: "plain" } },
    V: { type: VAULT, properties: { name: { get_param: "name" }, token: { get_param: "pw" } } },
    W: { type: VAULT, properties: { name: "w", token: TOKEN } },
    D: { type: T, properties: { a: { get_attr: ["W", "dsn"] } } },
  },
  outputs: {
    echoed: { value: { get_attr: ["B", "a"] } },
    direct: { value: { get_param: "pw" } },
    joined: { value: { list_join: ["-", ["x", { get_param: "pw" }]] } },
    dsn: { value: { get_attr: ["W", "dsn"] } },
  },
};

function setup() {
  const reality = new Reality();
  const made = new Map<string, string>();
  const runtime = createMemoryRuntime({ mode: "manual" });
  const logs: string[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") };
  const engine = createEngine({ runtime, types: [createScenarioType(reality), vaultType(made)], logger });
  const settle = async (name: string) => {
    await runtime.runUntilIdle();
    return engine.waitForStack(name);
  };
  return { reality, made, runtime, engine, settle, logs };
}

async function collect(iterable: AsyncIterable<StackEvent>): Promise<StackEvent[]> {
  const out: StackEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

/** Everything a user can see of a stack, as JSON text. */
async function dump(engine: Engine, runtime: MemoryRuntime, name: string, logs: readonly string[]): Promise<Record<string, string>> {
  return {
    getStack: JSON.stringify(await engine.getStack(name)),
    listResources: JSON.stringify(await engine.listResources(name)),
    events: JSON.stringify(await collect(engine.events(name))),
    snapshot: JSON.stringify(runtime.snapshot()),
    logs: logs.join("\n"),
  };
}

function expectNoSecret(views: Record<string, string>, ...secrets: string[]): void {
  for (const [view, text] of Object.entries(views)) {
    for (const secret of secrets) expect(text.includes(secret), `${view} shows ${secret}`).toBe(false);
  }
}

describe("secrets", () => {
  it("never shows a hidden parameter or a secret property, while the protocol uses the real values", async () => {
    const { engine, runtime, reality, made, settle, logs } = setup();
    await engine.createStack("s", template, { parameters: { pw: SECRET } });
    const done = await settle("s");
    expect(done.state).toBe("CREATE_COMPLETE");
    // Reality and the dependents have the real values.
    expect(reality.live("A")[0]?.entry.properties.a).toBe(SECRET);
    expect(reality.live("B")[0]?.entry.properties.a).toBe(`conn=${SECRET};`);
    expect([...made.values()].sort()).toEqual([SECRET, TOKEN].sort());
    // The views show them redacted.
    expect(done.outputs).toEqual({ echoed: `conn=${REDACTED};`, direct: REDACTED, joined: REDACTED, dsn: `db://admin:${REDACTED}@db` });
    const rows = await engine.listResources("s");
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get("A")?.properties).toEqual({ a: REDACTED });
    expect(byName.get("A")?.attributes).toEqual({ a: REDACTED, "!a": null });
    expect(byName.get("B")?.properties).toEqual({ a: `conn=${REDACTED};`, b: "plain" });
    expect(byName.get("W")?.properties).toEqual({ name: "w", token: REDACTED });
    // A secret property echoed by an attribute reaches a dependent for real, and redacted in its row.
    expect(reality.live("D")[0]?.entry.properties.a).toBe(`db://admin:${TOKEN}@db`);
    expect(byName.get("D")?.properties).toEqual({ a: `db://admin:${REDACTED}@db` });
    expect(logs.some((l) => l.includes(`creating with ${REDACTED}`))).toBe(true);
    expectNoSecret(await dump(engine, runtime, "s", logs), SECRET, TOKEN);

    // The same template again (parameters kept from the stack): nothing changed, no plugin call.
    const calls = reality.calls.length;
    const writes = made.size;
    await engine.updateStack("s", template);
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
    expect(reality.calls.slice(calls)).toEqual([]);
    expect(made.size).toBe(writes);

    // A new hidden value does update, in place, with the real value.
    const next = `${SECRET}-rotated`;
    await engine.updateStack("s", template, { parameters: { pw: next } });
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
    expect(reality.calls.slice(calls).map((c) => `${c.op}:${c.name}`).sort()).toEqual(["update:A", "update:B"]);
    expect(reality.live("B")[0]?.entry.properties.a).toBe(`conn=${next};`);
    expect([...made.values()]).toContain(next);
    expectNoSecret(await dump(engine, runtime, "s", logs), SECRET, next, TOKEN);
  });

  it("redacts a plugin error that contains a secret in row and stack reasons, events and logs", async () => {
    const { engine, runtime, settle, logs } = setup();
    await engine.createStack("f", template, { parameters: { pw: SECRET, name: "fail" }, disableRollback: true });
    const done = await settle("f");
    expect(done.state).toBe("CREATE_FAILED");
    expect(done.statusReason).toContain(`login refused for token ${REDACTED}`);
    const failed = (await engine.listResources("f")).find((r) => r.name === "V");
    expect(failed?.statusReason).toContain(`token ${REDACTED}`);
    expectNoSecret(await dump(engine, runtime, "f", logs), SECRET, TOKEN);
  });

  it("shows no secret property to an engine without the types loaded", async () => {
    const { engine, runtime, settle } = setup();
    await engine.createStack("s", template, { parameters: { pw: SECRET } });
    expect((await settle("s")).state).toBe("CREATE_COMPLETE");
    const reader = createEngine({ runtime, types: [], worker: false });
    const views = {
      getStack: JSON.stringify(await reader.getStack("s")),
      listResources: JSON.stringify(await reader.listResources("s")),
      events: JSON.stringify(await collect(reader.events("s"))),
    };
    expectNoSecret(views, SECRET, TOKEN);
    await reader.close();
  });

  it("reuses the sealed stored parameters after a restore: no change, and the preview agrees", async () => {
    const { engine, runtime, reality, settle } = setup();
    await engine.createStack("s", template, { parameters: { pw: SECRET } });
    await settle("s");
    const restored = createMemoryRuntime({ mode: "manual", state: parseMemorySnapshot(JSON.parse(JSON.stringify(runtime.snapshot()))) });
    const again = createEngine({ runtime: restored, types: [createScenarioType(reality), vaultType(new Map())] });
    const calls = reality.calls.length;
    await again.updateStack("s", template);
    await restored.runUntilIdle();
    expect((await again.waitForStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(reality.calls.slice(calls)).toEqual([]);
    const preview = await again.previewUpdate("s", template);
    expect(preview.resources.map((r) => r.action)).toEqual(["no_change", "no_change", "no_change", "no_change", "no_change"]);
    await again.close();
  });
});
