/**
 * Continuous reconciliation (issue 13) on the memory runtime's virtual clock: report and
 * repair modes, stacks spread over the interval, runs skipped while a traversal is in flight,
 * the chain stopped when the policy is removed or the stack deleted.
 */
import { describe, expect, it } from "vitest";
import { InvalidOptionsError } from "@converge/core";
import { verify } from "@converge/core/testing";
import { nextReconcileDue, reconcileOffset } from "../src/protocol/reconcile.js";
import type { Kit } from "./support/protocol-kit.js";
import { res, setup, stepUntilBlocked, tpl } from "./support/protocol-kit.js";

const T1 = tpl({ A: res({ a: "1", b: "1" }), B: res({ a: "1", c: { get_resource: "A" } }), C: res({ a: "1" }) });
const TEN_MIN = 600_000;

const physicalId = (kit: Kit, name: string): string => kit.reality.live(name)[0]?.physicalId ?? "";

async function stackEvents(kit: Kit, name = "s"): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kit.engine.events(name)) if (e.kind === "stack") out.push(`${e.action}_${e.status}`);
  return out;
}

function reconcileTimers(kit: Kit): Array<{ stackId: string; at: number }> {
  return kit.runtime
    .snapshot()
    .timers.filter((t) => t.message.kind === "reconcile")
    .map((t) => ({ stackId: t.message.stackId, at: t.at }));
}

/** Advance the virtual clock by one interval and run everything it started. */
async function oneInterval(kit: Kit): Promise<void> {
  kit.runtime.advanceTime(TEN_MIN);
  await kit.runtime.runUntilIdle();
}

