/**
 * The CHECK traversal (issue 13): reality is read through the type's `read` and compared
 * with the rows; per-row results IN_SYNC / DRIFTED (which properties) / MISSING / UNCHECKED,
 * CHECK_COMPLETE or CHECK_FAILED, no create/update/delete call, superseded by an update.
 */
import { describe, expect, it } from "vitest";
import { StackStateError } from "@converge/core";
import { verify } from "@converge/core/testing";
import type { Kit } from "./support/protocol-kit.js";
import { res, setup, stepUntilBlocked, tpl } from "./support/protocol-kit.js";

const T1 = tpl({ A: res({ a: "1", b: "1" }), B: res({ a: "1", c: { get_resource: "A" } }), C: res({ a: "1" }) });

async function created(kit: Kit): Promise<void> {
  await kit.engine.createStack("s", T1);
  await kit.runtime.runUntilIdle();
  expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
}

const physicalId = (kit: Kit, name: string): string => kit.reality.live(name)[0]?.physicalId ?? "";

async function checkResults(kit: Kit): Promise<Record<string, { status: string | null; drifted: readonly string[] }>> {
  const out: Record<string, { status: string | null; drifted: readonly string[] }> = {};
  for (const r of await kit.engine.listResources("s")) out[r.name] = { status: r.checkStatus, drifted: r.driftedProperties };
  return out;
}

async function resourceReasons(kit: Kit): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of kit.engine.events("s")) if (e.kind === "resource" && e.action === "CHECK") out[e.resourceName ?? ""] = e.reason;
  return out;
}

