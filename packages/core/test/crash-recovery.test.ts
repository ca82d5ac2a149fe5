/**
 * Worker death (DESIGN.md sections 6-7, W-D, W-E): a check whose engine dies is delivered
 * again; the row it left locked by a dead engine is resumed through `read`, retried with the
 * same idempotency key, or - when neither is possible - marked FAILED and replaced. A row
 * locked by a live engine parks the newer traversal until the holder retriggers it.
 */
import { describe, expect, it } from "vitest";
import { verify } from "@converge/core/testing";
import type { ScenarioTypeOptions } from "@converge/core/testing";
import type { Kit } from "./support/protocol-kit.js";
import { hangAtCreateCall, killAtCreateCall, res, setup, stepUntilBlocked, tpl } from "./support/protocol-kit.js";

const T = tpl({
  A: res({ a: "1" }),
  B: res({ a: "1", "!a": "x", c: { get_resource: "A" } }),
  C: res({ a: "1", ca: { get_attr: ["B", "a"] } }),
  D: res({ c: { get_resource: "B" } }, ["A"]),
});

/** Creates per row id in reality's log: a logical create must make one physical resource. */
function createsPerRow(kit: Kit): Map<string, number> {
  const counts = new Map<string, number>();
  for (const op of kit.reality.log) if (op.op === "create" && op.rowId !== undefined) counts.set(op.rowId, (counts.get(op.rowId) ?? 0) + 1);
  return counts;
}

