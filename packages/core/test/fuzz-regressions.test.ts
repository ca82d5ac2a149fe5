/**
 * Protocol bugs found by the fuzzer (packages/core/test/fuzz), each as a small deterministic
 * test that failed before its fix.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { UpdateReplace, defineResourceType } from "@converge/core";
import { buildTraversalGraph } from "@converge/core/internal";
import type { MemoryRuntime, NodeKey, ResourceRow, TraversalGraph } from "@converge/core";
import { Reality, memoryScenarioHarness, verify } from "@converge/core/testing";
import type { Kit } from "./support/protocol-kit.js";
import { killAtCreateCall, res, setup, stepUntilBlocked, tpl } from "./support/protocol-kit.js";

/** Creates per row id in reality's log. */
function createsPerRow(kit: Kit): number[] {
  const counts = new Map<string, number>();
  for (const op of kit.reality.log) if (op.op === "create") counts.set(op.rowId ?? "?", (counts.get(op.rowId ?? "?") ?? 0) + 1);
  return [...counts.values()];
}

/** Step the pending check of `direction` for the row named `name` (the newest such row). */
async function stepNode(kit: Kit, direction: "U" | "C", rowId: string): Promise<void> {
  const index = kit.runtime.pending().findIndex((p) => p.message.kind === "node" && p.message.direction === direction && p.message.rowId === rowId);
  expect(index, `a pending ${direction} check of row ${rowId}`).toBeGreaterThanOrEqual(0);
  await kit.runtime.step({ index });
}

/** True when the graph has no cycle (every node can be ordered). */
function acyclic(graph: TraversalGraph): boolean {
  const left = new Map(Object.entries(graph.nodes).map(([k, n]) => [k as NodeKey, n.requires.length]));
  const ready = [...left].filter(([, n]) => n === 0).map(([k]) => k);
  let done = 0;
  for (let key = ready.pop(); key !== undefined; key = ready.pop()) {
    done += 1;
    for (const next of graph.nodes[key]?.requiredBy ?? []) {
      const n = (left.get(next) ?? 0) - 1;
      left.set(next, n);
      if (n === 0) ready.push(next);
    }
  }
  return done === left.size;
}

describe("an update that supersedes a delete whose plugin call is in flight", () => {
  // Fuzz seed 50 (read): the only row of B is being deleted when the update starts, so it is
  // chosen for B; its delete finished first. The update recorded "no change" for the deleted
  // row, completed, and purged it: B was gone from reality and from the stack.
  it("makes the deleted resource again", async () => {
    const T = tpl({ A: res({ a: "1" }), B: res({ a: "1", c: { get_resource: "A" } }) });
    const kit = setup();
    await kit.engine.createStack("s", T);
    await kit.runtime.runUntilIdle();
    const release = kit.reality.block("delete", "B");
    await kit.engine.deleteStack("s");
    const { step } = await stepUntilBlocked(kit);
    await kit.engine.updateStack("s", T);
    await kit.runtime.runUntilIdle(); // U(B) parks behind the live delete
    release();
    await step;
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T).problems).toEqual([]);
    expect(await kit.rowsNamed("s", "B")).toHaveLength(1);
  });
});

