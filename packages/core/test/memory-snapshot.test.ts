/**
 * Memory-runtime snapshots: a runtime saved as JSON and restored in a "new process" (a new
 * runtime and a new engine) carries on where the old one stopped - finished stacks stay
 * readable and updatable, a traversal in flight resumes (queued checks, a check that was
 * running, a row locked by the engine that is gone), the watchdog resumes a traversal whose
 * queue was lost, and timers survive. Corrupt or foreign snapshots are typed errors.
 */
import { describe, expect, it } from "vitest";
import { SnapshotError, createEngine, createMemoryRuntime, isConvergeError, parseMemorySnapshot } from "@converge/core";
import type { Engine, MemoryRuntime, MemorySnapshot, StackEvent } from "@converge/core";
import { createScenarioType, verify } from "@converge/core/testing";
import type { Reality } from "@converge/core/testing";
import type { Kit } from "./support/protocol-kit.js";
import { res, setup, silentLogger, stepUntilBlocked, tpl } from "./support/protocol-kit.js";

const T1 = tpl({ A: res({ a: "1" }), B: res({ a: "1", c: { get_resource: "A" } }), C: res({ a: "1", ca: { get_attr: ["B", "a"] } }) });
const T2 = tpl({ A: res({ a: "2" }), B: res({ a: "2", "!a": "new", c: { get_resource: "A" } }), C: res({ a: "2", ca: { get_attr: ["B", "a"] } }) });

/** A "process": a restored runtime with a fresh engine over the same fake cloud. */
interface Process {
  readonly runtime: MemoryRuntime;
  readonly engine: Engine;
  settle(name: string): Promise<void>;
}

/** Save through JSON text, as a state file would, and start a new process from it. */
function restart(snapshot: MemorySnapshot, reality: Reality, engineId = "e2", edit?: (json: Record<string, unknown>) => void): Process {
  const json = JSON.parse(JSON.stringify(snapshot)) as Record<string, unknown>;
  edit?.(json);
  const state = parseMemorySnapshot(json, { source: "test state" });
  const runtime = createMemoryRuntime({ mode: "manual", state });
  const engine = createEngine({ runtime, types: [createScenarioType(reality)], engineId, logger: silentLogger, watchdogIntervalMs: 30_000 });
  return {
    runtime,
    engine,
    async settle(name) {
      for (let i = 0; i < 10; i++) {
        await runtime.runUntilIdle();
        const id = await runtime.store.findStackId(name);
        const stack = id === null ? null : await runtime.store.loadStack(id);
        if (stack === null || stack.status !== "IN_PROGRESS") return;
        runtime.advanceTime(30_000);
      }
    },
  };
}

async function allEvents(engine: Engine, name: string): Promise<StackEvent[]> {
  const out: StackEvent[] = [];
  for await (const event of engine.events(name)) out.push(event);
  return out;
}

function createsPerRow(kit: Kit): number[] {
  const counts = new Map<string, number>();
  for (const op of kit.reality.log) if (op.op === "create" && op.rowId !== undefined) counts.set(op.rowId, (counts.get(op.rowId) ?? 0) + 1);
  return [...counts.values()];
}

