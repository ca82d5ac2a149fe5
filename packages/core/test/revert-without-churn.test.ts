/**
 * Revert without churn (issue 9, item 7): an update T2 that supersedes an update T1 and
 * reverts T1's replacements converges back to the original rows. A resource T1 is replacing
 * (A -> A') is not replaced a third time: A is still complete and already what T2 asks for,
 * so T2 keeps it and deletes A' - whether A' is created, still being created, or never made.
 */
import { describe, expect, it } from "vitest";
import type { ResourceRow, Template } from "@converge/core";
import { verify } from "@converge/core/testing";
import type { Kit, KitOptions } from "./support/protocol-kit.js";
import { res, setup, stepUntilBlocked, tpl } from "./support/protocol-kit.js";

/** `n` resources R0..R(n-1), each with a replace-on-change property and a dependent D_i. */
function wide(n: number, version: string): Template {
  const resources: Record<string, ReturnType<typeof res>> = {};
  for (let i = 0; i < n; i++) {
    resources[`R${i}`] = res({ "!a": version, a: "x" });
    resources[`D${i}`] = res({ c: { get_resource: `R${i}` } });
  }
  return tpl(resources);
}

const T0 = tpl({ A: res({ "!a": "1" }), D: res({ c: { get_resource: "A" } }), E: res({ ca: { get_attr: ["A", "!a"] } }) });
const T1 = tpl({ A: res({ "!a": "2" }), D: res({ c: { get_resource: "A" } }), E: res({ ca: { get_attr: ["A", "!a"] } }) });

/** Step the runtime (every check delivered twice when `duplicate`) until `done` holds. */
async function stepUntil(kit: Kit, duplicate: boolean, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    if (await done()) return;
    if (!(await kit.runtime.step({ duplicate }))) break;
  }
  expect(await done(), "the awaited state was reached").toBe(true);
}

/** Run everything (duplicates too) until the queue is dry. */
async function drain(kit: Kit, duplicate: boolean): Promise<void> {
  for (let i = 0; i < 200_000 && (await kit.runtime.step({ duplicate: duplicate && i % 2 === 0 })); i++);
  expect(kit.runtime.pending()).toEqual([]);
}

/** The replacement rows (made by an update) of `name` that are CREATE_COMPLETE. */
const createdReplacements = (rows: readonly ResourceRow[], name: string): ResourceRow[] =>
  rows.filter((r) => r.name === name && r.replaces !== null && r.action === "CREATE" && r.status === "COMPLETE");

/** Creates the plugin was asked for, by resource name. */
function createCalls(kit: Kit): Map<string, number> {
  const calls = new Map<string, number>();
  for (const call of kit.reality.calls) if (call.op === "create") calls.set(call.name, (calls.get(call.name) ?? 0) + 1);
  return calls;
}

/** After convergence to T0's definitions: each name is its original physical resource, alone. */
function expectOriginals(kit: Kit, template: Template, originals: ReadonlyMap<string, string>): void {
  expect(verify(kit.reality, template).problems).toEqual([]);
  for (const [name, physicalId] of originals) {
    expect(kit.reality.live(name).map((l) => l.physicalId), `live ${name}`).toEqual([physicalId]);
  }
}

const VARIANTS: ReadonlyArray<{ readonly label: string; readonly options: KitOptions; readonly duplicate: boolean }> = [
  { label: "FIFO", options: {}, duplicate: false },
  ...[1, 2, 3, 4, 5, 6].map((seed) => ({ label: `random order, seed ${seed}`, options: { order: "random" as const, seed }, duplicate: false })),
  ...[1, 2, 3].map((seed) => ({ label: `random order with duplicates, seed ${seed}`, options: { order: "random" as const, seed }, duplicate: true })),
];