describe("a dependency inversion with a replacement, superseded before the old row's cleanup", () => {
  // Fuzz seed 197 (read): old X requires Y, Y requires the replacement X', X' replaces X. The
  // cleanup edges (C(Y) after C(X), C(X') after C(Y), C(X) after C(X')) made a cycle: the
  // traversal stalled and the watchdog failed it.
  const T1 = tpl({ Y: res({ a: "1" }), X: res({ "!a": "1", c: { get_resource: "Y" } }) });
  const T2 = tpl({ X: res({ "!a": "2" }), Y: res({ a: "1", c: { get_resource: "X" } }) });
  const T3 = tpl({ X: res({ "!a": "2", b: "3" }), Y: res({ a: "1", c: { get_resource: "X" } }) });

  it("builds an acyclic graph and converges", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    await kit.runtime.runUntilIdle();
    const [x0] = await kit.rowsNamed("s", "X");
    const [y] = await kit.rowsNamed("s", "Y");
    await kit.engine.updateStack("s", T2);
    await stepNode(kit, "U", x0?.id ?? ""); // makes the replacement X'
    const x1 = (await kit.rowsNamed("s", "X")).find((r) => r.id !== x0?.id);
    await stepNode(kit, "U", x1?.id ?? ""); // creates X', which reports as U(X)
    await stepNode(kit, "U", y?.id ?? ""); // Y now points at X'; C(X) has not run
    const rows = await kit.rows("s");
    expect(rows.find((r) => r.id === y?.id)?.requires).toEqual([x1?.id]);
    expect(rows.find((r) => r.id === x0?.id)).toMatchObject({ requires: [y?.id], replacedBy: x1?.id });

    const graph = buildTraversalGraph({
      traversalId: "T",
      templateId: "t3",
      template: kit.engine.validateTemplate(T3),
      chosen: new Map([["X", x1?.id ?? ""], ["Y", y?.id ?? ""]]),
      existing: rows as ResourceRow[],
    });
    expect(acyclic(graph)).toBe(true);

    await kit.engine.updateStack("s", T3);
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T3).problems).toEqual([]);
    expect(kit.reality.entries.size).toBe(2);
  });
});