describe("reconcile policy", () => {
  it("report: a check runs once per interval and reports drift as events, changing nothing", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1, { reconcile: { every: "10m", mode: "report" } });
    await kit.runtime.runUntilIdle();
    expect(reconcileTimers(kit)).toHaveLength(1);
    kit.reality.tamper(physicalId(kit, "A"), { b: "edited" });
    const log = kit.reality.log.length;
    await oneInterval(kit);
    expect((await kit.engine.getStack("s")).state).toBe("CHECK_COMPLETE");
    const reasons: string[] = [];
    for await (const e of kit.engine.events("s")) if (e.action === "CHECK" && e.kind === "resource") reasons.push(`${e.resourceName}: ${e.reason}`);
    expect(reasons.sort()).toEqual(["A: DRIFTED: b", "B: IN_SYNC", "C: IN_SYNC"]);
    expect(kit.reality.log.length).toBe(log);
    await oneInterval(kit);
    await oneInterval(kit);
    expect((await stackEvents(kit)).filter((e) => e === "CHECK_IN_PROGRESS")).toHaveLength(3);
    expect(reconcileTimers(kit)).toHaveLength(1);
  });

  it("repair: drift is updated back and a missing resource re-created, with no template change", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1, { reconcile: { every: TEN_MIN, mode: "repair" } });
    await kit.runtime.runUntilIdle();
    kit.reality.tamper(physicalId(kit, "A"), { b: "edited" });
    kit.reality.vanish(physicalId(kit, "C"));
    await oneInterval(kit);
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
    const log = kit.reality.log.length;
    await oneInterval(kit); // nothing drifted: the repair changes nothing
    expect(kit.reality.log.length).toBe(log);
    expect((await stackEvents(kit)).filter((e) => e === "UPDATE_COMPLETE")).toHaveLength(2);
  });

  it("spreads stacks over the interval (a per-stack offset), each run strictly within the next interval", async () => {
    const kit = setup();
    const now = kit.runtime.now();
    for (let i = 0; i < 40; i++) await kit.engine.createStack(`s${i}`, tpl({ A: res({ a: "1" }) }), { reconcile: { every: "10m", mode: "report" } });
    const timers = reconcileTimers(kit);
    expect(timers).toHaveLength(40);
    for (const t of timers) {
      expect(t.at).toBeGreaterThan(now);
      expect(t.at).toBeLessThanOrEqual(now + TEN_MIN);
      expect(t.at).toBe(nextReconcileDue(t.stackId, TEN_MIN, now));
      expect(t.at % TEN_MIN).toBe(reconcileOffset(t.stackId, TEN_MIN));
    }
    // 40 stacks over 10 one-minute buckets: no bucket holds more than a third of them.
    const buckets = new Map<number, number>();
    for (const t of timers) buckets.set(Math.floor((t.at - now) / 60_000), (buckets.get(Math.floor((t.at - now) / 60_000)) ?? 0) + 1);
    expect(Math.max(...buckets.values())).toBeLessThan(14);
    expect(buckets.size).toBeGreaterThanOrEqual(6);
  });

  it("skips a run while a traversal is in flight, and runs at the next interval", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1, { reconcile: { every: "10m", mode: "report" } });
    await kit.runtime.runUntilIdle();
    const release = kit.reality.block("update", "A");
    await kit.engine.updateStack("s", tpl({ A: res({ a: "2", b: "1" }), B: res({ a: "1", c: { get_resource: "A" } }), C: res({ a: "1" }) }));
    const { step } = await stepUntilBlocked(kit);
    const [due] = reconcileTimers(kit);
    kit.runtime.advanceTime(TEN_MIN);
    expect(kit.runtime.pending().map((p) => p.message.kind)).toContain("reconcile");
    await kit.runtime.runUntilIdle(); // the reconcile run finds the update in flight
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_IN_PROGRESS");
    expect(reconcileTimers(kit).map((t) => t.at)).toEqual([(due?.at ?? 0) + TEN_MIN]);
    release();
    await step;
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(await stackEvents(kit)).not.toContain("CHECK_IN_PROGRESS");
    await oneInterval(kit);
    expect((await kit.engine.getStack("s")).state).toBe("CHECK_COMPLETE");
  });

  it("updateStack keeps the policy when not given; null removes it and the chain stops", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1, { reconcile: { every: "10m", mode: "report" } });
    await kit.runtime.runUntilIdle();
    await kit.engine.updateStack("s", T1);
    await kit.runtime.runUntilIdle();
    expect(reconcileTimers(kit)).toHaveLength(1); // the same run, not a second chain
    expect((await kit.stack("s"))?.options.reconcile).toEqual({ everyMs: TEN_MIN, mode: "report" });
    await kit.engine.updateStack("s", T1, { reconcile: null });
    await kit.runtime.runUntilIdle();
    await oneInterval(kit);
    await oneInterval(kit);
    expect(await stackEvents(kit)).not.toContain("CHECK_IN_PROGRESS");
    expect(reconcileTimers(kit)).toEqual([]);
  });

  it("a changed interval starts a new chain and the old one stops", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1, { reconcile: { every: "10m", mode: "report" } });
    await kit.runtime.runUntilIdle();
    await kit.engine.updateStack("s", T1, { reconcile: { every: "7m", mode: "report" } });
    await kit.runtime.runUntilIdle();
    for (let i = 0; i < 6; i++) await oneInterval(kit);
    const timers = reconcileTimers(kit);
    expect(timers).toHaveLength(1);
    expect(((timers[0]?.at ?? 0) - reconcileOffset(timers[0]?.stackId ?? "", 420_000)) % 420_000).toBe(0);
    // 60 minutes at one run per 7 minutes (each 10-minute step may hold one or two runs).
    const checks = (await stackEvents(kit)).filter((e) => e === "CHECK_IN_PROGRESS").length;
    expect(checks).toBeGreaterThanOrEqual(6);
    expect(checks).toBeLessThanOrEqual(9);
  });

  it("stops when the stack is deleted", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1, { reconcile: { every: "10m", mode: "repair" } });
    await kit.runtime.runUntilIdle();
    await kit.engine.deleteStack("s");
    await kit.runtime.runUntilIdle();
    await oneInterval(kit);
    expect(reconcileTimers(kit)).toEqual([]);
    expect(kit.reality.entries.size).toBe(0);
    expect(await kit.engine.listStacks()).toEqual([]);
  });

  it("a run delivered again after it started its check starts no second one", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1, { reconcile: { every: "10m", mode: "report" } });
    await kit.runtime.runUntilIdle();
    kit.runtime.advanceTime(TEN_MIN);
    const run = kit.runtime.pending().find((p) => p.message.kind === "reconcile")?.message;
    expect(run).toBeDefined();
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("CHECK_COMPLETE");
    if (run !== undefined) await kit.runtime.enqueue([run]); // redelivered (its worker died after the start)
    await kit.runtime.runUntilIdle();
    expect((await stackEvents(kit)).filter((e) => e === "CHECK_IN_PROGRESS")).toHaveLength(1);
    expect(reconcileTimers(kit)).toHaveLength(1);
  });

  it("rejects bad policies, naming the field", async () => {
    const kit = setup();
    await expect(kit.engine.createStack("s", T1, { reconcile: { every: "10 minutes", mode: "report" } })).rejects.toThrow(/reconcile\.every/);
    await expect(kit.engine.createStack("s", T1, { reconcile: { every: 10, mode: "report" } })).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(kit.engine.createStack("s", T1, { reconcile: { every: "1m", mode: "fix" as "repair" } })).rejects.toThrow(/reconcile\.mode/);
  });
});