describe("memory snapshot round trip", () => {
  it("restores a completed stack: state, rows, outputs and events; an update then works", async () => {
    const kit = setup();
    await kit.engine.createStack("s", { ...T1, outputs: { b: { value: { get_attr: ["B", "a"] } } } });
    await kit.settle("s");
    const before = { stack: await kit.engine.getStack("s"), rows: await kit.engine.listResources("s"), events: await allEvents(kit.engine, "s") };
    const p = restart(kit.runtime.snapshot(), kit.reality);
    expect(await p.engine.getStack("s")).toEqual(before.stack);
    expect(await p.engine.listResources("s")).toEqual(before.rows);
    expect(await allEvents(p.engine, "s")).toEqual(before.events);
    expect(p.runtime.clock.now()).toBe(kit.runtime.clock.now());

    await p.engine.updateStack("s", T2);
    await p.settle("s");
    expect((await p.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T2)).toEqual({ ok: true, problems: [] });
    const ids = (await p.engine.listResources("s")).map((r) => Number(r.id));
    expect(Math.min(...ids.filter((id) => !before.rows.some((r) => Number(r.id) === id)))).toBeGreaterThan(Math.max(...before.rows.map((r) => Number(r.id))));
    const after = await allEvents(p.engine, "s");
    expect(after.slice(0, before.events.length)).toEqual(before.events);
    expect(Number(after[before.events.length]?.seq)).toBeGreaterThan(Number(before.events.at(-1)?.seq));
  });

  it("resumes a traversal from its queued checks", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    await kit.runtime.step();
    await kit.runtime.step();
    const snapshot = kit.runtime.snapshot();
    expect(snapshot.queue.length).toBeGreaterThan(0);
    const p = restart(snapshot, kit.reality);
    await p.settle("s");
    expect((await p.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
    expect(createsPerRow(kit).every((n) => n === 1)).toBe(true);
  });

  it("a check running when the snapshot was taken is delivered again and resumes the row its dead engine locked", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    const release = kit.reality.block("create", "B");
    const { step } = await stepUntilBlocked(kit);
    const snapshot = kit.runtime.snapshot();
    const b = snapshot.stacks[0]?.rows.find((r) => r.name === "B");
    expect(b).toMatchObject({ action: "CREATE", status: "IN_PROGRESS", lockHolder: expect.stringMatching(/^e1#/) });
    expect(snapshot.queue.some((q) => q.message.kind === "node" && q.message.rowId === b?.id)).toBe(true);
    // The old process dies while its plugin call is out: the remote create still happens.
    await kit.runtime.killEngine("e1");
    release();
    await step;
    expect(kit.reality.counts().B).toBe(1);

    const p = restart(snapshot, kit.reality);
    await p.settle("s");
    expect((await p.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
    expect(kit.reality.counts().B).toBe(1);
    expect(createsPerRow(kit).every((n) => n === 1)).toBe(true);
    const row = (await p.engine.listResources("s")).find((r) => r.name === "B");
    expect(row?.state).toBe("CREATE_COMPLETE");
  });

  it("without its queued checks, the saved watchdog timer resumes the traversal from sync-point state", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    await kit.runtime.step();
    await kit.runtime.step();
    const p = restart(kit.runtime.snapshot(), kit.reality, "e2", (json) => {
      json.queue = [];
    });
    expect(p.runtime.pending()).toHaveLength(0);
    await p.runtime.runUntilIdle();
    expect((await p.engine.getStack("s")).status).toBe("IN_PROGRESS");
    await p.settle("s");
    expect((await p.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
  });

  it("keeps the stack timeout timer", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1, { timeoutMs: 5000, disableRollback: true });
    const snapshot = kit.runtime.snapshot();
    expect(snapshot.timers.map((t) => t.message.kind).sort()).toEqual(["timeout", "watchdog"]);
    const p = restart(snapshot, kit.reality, "e2", (json) => {
      json.queue = [];
    });
    p.runtime.advanceTime(5000);
    await p.runtime.runUntilIdle();
    const stack = await p.engine.getStack("s");
    expect(stack.state).toBe("CREATE_FAILED");
    expect(stack.statusReason).toMatch(/timed out/);
  });

  it("trims event streams on request but keeps their sequence numbers", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    await kit.settle("s");
    const events = await allEvents(kit.engine, "s");
    const snapshot = kit.runtime.snapshot({ maxEventsPerStack: 2 });
    const stream = Object.values(snapshot.events.streams)[0] ?? [];
    expect(stream.map((e) => e.seq)).toEqual(events.slice(-2).map((e) => e.seq));
    const p = restart(snapshot, kit.reality);
    expect((await allEvents(p.engine, "s")).map((e) => e.seq)).toEqual(events.slice(-2).map((e) => e.seq));
    expect(() => kit.runtime.snapshot({ maxEventsPerStack: -1 })).toThrow(/maxEventsPerStack/);
  });

  it("a snapshot survives resource names and properties that are special object keys", async () => {
    const kit = setup();
    const resources = JSON.parse(`{"__proto__": ${JSON.stringify(res({ a: "x" }))}, "constructor": ${JSON.stringify(res({ a: "y" }))}}`) as never;
    await kit.engine.createStack("s", tpl(resources));
    await kit.settle("s");
    const p = restart(kit.runtime.snapshot(), kit.reality);
    expect((await p.engine.listResources("s")).map((r) => r.name).sort()).toEqual(["__proto__", "constructor"]);
  });
});

describe("invalid snapshots", () => {
  const valid = async (): Promise<Record<string, unknown>> => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    await kit.runtime.step();
    return JSON.parse(JSON.stringify(kit.runtime.snapshot())) as Record<string, unknown>;
  };
  const problem = (value: unknown): SnapshotError => {
    try {
      parseMemorySnapshot(value, { source: "state file x.json" });
    } catch (error) {
      expect(error).toBeInstanceOf(SnapshotError);
      expect(isConvergeError(error, "SNAPSHOT_INVALID")).toBe(true);
      return error as SnapshotError;
    }
    throw new Error("expected a SnapshotError");
  };
  type Json = Record<string, unknown> & { stacks: Array<Record<string, unknown> & { rows: Array<Record<string, unknown>>; stack: Record<string, unknown> }> };

  it("names a foreign or versioned-out file", async () => {
    expect(problem([1, 2]).message).toBe("state file x.json: not a Converge memory snapshot (expected a JSON object)");
    expect(problem({ hello: "world" }).message).toMatch(/^state file x\.json at format: not a Converge memory snapshot/);
    const json = await valid();
    expect(problem({ ...json, version: 2 }).message).toMatch(/at version: written by a newer Converge \(version 2\)/);
    expect(problem({ ...json, version: "1" }).path).toBe("version");
  });

  it("names the path of a malformed record", async () => {
    const json = (await valid()) as Json;
    const row = json.stacks[0]?.rows[0];
    if (row === undefined) throw new Error("no row");
    row.version = "7";
    const error = problem(json);
    expect(error.path).toBe("stacks[0].rows[0].version");
    expect(error.message).toMatch(/^state file x\.json at stacks\[0\]\.rows\[0\]\.version: /);
    expect(error.source).toBe("state file x.json");
  });

  it("names a sync point key that is not a node key", async () => {
    const json = (await valid()) as Json;
    const syncs = json.stacks[0]?.syncs as Record<string, { fields: Record<string, unknown> }> | undefined;
    const [key, point] = Object.entries(syncs ?? {})[0] ?? [];
    if (syncs === undefined || key === undefined || point === undefined) throw new Error("no sync point");
    syncs[key] = { ...point, fields: { ...point.fields, "X-1": null } };
    const error = problem(json);
    expect(error.path).toBe(`stacks[0].syncs.${key}.fields.X-1`);
    expect(error.message).toMatch(/Invalid key in record/);
  });

  it("rejects broken references", async () => {
    const a = (await valid()) as Json;
    a.stacks[0]!.stack.templateId = "missing";
    expect(problem(a).path).toBe("stacks[0].stack.templateId");
    const b = (await valid()) as Json;
    b.stacks[0]!.stack.currentTraversal = "other";
    expect(problem(b).message).toMatch(/graph of traversal .* but the stack's current traversal is "other"/);
    const c = (await valid()) as Json;
    c.stacks.push(c.stacks[0]!);
    expect(problem(c).message).toMatch(/duplicate stack id/);
    const d = (await valid()) as Json;
    d.stacks[0]!.rowCounter = 0;
    expect(problem(d).message).toMatch(/above rowCounter 0/);
  });

  it("createMemoryRuntime validates a state that did not come from parseMemorySnapshot", async () => {
    const json = await valid();
    expect(() => createMemoryRuntime({ state: { ...json, format: "other" } as never })).toThrow(SnapshotError);
    const runtime = createMemoryRuntime({ mode: "manual", state: json as never });
    expect(await runtime.store.listStackNames()).toEqual(["s"]);
  });
});