describe("an interrupted create of a type with an idempotent create and no read", () => {
  // Fuzz seeds 11, 108, 299 (idempotent): the engine died after the plugin made B and before
  // the id was recorded; B's row then left the template. Its cleanup called delete with no
  // physical id, so the resource was orphaned. The cleanup now resumes the create with the
  // same idempotency key to learn the id, then deletes it.
  const T = tpl({ A: res({ a: "1" }), B: res({ a: "1", c: { get_resource: "A" } }) });

  async function interruptedCreateOfB(): Promise<Kit> {
    const kit = setup({ engines: ["e1", "e2"], type: { withRead: false, idempotent: true } });
    let killed = false;
    kit.reality.observe((op) => {
      if (op.op === "create" && op.name === "B" && !killed) {
        killed = true;
        void kit.runtime.killEngine("e1");
      }
    });
    await kit.engine.createStack("s", T);
    while (!killed) await kit.runtime.step({ engineId: "e1" });
    const [b] = await kit.rowsNamed("s", "B");
    expect(b).toMatchObject({ action: "CREATE", status: "IN_PROGRESS", physicalId: null, lockHolder: expect.stringMatching(/^e1#/) });
    expect(kit.reality.counts().B).toBe(1);
    return kit;
  }

  it("is found and deleted when the stack is deleted", async () => {
    const kit = await interruptedCreateOfB();
    await (kit.engines[1] as Kit["engine"]).deleteStack("s");
    await kit.settle("s");
    expect(await kit.stack("s")).toBeNull();
    expect(kit.reality.entries.size).toBe(0);
    expect(createsPerRow(kit).every((n) => n === 1)).toBe(true);
  });

  it("stays an interrupted create while the retry fails, and is deleted once it succeeds", async () => {
    const kit = await interruptedCreateOfB();
    const api = kit.engines[1] as Kit["engine"];
    kit.reality.fail({ op: "create", name: "B", times: 1, message: "throttled" });
    await api.deleteStack("s");
    await kit.settle("s");
    expect((await api.getStack("s")).state).toBe("DELETE_FAILED");
    const [b] = await kit.rowsNamed("s", "B");
    expect(b).toMatchObject({ action: "CREATE", status: "IN_PROGRESS", physicalId: null, lockHolder: null });
    expect(b?.statusReason).toContain("throttled");
    expect(kit.reality.counts().B).toBe(1);

    await api.deleteStack("s");
    await kit.settle("s");
    expect(await kit.stack("s")).toBeNull();
    expect(kit.reality.entries.size).toBe(0);
    expect(createsPerRow(kit).every((n) => n === 1)).toBe(true);
  });

  it("a failed resume in an update keeps it resumable instead of FAILED", async () => {
    const kit = await interruptedCreateOfB();
    const api = kit.engines[1] as Kit["engine"];
    const T2 = tpl({ A: res({ a: "1" }), B: res({ a: "2", c: { get_resource: "A" } }) });
    kit.reality.fail({ op: "create", name: "B", times: 1 });
    await api.updateStack("s", T2, { disableRollback: true });
    await kit.settle("s");
    expect((await api.getStack("s")).state).toBe("UPDATE_FAILED");
    expect((await kit.rowsNamed("s", "B"))[0]).toMatchObject({ action: "CREATE", status: "IN_PROGRESS", physicalId: null });

    await api.updateStack("s", T2);
    await kit.settle("s");
    expect((await api.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T2).problems).toEqual([]);
    expect(createsPerRow(kit).every((n) => n === 1)).toBe(true);
  });
});

describe("an update interrupted by a death, superseded by a target that needs replacement", () => {
  // Fuzz seed 1333 (read): the row was UPDATE_IN_PROGRESS, locked by the dead engine, and the
  // new target changed a replace-on-change property. The check tried to replace the row while
  // it was still locked, was refused, and re-enqueued itself forever (a livelock).
  it("marks the row FAILED, replaces it and converges", async () => {
    const T1 = tpl({ A: res({ a: "1", "!a": "1" }) });
    const T2 = tpl({ A: res({ a: "2", "!a": "1" }) });
    const T3 = tpl({ A: res({ a: "2", "!a": "2" }) });
    const kit = setup({ engines: ["e1", "e2"] });
    const api = kit.engines[1] as Kit["engine"];
    await api.createStack("s", T1);
    await kit.runtime.runUntilIdle();
    const release = kit.reality.block("update", "A");
    await api.updateStack("s", T2);
    const { step } = await stepUntilBlocked(kit, "e1");
    await kit.runtime.killEngine("e1");
    release();
    await step; // the dead engine's update reached the cloud; its next write is fenced
    expect((await kit.rowsNamed("s", "A"))[0]).toMatchObject({ action: "UPDATE", status: "IN_PROGRESS", lockHolder: expect.stringMatching(/^e1#/) });
    await api.updateStack("s", T3);
    const steps = await kit.runtime.runUntilIdle({ maxSteps: 500 });
    expect(steps).toBeLessThan(500);
    expect((await api.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T3).problems).toEqual([]);
    expect(createsPerRow(kit).every((n) => n === 1)).toBe(true);
  });
});

describe("an update handler that answers UpdateReplace", () => {
  // Found with fuzz seed 50 (read, after the fix above): the row was written back to its
  // previous state and the decision made again - the same in-place update, the same answer,
  // forever (a livelock). The row is now replaced.
  it("replaces the resource", async () => {
    let made = 0;
    const deleted: string[] = [];
    const replacer = defineResourceType({
      type: "test:fuzz:Replacer",
      properties: z.object({ x: z.string() }),
      async create() {
        made += 1;
        return { physicalId: `rp-${made}` };
      },
      async update() {
        throw new UpdateReplace("x cannot change in place");
      },
      async delete(ctx) {
        if (ctx.physicalId !== null) deleted.push(ctx.physicalId);
      },
    });
    const kit = setup({ extraTypes: [replacer] });
    const T = (x: string) => ({ resources: { R: { type: "test:fuzz:Replacer", properties: { x } } } });
    await kit.engine.createStack("s", T("1"));
    await kit.runtime.runUntilIdle();
    await kit.engine.updateStack("s", T("2"));
    expect(await kit.runtime.runUntilIdle({ maxSteps: 500 })).toBeLessThan(500);
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    const rows = await kit.rowsNamed("s", "R");
    expect(rows.map((r) => r.physicalId)).toEqual(["rp-2"]);
    expect(deleted).toEqual(["rp-1"]);
  });
});

describe("an interrupted update re-applied with no change left", () => {
  // Fuzz seed 50 (read): a rollback met the row UPDATE_IN_PROGRESS (its engine died during
  // the update) with the target equal to the stored properties. The re-applied update named
  // every property as changed, replace-on-change ones included, so the scenario type asked
  // for replacement - and the row went back to UPDATE_IN_PROGRESS, in a loop.
  it("updates the resource back in place", async () => {
    const T1 = tpl({ A: res({ a: "1", "!a": "1" }) });
    const T2 = tpl({ A: res({ a: "2", "!a": "1" }) });
    const kit = setup({ engines: ["e1", "e2"] });
    const api = kit.engines[1] as Kit["engine"];
    await api.createStack("s", T1);
    await kit.runtime.runUntilIdle();
    const id = kit.reality.live("A")[0]?.physicalId;
    const release = kit.reality.block("update", "A");
    await api.updateStack("s", T2);
    const { step } = await stepUntilBlocked(kit, "e1");
    await kit.runtime.killEngine("e1");
    release();
    await step;
    expect(kit.reality.live("A")[0]?.entry.properties.a).toBe("2"); // the dead engine's update happened
    await api.updateStack("s", T1);
    expect(await kit.runtime.runUntilIdle({ maxSteps: 500 })).toBeLessThan(500);
    expect((await api.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T1).problems).toEqual([]);
    expect(kit.reality.live("A")[0]?.physicalId).toBe(id);
  });
});

describe("a replacement whose create is interrupted, replaced again in the same traversal", () => {
  // Fuzz seed 19 (neither): the replacement A' of A died in its create; the type can neither
  // read nor retry, so A' was marked FAILED and replaced by A''. A'' looked for its graph node
  // as "the node of the row it replaces" - A', which has none - so its check did nothing and
  // the traversal never completed. The `replaces` chain is now followed back to U(A).
  it("converges", async () => {
    const T1 = tpl({ A: res({ "!a": "1" }), B: res({ c: { get_resource: "A" } }) });
    const T2 = tpl({ A: res({ "!a": "2" }), B: res({ c: { get_resource: "A" } }) });
    const kit = setup({ engines: ["e1", "e2"], type: { withRead: false, idempotent: false } });
    const api = kit.engines[1] as Kit["engine"];
    await api.createStack("s", T1);
    await kit.runtime.runUntilIdle();
    const [a0] = await kit.rowsNamed("s", "A");
    await api.updateStack("s", T2);
    await stepNode(kit, "U", a0?.id ?? ""); // makes A'
    const a1 = (await kit.rowsNamed("s", "A")).find((r) => r.id !== a0?.id);
    // e1 dies in A's create, after taking the lock and before the plugin ran.
    killAtCreateCall(kit, "A", "e1");
    const index = kit.runtime.pending().findIndex((p) => p.message.kind === "node" && p.message.rowId === a1?.id);
    await kit.runtime.step({ index, engineId: "e1" });
    const row = (await kit.rows("s")).find((r) => r.id === a1?.id);
    expect(row).toMatchObject({ action: "CREATE", status: "IN_PROGRESS", lockHolder: expect.stringMatching(/^e1#/) });
    expect(kit.reality.live("A")).toHaveLength(1);
    await kit.runtime.runUntilIdle();
    expect((await api.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T2).problems).toEqual([]);
    const rows = await kit.rowsNamed("s", "A");
    expect(rows).toHaveLength(1);
    expect([a0?.id, a1?.id]).not.toContain(rows[0]?.id); // A'' stands for A
  });
});

describe("a resumed create interrupted again, resumed with other inputs", () => {
  // Fuzz seed 3696 (idempotent): the lock write of a resume recorded the new traversal's
  // inputs before the retry ran; the engine died right then. The next attempt took those for
  // the inputs the resource was made with, retried, and recorded the new properties over a
  // resource that still had the old ones. A resume now keeps the interrupted attempt's inputs,
  // retries with them, records what that made and converges it (here: an in-place update).
  it("records what the interrupted attempt made, then converges it", async () => {
    const T1 = tpl({ A: res({ a: "1" }), B: res({ a: "1", c: { get_resource: "A" } }) });
    const T2 = tpl({ A: res({ a: "1" }), B: res({ a: "2", c: { get_resource: "A" } }) });
    for (let ops = 0; ops < 30; ops++) {
      const kit = setup({ engines: ["e1", "e2", "e3"], type: { withRead: false, idempotent: true } });
      let killed = false;
      kit.reality.observe((op) => {
        if (op.op === "create" && op.name === "B" && !killed) {
          killed = true;
          void kit.runtime.killEngine("e1");
        }
      });
      const api = kit.engines[2] as Kit["engine"];
      await api.createStack("s", T1);
      while (!killed) await kit.runtime.step({ engineId: "e1" });
      await api.updateStack("s", T2);
      const [b] = await kit.rowsNamed("s", "B");
      const traversal = (await api.getStack("s")).traversalId;
      const index = (): number => kit.runtime.pending().findIndex((p) => p.message.kind === "node" && p.message.rowId === b?.id && p.message.traversalId === traversal);
      while (index() < 0) await kit.runtime.step({ engineId: "e3" });
      await kit.runtime.step({ index: index(), engineId: "e2", crashAfterOps: ops });
      const row = (await kit.rowsNamed("s", "B"))[0];
      if (row?.status === "COMPLETE") break; // past the resume
      if (row?.lockHolder?.startsWith("e2#") !== true) continue; // crashed before taking the lock
      expect(row.statusReason).toBe("resuming interrupted create");
      await kit.runtime.runUntilIdle();
      expect((await api.getStack("s")).state, `crash after ${ops} ops`).toBe("UPDATE_COMPLETE");
      expect(verify(kit.reality, T2).problems).toEqual([]);
      expect(createsPerRow(kit).every((n) => n === 1)).toBe(true);
      return;
    }
    throw new Error("no crash point inside the resume");
  });
});

describe("an engine that dies while it starts a traversal", () => {
  // Fuzz seed 4942 (neither): a worker failed a node and started the rollback; it died after
  // the rollback's CAS and before the graph, the leaves and the timers were stored. Nothing
  // ever looked at the rollback again: the stack stayed ROLLBACK_IN_PROGRESS forever. The
  // timers are now armed before the CAS, so the watchdog finds the lost traversal.
  it("leaves a traversal the watchdog fails with a clear reason", async () => {
    const T = tpl({ A: res({ a: "1" }), B: res({ a: "1", c: { get_resource: "A" } }) });
    for (let ops = 0; ops < 40; ops++) {
      const kit = setup({ engines: ["e1", "e2"], watchdogIntervalMs: 1000 });
      kit.reality.fail({ op: "create", name: "B" });
      await kit.engine.createStack("s", T);
      const [b] = await kit.rowsNamed("s", "B");
      const index = (): number => kit.runtime.pending().findIndex((p) => p.message.kind === "node" && p.message.rowId === b?.id);
      while (index() < 0) await kit.runtime.step({ engineId: "e2" });
      await kit.runtime.step({ index: index(), engineId: "e1", crashAfterOps: ops });
      const stack = await kit.stack("s");
      if (stack?.action !== "ROLLBACK") continue; // died before the rollback's CAS
      if ((await kit.runtime.store.loadGraph(stack.id, stack.currentTraversal)) !== null) break; // past the graph
      await kit.settle("s", 5);
      const settled = await kit.engines[1]?.getStack("s");
      expect(settled?.state, `crash after ${ops} ops`).toBe("ROLLBACK_FAILED");
      expect(settled?.statusReason).toMatch(/Traversal lost/);
      return;
    }
    throw new Error("no crash point between the rollback's CAS and its graph");
  });
});

describe("duplicate deliveries on a dense graph", () => {
  // Fuzz seed 430 (both): every report fires the successors that are ready, so a duplicate
  // check re-reported, re-firing its successors, whose re-runs re-fired theirs: along a dense
  // graph the checks multiplied (thousands queued for 29 resources) until the run looked like
  // a livelock. A check of a node that already reported now does nothing.
  it("runs a linear number of checks", async () => {
    const n = 10;
    const resources: Record<string, ReturnType<typeof res>> = {};
    for (let i = 0; i < n; i++) resources[`R${i}`] = res({ a: "1" }, Array.from({ length: i }, (_, j) => `R${j}`));
    let runtime: MemoryRuntime | undefined;
    const harness = await memoryScenarioHarness({ duplicate: true, onRuntime: (r) => (runtime = r) })(new Reality());
    await harness.engine.createStack("s", tpl(resources));
    await harness.runUntilIdle();
    await harness.engine.deleteStack("s");
    await harness.runUntilIdle();
    expect(harness.reality.entries.size).toBe(0);
    // n update nodes, then n cleanup nodes, each delivered twice, plus the completions:
    // far below the n * (n - 1) / 2 re-fires per level of the old behaviour.
    expect(runtime?.stats().delivered).toBeLessThan(8 * n);
    await harness.close();
  });
});
