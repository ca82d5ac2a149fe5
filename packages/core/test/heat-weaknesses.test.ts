/**
 * Heat's weaknesses we fix (DESIGN.md section 10), each as a test that fails on Heat's
 * behaviour: W-A (a no-change update records the new `requires`), W-B (one replacement per
 * duplicated check), W-C (rollback to the last completed template), W-E (an interrupted create
 * resumes through `read` or an idempotent retry; otherwise the row is replaced, no orphan).
 */
import { describe, expect, it } from "vitest";
import { createEngine, createMemoryRuntime } from "@converge/core";
import type { Engine, MemoryRuntime, ResourceInfo, Template } from "@converge/core";
import { Reality, createScenarioType, silentLogger, verify } from "@converge/core/testing";
import type { ScenarioTypeOptions } from "@converge/core/testing";
import { res, tpl } from "./support/protocol-kit.js";


interface World {
  readonly runtime: MemoryRuntime;
  readonly reality: Reality;
  /** Engines by id; the first one is used for the API unless it was killed. */
  readonly engines: Engine[];
  readonly engine: Engine;
}

function world(options: { order?: "fifo" | "random"; seed?: number; type?: ScenarioTypeOptions; engines?: string[] } = {}): World {
  const runtime = createMemoryRuntime({ mode: "manual", order: options.order ?? "fifo", seed: options.seed ?? 1 });
  const reality = new Reality();
  const type = createScenarioType(reality, options.type);
  const engines = (options.engines ?? ["e1"]).map((engineId) => createEngine({ runtime, types: [type], engineId, logger: silentLogger }));
  return { runtime, reality, engines, engine: engines[0] as Engine };
}

const active = (rows: ResourceInfo[], name: string): ResourceInfo[] => rows.filter((r) => r.name === name && r.state !== "DELETE_COMPLETE");
const only = (rows: ResourceInfo[], name: string): ResourceInfo => {
  const found = active(rows, name);
  expect(found, `active rows named ${name}`).toHaveLength(1);
  return found[0] as ResourceInfo;
};
const expectVerified = (reality: Reality, template: Template): void => expect(verify(reality, template).problems).toEqual([]);
const deleteIndex = (reality: Reality, physicalId: string): number =>
  reality.log.findIndex((o) => o.op === "delete" && o.physicalId === physicalId);

describe("W-A: a no-change update records the new requires", () => {
  // D depends on C only through depends_on, so replacing C leaves D's properties unchanged.
  const base = (a: string): Template => tpl({ A: res({ a }), C: res({ "!a": { get_attr: ["A", "a"] } }), D: res({}, ["C"]) });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`D requires the replacement C' after a no-change update, and is deleted before it (seed ${seed})`, async () => {
      const w = world({ order: "random", seed });
      await w.engine.createStack("wa", base("1"));
      await w.runtime.runUntilIdle();
      const d0 = only(await w.engine.listResources("wa"), "D");
      await w.engine.updateStack("wa", base("2"));
      await w.runtime.runUntilIdle();
      expect((await w.engine.getStack("wa")).state).toBe("UPDATE_COMPLETE");
      const rows = await w.engine.listResources("wa");
      const [c, d] = [only(rows, "C"), only(rows, "D")];
      expect(c.id).not.toBe(d0.requires[0]); // C was replaced by a new row
      expect(d.id).toBe(d0.id);
      expect(w.reality.log.filter((o) => o.name === "D").map((o) => o.op)).toEqual(["create"]); // no plugin call for D
      expect(d.requires).toEqual([c.id]); // Heat keeps the replaced row's id here
      const [cId, dId] = [c.physicalId as string, d.physicalId as string];
      await w.engine.deleteStack("wa");
      await w.runtime.runUntilIdle();
      expect(await w.engine.listStacks()).toEqual([]);
      expectVerified(w.reality, tpl({}));
      expect(deleteIndex(w.reality, dId)).toBeLessThan(deleteIndex(w.reality, cId));
    });
  }
});