/** Run B's create on e1 and kill e1 right after the plugin made the resource (before the engine recorded it). */
async function crashAfterCreateOfB(type: ScenarioTypeOptions): Promise<Kit> {
  const kit = setup({ engines: ["e1", "e2"], type });
  let killed = false;
  kit.reality.observe((op) => {
    if (op.op === "create" && op.name === "B" && !killed) {
      killed = true;
      void kit.runtime.killEngine("e1");
    }
  });
  await kit.engine.createStack("s", T);
  while (!killed && kit.runtime.pending().length > 0) await kit.runtime.step({ engineId: "e1" });
  expect(killed).toBe(true);
  const [b] = await kit.rowsNamed("s", "B");
  expect(b).toMatchObject({ action: "CREATE", status: "IN_PROGRESS", lockHolder: expect.stringMatching(/^e1#/), physicalId: null });
  expect(kit.reality.counts().B).toBe(1);
  return kit;
}

describe("a worker dies holding a lock", () => {
  it("the interrupted create is resumed through read", async () => {
    const kit = await crashAfterCreateOfB({ withRead: true, idempotent: false });
    const made = kit.reality.live("B")[0]?.physicalId;
    await kit.settle("s");
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(verify(kit.reality, T)).toEqual({ ok: true, problems: [] });
    expect(kit.reality.live("B")[0]?.physicalId).toBe(made);
    expect([...createsPerRow(kit).values()].every((n) => n === 1)).toBe(true);
    const [b] = await kit.rowsNamed("s", "B");
    expect(b).toMatchObject({ status: "COMPLETE", lockHolder: null, physicalId: made });
  });

  it("the interrupted create is retried with its idempotency key", async () => {
    const kit = await crashAfterCreateOfB({ withRead: false, idempotent: true });
    const made = kit.reality.live("B")[0]?.physicalId;
    await kit.settle("s");
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(verify(kit.reality, T)).toEqual({ ok: true, problems: [] });
    expect(kit.reality.live("B")[0]?.physicalId).toBe(made);
    expect([...createsPerRow(kit).values()].every((n) => n === 1)).toBe(true);
  });

  it("the row is replaced when the type has neither read nor an idempotent create", async () => {
    // Crash after the lock was taken but before the plugin call (else the resource would be
    // an orphan nobody can find: the type offers no way to look it up): e1 dies the moment
    // it calls the plugin's create of B, before the call reaches reality.
    const kit = setup({ engines: ["e1", "e2"], type: { withRead: false, idempotent: false } });
    killAtCreateCall(kit, "B", "e1");
    await kit.engine.createStack("s", T);
    while (kit.runtime.liveEngines().includes("e1") && kit.runtime.pending().length > 0) await kit.runtime.step({ engineId: "e1" });
    const [locked] = await kit.rowsNamed("s", "B");
    expect(locked).toMatchObject({ action: "CREATE", status: "IN_PROGRESS", lockHolder: expect.stringMatching(/^e1#/) });
    expect(kit.reality.counts().B).toBeUndefined();
    const original = (await kit.rowsNamed("s", "B"))[0]?.id;
    await kit.settle("s");
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(verify(kit.reality, T)).toEqual({ ok: true, problems: [] });
    const rows = await kit.rowsNamed("s", "B");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).not.toBe(original);
    expect(kit.reality.log.filter((o) => o.op === "create" && o.name === "B").map((o) => o.rowId)).toEqual([rows[0]?.id]);
    const reasons: string[] = [];
    for await (const e of kit.engine.events("s")) reasons.push(e.reason);
    expect(reasons.some((r) => r.includes("neither read nor an idempotent create"))).toBe(true);
  });
});

describe("two engines, one killed mid-traversal", () => {
  it.each([
    { withRead: true, idempotent: true },
    { withRead: true, idempotent: false },
    { withRead: false, idempotent: true },
  ])("completes for every crash point of a check (%o)", async (type) => {
    for (let ops = 0; ops < 40; ops++) {
      const kit = setup({ engines: ["e1", "e2"], type, order: "random", seed: 7 + ops });
      await kit.engine.createStack("s", T);
      for (let i = 0; i < 3 && kit.runtime.pending().length > 0; i++) await kit.runtime.step();
      await kit.runtime.step({ engineId: "e1", crashAfterOps: ops });
      await kit.settle("s");
      const stack = await kit.engine.getStack("s");
      expect(stack.state, `crash after ${ops} ops`).toBe("CREATE_COMPLETE");
      expect(verify(kit.reality, T).problems, `crash after ${ops} ops`).toEqual([]);
      expect([...createsPerRow(kit).values()].every((n) => n === 1), `crash after ${ops} ops`).toBe(true);
      expect((await kit.rows("s")).every((r) => r.lockHolder === null)).toBe(true);

      await kit.engine.updateStack("s", tpl({ ...T.resources, B: res({ a: "2", "!a": "y", c: { get_resource: "A" } }) }));
      await kit.settle("s");
      expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    }
  });
});

describe("a row locked by a live engine", () => {
  it("parks the superseding traversal until the holder retriggers it", async () => {
    const T1 = tpl({ A: res({ a: "1" }), B: res({ a: "1", c: { get_resource: "A" } }), C: res({ ca: { get_attr: ["B", "a"] } }) });
    const T2 = tpl({ A: res({ a: "2" }), B: res({ a: "2", c: { get_resource: "A" } }), C: res({ ca: { get_attr: ["B", "a"] } }) });
    const T3 = tpl({ A: res({ a: "3" }), B: res({ a: "3", c: { get_resource: "A" } }), C: res({ ca: { get_attr: ["B", "a"] } }) });
    const kit = setup({ engines: ["e1", "e2"] });
    await kit.engine.createStack("s", T1);
    await kit.runtime.runUntilIdle();
    const release = kit.reality.block("update", "B");
    await kit.engine.updateStack("s", T2);
    const { step } = await stepUntilBlocked(kit, "e1");
    await kit.engine.updateStack("s", T3);
    await kit.runtime.runUntilIdle(); // A updated to "3"; B's check parks behind e1
    expect(kit.runtime.pending()).toEqual([]);
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_IN_PROGRESS");
    expect(kit.reality.live("A")[0]?.entry.properties.a).toBe("3");
    const clock = kit.runtime.now();

    release();
    await step; // e1 finishes the T2 update, finds T2 superseded, retriggers B in T3
    expect(kit.runtime.pending().length).toBeGreaterThan(0);
    await kit.runtime.runUntilIdle();
    expect(kit.runtime.now()).toBe(clock); // no watchdog needed
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T3)).toEqual({ ok: true, problems: [] });
    expect(kit.reality.log.filter((o) => o.op === "update" && o.name === "B")).toHaveLength(2); // T2's, then T3's
  });
});

describe("an interrupted create resumed by a newer traversal", () => {
  it.each([
    { withRead: true, idempotent: false },
    { withRead: false, idempotent: true },
    { withRead: true, idempotent: true },
  ])("converges the resource to the newer target (%o)", async (type) => {
    const T1 = tpl({ A: res({ a: "1" }), B: res({ a: "1", c: { get_resource: "A" } }) });
    const T2 = tpl({ A: res({ a: "1" }), B: res({ a: "2", c: { get_resource: "A" } }) });
    const kit = setup({ engines: ["e1", "e2"], type, watchdogIntervalMs: 1000 });
    await kit.engine.createStack("s", T1);
    const release = kit.reality.block("create", "B");
    const { step } = await stepUntilBlocked(kit, "e1");
    await kit.engine.updateStack("s", T2); // B's check in T2 parks behind live e1
    await kit.runtime.runUntilIdle();
    await kit.runtime.killEngine("e1");
    release();
    await step; // the dead engine's call still made B with T1's properties
    expect(kit.reality.live("B")[0]?.entry.properties.a).toBe("1");
    await kit.settle("s");
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T2)).toEqual({ ok: true, problems: [] });
    expect([...createsPerRow(kit).values()].every((n) => n === 1)).toBe(true);
  });
});

describe("an engine dies in a plugin call that never returns", () => {
  it.each([
    { withRead: true, idempotent: true },
    { withRead: true, idempotent: false },
    { withRead: false, idempotent: true },
    { withRead: false, idempotent: false },
  ])("its check is handed back and another engine takes the row over (%o)", async (type) => {
    const kit = setup({ engines: ["e1", "e2"], type });
    hangAtCreateCall(kit, "B");
    await kit.engine.createStack("s", T);
    // e1 runs the checks until B's create hangs; the step never ends.
    const { step } = await stepUntilBlocked(kit, "e1");
    let ended = false;
    void step.finally(() => (ended = true));
    const [b] = await kit.rowsNamed("s", "B");
    expect(b).toMatchObject({ action: "CREATE", status: "IN_PROGRESS" });
    expect(kit.runtime.pending().some((p) => p.message.kind === "node" && p.message.rowId === b?.id)).toBe(false);

    await kit.runtime.killEngine("e1"); // observed: B is CREATE_IN_PROGRESS, its call in flight
    expect(kit.runtime.pending().filter((p) => p.message.kind === "node" && p.message.rowId === b?.id)).toHaveLength(1);
    expect(kit.runtime.liveEngines()).toEqual(["e2"]);
    await kit.settle("s");

    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(verify(kit.reality, T)).toEqual({ ok: true, problems: [] });
    expect([...createsPerRow(kit).values()].every((n) => n === 1)).toBe(true);
    expect(kit.reality.log.filter((o) => o.op === "create" && o.name === "B")).toHaveLength(1);
    expect(ended).toBe(false); // the dead engine's call is still hung
  });
});
