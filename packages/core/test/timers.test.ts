/**
 * Timers (W-D): the stack timeout fires by timer, not when the next check happens to arrive;
 * the watchdog resumes a traversal that nothing drives any more (a parked row whose holder
 * died before it could retrigger it).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_STACK_TIMEOUT_MS } from "@converge/core";
import { verify } from "@converge/core/testing";
import { res, setup, stepUntilBlocked, tpl } from "./support/protocol-kit.js";

const T1 = tpl({ A: res({ a: "1" }), B: res({ a: "1", c: { get_resource: "A" } }), C: res({ a: "1", ca: { get_attr: ["B", "a"] } }) });
const T2 = tpl({ A: res({ a: "2" }), B: res({ a: "2", c: { get_resource: "A" } }), C: res({ a: "2", ca: { get_attr: ["B", "a"] } }) });
const T3 = tpl({ A: res({ a: "3" }), B: res({ a: "3", c: { get_resource: "A" } }), C: res({ a: "3", ca: { get_attr: ["B", "a"] } }) });

describe("stack timeout", () => {
  it("fails the stack by timer, with no node check arriving", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1, { timeoutMs: 5000, disableRollback: true });
    const nodes = kit.runtime.pending().length;
    expect(nodes).toBeGreaterThan(0);
    kit.runtime.advanceTime(4999);
    expect(kit.runtime.pending()).toHaveLength(nodes); // not due yet
    kit.runtime.advanceTime(1);
    const index = kit.runtime.pending().findIndex((p) => p.message.kind === "timeout");
    expect(index).toBeGreaterThanOrEqual(0);
    await kit.runtime.step({ index }); // only the timer's own message
    const stack = await kit.engine.getStack("s");
    expect(stack.state).toBe("CREATE_FAILED");
    expect(stack.statusReason).toMatch(/timed out/);
    await kit.runtime.runUntilIdle(); // the queued node checks are dropped
    expect(kit.reality.entries.size).toBe(0);
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_FAILED");
  });

  it("aborts the plugin call in flight and rolls back", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    await kit.runtime.runUntilIdle();
    const release = kit.reality.block("update", "B");
    await kit.engine.updateStack("s", T2, { timeoutMs: 60_000 });
    const { step } = await stepUntilBlocked(kit);
    kit.runtime.advanceTime(60_000);
    await kit.runtime.runUntil(async () => (await kit.engine.getStack("s")).action === "ROLLBACK");
    await step; // aborted by the timeout
    release();
    const [b] = await kit.rowsNamed("s", "B");
    expect(b?.statusReason).toMatch(/aborted/);
    await kit.runtime.runUntilIdle();
    const stack = await kit.engine.getStack("s");
    expect(stack.state).toBe("ROLLBACK_COMPLETE");
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
    const reasons: string[] = [];
    for await (const e of kit.engine.events("s")) if (e.kind === "stack" && e.status === "FAILED") reasons.push(e.reason);
    expect(reasons.some((r) => r.includes("timed out"))).toBe(true);
  });
});

describe("default stack timeout", () => {
  it("is 60 minutes when none is given, kept by an update without one, and off with null", async () => {
    expect(DEFAULT_STACK_TIMEOUT_MS).toBe(60 * 60 * 1000);
    const kit = setup();
    await kit.engine.createStack("s", T1, { disableRollback: true });
    const first = await kit.stack("s");
    expect(first?.options.timeoutMs).toBe(DEFAULT_STACK_TIMEOUT_MS);
    expect(first?.deadline).toBe(kit.runtime.now() + DEFAULT_STACK_TIMEOUT_MS);
    kit.runtime.advanceTime(DEFAULT_STACK_TIMEOUT_MS - 1);
    expect(kit.runtime.pending().some((p) => p.message.kind === "timeout")).toBe(false);
    kit.runtime.advanceTime(1);
    const index = kit.runtime.pending().findIndex((p) => p.message.kind === "timeout");
    expect(index).toBeGreaterThanOrEqual(0);
    await kit.runtime.step({ index });
    expect((await kit.engine.getStack("s")).statusReason).toMatch(/timed out after 3600000 ms/);
    await kit.runtime.runUntilIdle();

    await kit.engine.updateStack("s", T2, { timeoutMs: 10_000 });
    await kit.engine.updateStack("s", T3); // keeps 10 s
    expect((await kit.stack("s"))?.options.timeoutMs).toBe(10_000);
    await kit.engine.updateStack("s", T2, { timeoutMs: null });
    const none = await kit.stack("s");
    expect(none?.options.timeoutMs).toBeNull();
    expect(none?.deadline).toBeNull();
  });
});

describe("watchdog", () => {
  it("resumes a row parked behind a holder that died before retriggering it", async () => {
    const kit = setup({ engines: ["e1", "e2"], watchdogIntervalMs: 10_000 });
    const [e1] = kit.engines;
    await e1?.createStack("s", T1);
    await kit.runtime.runUntilIdle();
    const release = kit.reality.block("update", "B");
    await e1?.updateStack("s", T2);
    const { step } = await stepUntilBlocked(kit, "e1"); // e1 holds B's lock, in the plugin call
    await e1?.updateStack("s", T3); // supersedes; T3's check of B parks behind live e1
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_IN_PROGRESS");
    expect(kit.runtime.pending()).toEqual([]);

    await kit.runtime.killEngine("e1"); // dies: it will never retrigger B
    release();
    await step; // the zombie call finished; its next write is fenced and the check re-queued
    await kit.runtime.runUntilIdle(); // the re-queued check is stale and dropped
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_IN_PROGRESS");
    expect(kit.runtime.pending()).toEqual([]);

    kit.runtime.advanceTime(10_000);
    expect(new Set(kit.runtime.pending().map((p) => p.message.kind))).toEqual(new Set(["watchdog"])); // one per traversal
    await kit.runtime.runUntilIdle();
    const stack = await kit.engine.getStack("s");
    expect(stack.state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T3)).toEqual({ ok: true, problems: [] });
    const [b] = await kit.rowsNamed("s", "B");
    expect(b?.lockHolder).toBeNull();
  });

  it("re-arms itself while checks are queued and leaves a healthy traversal alone", async () => {
    const kit = setup({ watchdogIntervalMs: 1000 });
    await kit.engine.createStack("s", T1);
    kit.runtime.advanceTime(1000);
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(verify(kit.reality, T1).ok).toBe(true);
    expect(kit.reality.log.filter((o) => o.op === "create")).toHaveLength(3);
    kit.runtime.advanceTime(5000);
    await kit.runtime.runUntilIdle(); // a completed stack's watchdog does nothing
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
  });
});