describe("W-B: a duplicated check that replaces a row makes one replacement", () => {
  const R = (a: string): Template =>
    tpl({ A: res({ a }), C: res({ "!a": { get_attr: ["A", "a"] } }), D: res({ c: { get_resource: "C" } }) });

  /** Run the update until U(C) of the current traversal is pending; returns its queue index. */
  async function untilUpdateOfC(w: World, cRowId: string): Promise<number> {
    const traversal = (await w.engine.getStack("wb")).traversalId;
    const index = (): number =>
      w.runtime.pending().findIndex((p) => p.message.kind === "node" && p.message.direction === "U" && p.message.rowId === cRowId && p.message.traversalId === traversal);
    expect(await w.runtime.runUntil(() => index() >= 0)).toBe(true);
    return index();
  }

  for (const when of ["immediately", "after the replacement was created"] as const) {
    it(`the duplicate is delivered ${when}`, async () => {
      const w = world();
      await w.engine.createStack("wb", R("1"));
      await w.runtime.runUntilIdle();
      const c0 = only(await w.engine.listResources("wb"), "C");
      await w.engine.updateStack("wb", R("2"));
      const index = await untilUpdateOfC(w, c0.id);
      const before = w.runtime.pending().length;
      await w.runtime.step({ index, duplicate: true });
      const copy = w.runtime.pending()[before - 1];
      expect(copy?.message).toMatchObject({ kind: "node", direction: "U", rowId: c0.id });
      if (when === "after the replacement was created") {
        // Run everything but the copy until C' exists.
        while (w.reality.live("C").length < 2) {
          const next = w.runtime.pending().findIndex((p) => p.id !== copy?.id);
          expect(next).toBeGreaterThanOrEqual(0);
          await w.runtime.step({ index: next });
        }
      }
      const copyIndex = w.runtime.pending().findIndex((p) => p.id === copy?.id);
      expect(copyIndex).toBeGreaterThanOrEqual(0);
      await w.runtime.step({ index: copyIndex });
      await w.runtime.runUntilIdle();
      expect((await w.engine.getStack("wb")).state).toBe("UPDATE_COMPLETE");
      expectVerified(w.reality, R("2"));
      const rowsOfC = new Set<string>();
      for await (const e of w.engine.events("wb")) if (e.kind === "resource" && e.resourceName === "C" && e.rowId !== undefined) rowsOfC.add(e.rowId);
      expect([...rowsOfC].filter((id) => id !== c0.id)).toHaveLength(1); // one replacement row
      expect(w.reality.log.filter((o) => o.op === "create" && o.name === "C")).toHaveLength(2); // original + one replacement
      expect(w.reality.live("C")).toHaveLength(1);
    });
  }
});

describe("W-C: rollback goes to the last completed template", () => {
  const T = tpl({ A: res({ a: "1" }) });
  const T1 = tpl({ A: res({ a: "1" }), B: res({ a: "broken-1" }) });
  const T2 = tpl({ A: res({ a: "2" }), B: res({ a: "broken-2" }) });

  it("two failed updates, then a rollback: back to the created template, not the first broken one", async () => {
    const w = world();
    await w.engine.createStack("wc", T);
    await w.runtime.runUntilIdle();
    w.reality.fail({ op: "create", name: "B" });
    await w.engine.updateStack("wc", T1, { disableRollback: true });
    await w.runtime.runUntilIdle();
    expect((await w.engine.getStack("wc")).state).toBe("UPDATE_FAILED");
    await w.engine.updateStack("wc", T2, { disableRollback: true });
    await w.runtime.runUntilIdle();
    expect((await w.engine.getStack("wc")).state).toBe("UPDATE_FAILED");
    w.reality.clearFailures(); // a rollback to the broken template T1 would now succeed: it must not be the target
    await w.engine.rollbackStack("wc");
    await w.runtime.runUntilIdle();
    expect((await w.engine.getStack("wc")).state).toBe("ROLLBACK_COMPLETE");
    expectVerified(w.reality, T);
  });

  it("the second failed update rolls back automatically to the created template", async () => {
    const w = world();
    await w.engine.createStack("wc", T);
    await w.runtime.runUntilIdle();
    w.reality.fail({ op: "create", name: "B", times: 2 });
    await w.engine.updateStack("wc", T1, { disableRollback: true });
    await w.runtime.runUntilIdle();
    expect((await w.engine.getStack("wc")).state).toBe("UPDATE_FAILED");
    await w.engine.updateStack("wc", T2, { disableRollback: false });
    await w.runtime.runUntilIdle();
    expect((await w.engine.getStack("wc")).state).toBe("ROLLBACK_COMPLETE");
    expectVerified(w.reality, T);
  });
});