describe("a superseding update that reverts a replacement keeps the original row", () => {
  for (const { label, options, duplicate } of VARIANTS) {
    it(`A' created, T1 not finished (${label})`, async () => {
      const kit = setup(options);
      await kit.engine.createStack("s", T0);
      await kit.runtime.runUntilIdle();
      const a = kit.reality.live("A")[0]?.physicalId as string;
      await kit.engine.updateStack("s", T1);
      await stepUntil(kit, duplicate, async () => createdReplacements(await kit.rows("s"), "A").length > 0);
      expect((await kit.engine.getStack("s")).state).toBe("UPDATE_IN_PROGRESS");
      const preview = await kit.engine.previewUpdate("s", T0);
      expect(preview.resources.find((r) => r.name === "A")?.action).toBe("no_change"); // as the update will choose
      await kit.engine.updateStack("s", T0);
      await drain(kit, duplicate);
      expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
      expectOriginals(kit, T0, new Map([["A", a]]));
      expect(createCalls(kit).get("A")).toBe(2); // A and A', never a third
      const rows = await kit.rowsNamed("s", "A");
      expect(rows.map((r) => [r.physicalId, r.replacedBy])).toEqual([[a, null]]);
    });
  }

  for (const honourAbort of [true, false]) {
    it(`A' still being created when T2 starts: it is finished and deleted, never orphaned (plugin ${honourAbort ? "honours" : "ignores"} the signal)`, async () => {
      const kit = setup({ type: { honourAbort } });
      await kit.engine.createStack("s", T0);
      await kit.runtime.runUntilIdle();
      const a = kit.reality.live("A")[0]?.physicalId as string;
      const release = kit.reality.block("create", "A");
      await kit.engine.updateStack("s", T1);
      const { step } = await stepUntilBlocked(kit);
      const inFlight = (await kit.rowsNamed("s", "A")).find((r) => r.replaces !== null);
      expect([inFlight?.action, inFlight?.status]).toEqual(["CREATE", "IN_PROGRESS"]);
      await kit.engine.updateStack("s", T0);
      await kit.runtime.runUntilIdle(); // T2 parks on A' (locked by a live engine)
      release();
      await step;
      await kit.runtime.runUntilIdle();
      expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
      expectOriginals(kit, T0, new Map([["A", a]]));
      expect(createCalls(kit).get("A")).toBe(2);
      expect((await kit.rowsNamed("s", "A")).map((r) => r.physicalId)).toEqual([a]);
    });
  }

  it("A' never made (T2 starts before T1's replacement is created)", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T0);
    await kit.runtime.runUntilIdle();
    const a = kit.reality.live("A")[0]?.physicalId as string;
    await kit.engine.updateStack("s", T1);
    await stepUntil(kit, false, async () => (await kit.rows("s")).some((r) => r.name === "A" && r.replaces !== null));
    await kit.engine.updateStack("s", T0);
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expectOriginals(kit, T0, new Map([["A", a]]));
    expect(createCalls(kit).get("A")).toBe(1);
  });
});

describe("wide: 50 resources replaced, then reverted", () => {
  for (const { label, options, duplicate } of VARIANTS.slice(0, 3)) {
    it(`no third incarnation (${label})`, async () => {
      const kit = setup(options);
      const [w0, w1] = [wide(50, "1"), wide(50, "2")];
      await kit.engine.createStack("w", w0);
      await kit.runtime.runUntilIdle();
      const originals = new Map<string, string>();
      for (let i = 0; i < 50; i++) originals.set(`R${i}`, kit.reality.live(`R${i}`)[0]?.physicalId as string);
      await kit.engine.updateStack("w", w1);
      // Revert when half of the replacements exist (some created, some being made, some not yet).
      await stepUntil(kit, duplicate, async () => {
        const rows = await kit.rows("w");
        return rows.filter((r) => r.replaces !== null && r.action === "CREATE" && r.status === "COMPLETE").length >= 25;
      });
      // An original that T1 already began deleting is gone for good: its replacement is kept.
      const deleting = (await kit.rows("w")).filter((r) => r.action === "DELETE" && r.physicalId !== null).map((r) => r.name);
      for (const name of deleting) originals.delete(name);
      expect(originals.size).toBeGreaterThanOrEqual(25);
      await kit.engine.updateStack("w", w0);
      await drain(kit, duplicate);
      expect((await kit.engine.getStack("w")).state).toBe("UPDATE_COMPLETE");
      expectOriginals(kit, w0, originals);
      const third = [...createCalls(kit)].filter(([name, n]) => originals.has(name) && n > 2);
      expect(third).toEqual([]);
    });
  }
});

describe("rollback of a failed update reuses the original rows", () => {
  it("A replaced by A', then the update fails and rolls back: A kept, A' deleted", async () => {
    const kit = setup();
    const B = (t: Template, a: string): Template => tpl({ ...t.resources, B: res({ a, c: { get_resource: "A" } }) });
    await kit.engine.createStack("s", B(T0, "1"));
    await kit.runtime.runUntilIdle();
    const a = kit.reality.live("A")[0]?.physicalId as string;
    kit.reality.fail({ op: "update", name: "B" });
    await kit.engine.updateStack("s", B(T1, "2"));
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("ROLLBACK_COMPLETE");
    expectOriginals(kit, B(T0, "1"), new Map([["A", a]]));
    expect(createCalls(kit).get("A")).toBe(2);
  });
});