describe("checkStack", () => {
  it("records drift per property and missing resources, calls no create/update/delete, keeps the templates", async () => {
    const kit = setup();
    await created(kit);
    const before = await kit.stack("s");
    kit.reality.tamper(physicalId(kit, "A"), { b: "edited", ca: "added" });
    kit.reality.vanish(physicalId(kit, "C"));
    const calls = kit.reality.calls.length;

    const started = await kit.engine.checkStack("s");
    expect(started.state).toBe("CHECK_IN_PROGRESS");
    await kit.runtime.runUntilIdle();

    const stack = await kit.engine.getStack("s");
    expect(stack.state).toBe("CHECK_COMPLETE");
    expect(stack.statusReason).toBe("Stack CHECK completed: 1 in sync, 1 drifted, 1 missing, 0 unchecked");
    expect(await checkResults(kit)).toEqual({
      A: { status: "DRIFTED", drifted: ["b", "ca"] },
      B: { status: "IN_SYNC", drifted: [] },
      C: { status: "MISSING", drifted: [] },
    });
    expect(await resourceReasons(kit)).toEqual({ A: "DRIFTED: b, ca", B: "IN_SYNC", C: "MISSING" });
    expect(kit.reality.calls.length).toBe(calls);
    const after = await kit.stack("s");
    expect(after?.templateId).toBe(before?.templateId);
    expect(after?.prevTemplateId).toBe(before?.prevTemplateId);
    for (const row of await kit.rows("s")) expect(row.lockHolder).toBeNull();
    // The template is still there: an update after a check works as usual.
    await kit.engine.updateStack("s", T1);
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(kit.runtime.pending()).toEqual([]);
  });

  it("a second check after the drift is undone reports everything in sync", async () => {
    const kit = setup();
    await created(kit);
    const a = physicalId(kit, "A");
    kit.reality.tamper(a, { b: "edited" });
    await kit.engine.checkStack("s");
    await kit.runtime.runUntilIdle();
    expect((await checkResults(kit)).A?.status).toBe("DRIFTED");
    kit.reality.tamper(a, { b: "1" });
    await kit.engine.checkStack("s");
    await kit.runtime.runUntilIdle();
    expect(Object.values(await checkResults(kit)).map((r) => r.status)).toEqual(["IN_SYNC", "IN_SYNC", "IN_SYNC"]);
  });

  it("reports resources whose type has no read as UNCHECKED, never as in sync", async () => {
    const kit = setup({ type: { withRead: false } });
    await created(kit);
    await kit.engine.checkStack("s");
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).statusReason).toBe("Stack CHECK completed: 0 in sync, 0 drifted, 0 missing, 3 unchecked");
    expect(Object.values(await checkResults(kit)).map((r) => r.status)).toEqual(["UNCHECKED", "UNCHECKED", "UNCHECKED"]);
  });

  it("is CHECK_FAILED with the reason when a read throws, and does not roll back", async () => {
    const kit = setup({ retry: { maxAttempts: 1 } });
    await created(kit);
    kit.reality.failRead("B", "permission denied reading B");
    await kit.engine.checkStack("s");
    await kit.runtime.runUntilIdle();
    const stack = await kit.engine.getStack("s");
    expect(stack.state).toBe("CHECK_FAILED");
    expect(stack.statusReason).toBe("Resource B: read failed: permission denied reading B");
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
    expect(kit.runtime.pending()).toEqual([]);
  });

  it("a cancelled check only stops (CHECK_FAILED, no rollback); a check is never rolled back", async () => {
    const kit = setup();
    await created(kit);
    await kit.engine.checkStack("s");
    const cancelled = await kit.engine.cancelUpdate("s");
    expect(cancelled.state).toBe("CHECK_FAILED");
    expect(cancelled.statusReason).toBe("Stack CHECK cancelled");
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("CHECK_FAILED");
    await expect(kit.engine.rollbackStack("s")).rejects.toBeInstanceOf(StackStateError);
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
    expect(kit.reality.calls).toHaveLength(3);
  });

  it("refuses a stack with a traversal in progress", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    await expect(kit.engine.checkStack("s")).rejects.toBeInstanceOf(StackStateError);
  });

  it("is superseded by an update that arrives mid-check: the update converges, the rest of the check writes nothing", async () => {
    const kit = setup();
    await created(kit);
    kit.reality.tamper(physicalId(kit, "A"), { b: "edited" });
    await kit.engine.checkStack("s");
    await kit.runtime.step(); // one resource checked
    const checked = (await kit.rows("s")).filter((r) => r.checkStatus !== null).map((r) => r.name);
    expect(checked).toHaveLength(1);
    const T2 = tpl({ A: res({ a: "2", b: "1" }), B: res({ a: "2", c: { get_resource: "A" } }), C: res({ a: "2" }) });
    await kit.engine.updateStack("s", T2);
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T2)).toEqual({ ok: true, problems: [] });
    // The remaining check messages found their traversal superseded: no other row got a result.
    expect((await kit.rows("s")).filter((r) => r.checkStatus !== null).map((r) => r.name)).toEqual(checked);
    const stackEvents: string[] = [];
    for await (const e of kit.engine.events("s")) if (e.kind === "stack") stackEvents.push(`${e.action}_${e.status}`);
    expect(stackEvents).not.toContain("CHECK_COMPLETE");
  });

  it("reports a row locked by a live attempt of an older traversal as UNCHECKED without waiting", async () => {
    const kit = setup({ type: { honourAbort: false } });
    await created(kit);
    const release = kit.reality.block("update", "C");
    await kit.engine.updateStack("s", tpl({ A: res({ a: "1", b: "1" }), B: res({ a: "1", c: { get_resource: "A" } }), C: res({ a: "2" }) }));
    const { step } = await stepUntilBlocked(kit);
    await kit.engine.cancelUpdate("s", { rollback: false });
    expect((await kit.rowsNamed("s", "C"))[0]?.lockHolder).not.toBeNull();
    await kit.engine.checkStack("s");
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("CHECK_COMPLETE");
    const reasons = await resourceReasons(kit);
    expect(reasons.C).toMatch(/^UNCHECKED: busy \(locked by e1#/);
    expect(reasons.A).toBe("IN_SYNC");
    release();
    await step;
    await kit.runtime.runUntilIdle();
  });
});