describe("W-E: an interrupted create is resumed, not blindly replaced", () => {
  const W = tpl({ A: res({ a: "x" }), B: res({ c: { get_resource: "A" } }) });

  /**
   * Crash engine e1 in U(A) of the create at the `extra`-th runtime operation (from 0) after
   * the plugin created the resource and before the row was CREATE_COMPLETE; e2 gets the
   * re-delivered check. Null when there is no such crash point left.
   */
  async function crashedCreate(type: ScenarioTypeOptions, extra: number): Promise<World | null> {
    for (let ops = 0, hits = 0; ops < 64; ops++) {
      const w = world({ type, engines: ["e1", "e2"] });
      await w.engine.createStack("we", W);
      expect(w.runtime.pending()[0]?.message).toMatchObject({ kind: "node", direction: "U" });
      await w.runtime.step({ index: 0, engineId: "e1", crashAfterOps: ops });
      if (w.reality.live("A").length === 0) continue; // crashed before the plugin created A
      const [row] = active(await (w.engines[1] as Engine).listResources("we"), "A");
      if (row?.state === "CREATE_COMPLETE") return null; // crashed after the create was recorded, or not at all
      if (hits++ === extra) return w;
    }
    throw new Error("no crash point found");
  }

  async function finish(w: World): Promise<void> {
    const api = w.engines[1] as Engine;
    await w.runtime.runUntilIdle();
    expect((await api.getStack("we")).state).toBe("CREATE_COMPLETE");
    expectVerified(w.reality, W);
  }

  for (const early of [false, true]) {
    const when = early ? "a type that records its id early" : "a type that returns its id";
    it(`with read (and a non-idempotent create): resumes through read - one create, same id (${when})`, async () => {
      let checked = 0;
      for (let extra = 0; ; extra++) {
        const w = await crashedCreate({ idempotent: false, recordPhysicalIdEarly: early }, extra);
        if (w === null) break;
        const id = w.reality.live("A")[0]?.physicalId;
        await finish(w);
        expect(w.reality.log.filter((o) => o.op === "create" && o.name === "A")).toHaveLength(1);
        expect(only(await (w.engines[1] as Engine).listResources("we"), "A").physicalId).toBe(id);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });

    it(`with an idempotent create and no read: retried with the same key - one create (${when})`, async () => {
      let checked = 0;
      for (let extra = 0; ; extra++) {
        const w = await crashedCreate({ withRead: false, recordPhysicalIdEarly: early }, extra);
        if (w === null) break;
        const id = w.reality.live("A")[0]?.physicalId;
        await finish(w);
        expect(w.reality.log.filter((o) => o.op === "create" && o.name === "A")).toHaveLength(1);
        expect(only(await (w.engines[1] as Engine).listResources("we"), "A").physicalId).toBe(id);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  it("with neither: the row is marked FAILED and replaced; the stack completes with no orphan", async () => {
    // The crash comes after the plugin recorded the physical id (ctx.setPhysicalId), so the
    // engine knows the resource it cannot resume. (Before that point nothing can know it.)
    const type = { withRead: false, idempotent: false, recordPhysicalIdEarly: true } as const;
    let checked = 0;
    for (let extra = 0; ; extra++) {
      const w = await crashedCreate(type, extra);
      if (w === null) break;
      const api = w.engines[1] as Engine;
      const [row] = active(await api.listResources("we"), "A");
      if (row?.physicalId === null) continue; // crashed before the id was recorded
      const lost = row?.physicalId as string;
      await finish(w);
      const rows = await api.listResources("we");
      expect(only(rows, "A").physicalId).not.toBe(lost);
      expect(w.reality.entries.has(lost)).toBe(false);
      expect(w.reality.log.filter((o) => o.op === "create" && o.name === "A")).toHaveLength(2);
      const events = [];
      for await (const e of api.events("we")) events.push(e);
      expect(events.some((e) => e.kind === "resource" && e.rowId === row?.id && e.status === "FAILED")).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
