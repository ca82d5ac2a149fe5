/**
 * A paused engine (issue 9, item 2): its lease lapses while a check of it runs - a GC pause,
 * a SIGSTOP, a frozen VM - and another engine takes the row over. Every plugin call is
 * fenced (the lease is certainly held and the row still locked by the attempt), the calls in
 * flight are aborted, and a create whose result can no longer be recorded is deleted through
 * the type: reality ends with exactly one live resource per row, and none after the delete.
 */
import { describe, expect, it } from "vitest";
import type { CheckMessage, Logger, StackEvent } from "@converge/core";
import { verify } from "@converge/core/testing";
import type { Kit } from "./support/protocol-kit.js";
import { killAtCreateCall, res, setup, stepUntilBlocked, tpl } from "./support/protocol-kit.js";

const T = tpl({ A: res({ a: "1" }), B: res({ c: { get_resource: "A" } }) });

/** Deliver A's check again, as BullMQ's stalled-job recovery does for a worker that stopped renewing. */
async function redeliverA(kit: Kit): Promise<void> {
  const stack = await kit.stack("s");
  const [a] = await kit.rowsNamed("s", "A");
  if (stack === null || a === undefined) throw new Error("no stack or no row A");
  const message: CheckMessage = { kind: "node", stackId: stack.id, traversalId: stack.currentTraversal, rowId: a.id, direction: "U" };
  await kit.runtime.enqueue([message]);
}

/** Hold the first `op` of `name` in flight (ignoring its abort signal) until released. */
function holdFirstCreate(kit: Kit, name: string, which: "create" | "update" = "create"): () => void {
  const before = kit.reality.before.bind(kit.reality);
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let first = true;
  kit.reality.before = async (op, resource, signal, honourAbort) => {
    if (op === which && resource === name && first) {
      first = false;
      kit.reality.calls.push({ op, name: resource });
      await held;
      return;
    }
    return before(op, resource, signal, honourAbort);
  };
  return release;
}

async function deleteAndSettle(kit: Kit): Promise<void> {
  await kit.engine.deleteStack("s");
  await kit.settle("s");
  expect(await kit.stack("s")).toBeNull();
  expect(kit.reality.entries.size).toBe(0);
}

describe("a paused engine is fenced", () => {
  it("a create that finished after its row was taken over is deleted, not left as a duplicate", async () => {
    // Creates are not idempotent, and the held one ignores the abort: it makes a second resource.
    const kit = setup({ engines: ["e1", "e2"], type: { idempotent: false, withRead: true } });
    const release = holdFirstCreate(kit, "A");
    await kit.engine.createStack("s", T);
    const { step } = await stepUntilBlocked(kit, "e1");
    expect((await kit.rowsNamed("s", "A"))[0]).toMatchObject({ action: "CREATE", status: "IN_PROGRESS" });
    // e1 is paused past its lease; e2 gets A's check again and takes the row over.
    kit.runtime.lapseLease("e1");
    await redeliverA(kit);
    await kit.runtime.runUntil(async () => (await kit.stack("s"))?.status !== "IN_PROGRESS", { maxSteps: 100 });
    while (kit.runtime.pending().length > 0) await kit.runtime.step({ engineId: "e2" });
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    const recorded = (await kit.rowsNamed("s", "A"))[0]?.physicalId;
    // e1 wakes up: its lease is renewed and its create returns a second resource it cannot record.
    kit.runtime.renewLease("e1");
    release();
    await step;
    await kit.runtime.runUntilIdle();
    expect(kit.reality.counts()).toEqual({ A: 1, B: 1 });
    expect(kit.reality.live("A")[0]?.physicalId).toBe(recorded);
    expect(verify(kit.reality, T)).toEqual({ ok: true, problems: [] });
    await deleteAndSettle(kit);
  });

  it("a call does not start once the engine's lease may have lapsed; another engine does the work", async () => {
    const kit = setup({ engines: ["e1", "e2"], type: { idempotent: false, withRead: true } });
    await kit.engine.createStack("s", T);
    kit.runtime.lapseLease("e1");
    // e1 still runs (a paused process that woke up) and takes A's check: it must not call the plugin.
    await kit.runtime.step({ engineId: "e1" });
    expect(kit.reality.calls).toEqual([]);
    while (kit.runtime.pending().length > 0) await kit.runtime.step({ engineId: "e2" });
    await kit.settle("s");
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(kit.reality.counts()).toEqual({ A: 1, B: 1 });
    expect(verify(kit.reality, T)).toEqual({ ok: true, problems: [] });
    await deleteAndSettle(kit);
  });

  it("a create in flight is aborted when the lease lapses, and stops without a write", async () => {
    const kit = setup({ engines: ["e1", "e2"], type: { idempotent: false, withRead: true, honourAbort: true } });
    const release = kit.reality.block("create", "A");
    await kit.engine.createStack("s", T);
    const { step } = await stepUntilBlocked(kit, "e1");
    const before = (await kit.rowsNamed("s", "A"))[0];
    kit.runtime.lapseLease("e1");
    await step;
    release();
    // Aborted by the lost lease: no resource, and the row is left as it was (not FAILED).
    expect(kit.reality.counts()).toEqual({});
    expect((await kit.rowsNamed("s", "A"))[0]).toMatchObject({ action: "CREATE", status: "IN_PROGRESS", version: before?.version });
    while (kit.runtime.pending().length > 0) await kit.runtime.step({ engineId: "e2" });
    await kit.settle("s");
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(kit.reality.counts()).toEqual({ A: 1, B: 1 });
    await deleteAndSettle(kit);
  });

  it("a create that cannot be recorded and cannot be deleted is reported as an orphan, never dropped", async () => {
    const kit = setup({ engines: ["e1", "e2"], type: { idempotent: false, withRead: true } });
    const release = holdFirstCreate(kit, "A");
    await kit.engine.createStack("s", T);
    const { step } = await stepUntilBlocked(kit, "e1");
    kit.runtime.lapseLease("e1");
    await redeliverA(kit);
    while (kit.runtime.pending().length > 0) await kit.runtime.step({ engineId: "e2" });
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    kit.reality.fail({ op: "delete", name: "A", times: 1, message: "the cloud is down" });
    kit.runtime.renewLease("e1");
    release();
    await step;
    const recorded = (await kit.rowsNamed("s", "A"))[0]?.physicalId;
    const orphan = kit.reality.live("A").find((r) => r.physicalId !== recorded)?.physicalId;
    expect(orphan).toBeDefined();
    const stack = await kit.stack("s");
    const events: StackEvent[] = await kit.runtime.store.readEvents(stack?.id ?? "", null);
    const reported = events.find((e) => e.action === "DELETE" && e.status === "FAILED" && e.physicalId === orphan);
    expect(reported?.reason).toMatch(/orphaned resource .*the cloud is down/);
  });

  it("a create whose row is an interrupted create again is deleted under the row's lock, never while the row's resume could adopt it", async () => {
    // e1 is paused in A's create; e2 takes the row over and dies at its own create call. When
    // e1's create returns, e3 may be resuming A: its read would find e1's resource by the
    // create's idempotency key and adopt it - and a delete running at the same time would leave
    // the row recording a resource that is gone. e1 takes the row before it deletes.
    const warnings: string[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => void warnings.push(m), error: () => undefined };
    const kit = setup({ engines: ["e1", "e2", "e3"], logger, type: { idempotent: false, withRead: true } });
    const release = holdFirstCreate(kit, "A");
    await kit.engine.createStack("s", T);
    const { step } = await stepUntilBlocked(kit, "e1");
    kit.runtime.lapseLease("e1");
    killAtCreateCall(kit, "A", "e2");
    await redeliverA(kit);
    await kit.runtime.step({ engineId: "e2" });
    expect(await kit.runtime.isAlive("e2")).toBe(false);
    expect((await kit.rowsNamed("s", "A"))[0]).toMatchObject({ action: "CREATE", status: "IN_PROGRESS", physicalId: null });
    // e1's delete of its resource is held here while e3 tries to resume the row.
    const releaseDelete = kit.reality.block("delete", "A");
    let deleteStarted = (): void => undefined;
    const started = new Promise<void>((resolve) => (deleteStarted = resolve));
    const before = kit.reality.before.bind(kit.reality);
    kit.reality.before = async (op, resource, signal, honourAbort) => {
      if (op === "delete" && resource === "A") deleteStarted();
      return before(op, resource, signal, honourAbort);
    };
    kit.runtime.renewLease("e1");
    release();
    await Promise.race([step, started]);
    const made = kit.reality.live("A")[0]?.physicalId;
    expect((await kit.rowsNamed("s", "A"))[0]?.lockHolder).toMatch(/^e1#/);
    // e3 finds the row held by a running attempt of a live engine: it parks, adopting nothing.
    while (kit.runtime.pending().length > 0) await kit.runtime.step({ engineId: "e3" });
    expect((await kit.rowsNamed("s", "A"))[0]).toMatchObject({ action: "CREATE", status: "IN_PROGRESS", physicalId: null });
    releaseDelete();
    await step;
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(kit.reality.counts()).toEqual({ A: 1, B: 1 });
    // The row was given back and resumed: its read found nothing, so it made A afresh.
    expect(kit.reality.live("A")[0]?.physicalId).not.toBe(made);
    expect(kit.reality.live("A")[0]?.physicalId).toBe((await kit.rowsNamed("s", "A"))[0]?.physicalId);
    expect(verify(kit.reality, T)).toEqual({ ok: true, problems: [] });
    expect(warnings.some((w) => /could not record it .*is an interrupted create\); deleting it before the row is resumed/.test(w))).toBe(true);
    await deleteAndSettle(kit);
  });

  it("an update applied late, after a newer one was recorded, is undone: the row's properties are applied again", async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => void warnings.push(m), error: () => undefined };
    const kit = setup({ engines: ["e1", "e2"], logger });
    await kit.engine.createStack("s", T);
    await kit.settle("s");
    // e1's update of A to a=2 is in flight when e1 is paused past its lease...
    const release = holdFirstCreate(kit, "A", "update");
    await kit.engine.updateStack("s", tpl({ A: res({ a: "2" }), B: res({ c: { get_resource: "A" } }) }));
    const { step } = await stepUntilBlocked(kit, "e1");
    kit.runtime.lapseLease("e1");
    // ...and a newer update, to a=3, supersedes it: e2 takes A over and completes it.
    const T3 = tpl({ A: res({ a: "3" }), B: res({ c: { get_resource: "A" } }) });
    await kit.engine.updateStack("s", T3);
    await kit.runtime.runUntil(async () => (await kit.engine.getStack("s")).state === "UPDATE_COMPLETE", { maxSteps: 200 });
    expect((await kit.rowsNamed("s", "A"))[0]?.properties).toEqual({ a: "3" });
    // e1 wakes and its call lands late: the resource gets a=2, which no row records.
    kit.runtime.renewLease("e1");
    release();
    await step;
    await kit.runtime.runUntilIdle();
    expect(warnings.some((w) => /the update of A was applied late .*applying the properties its row records again/.test(w))).toBe(true);
    expect((await kit.rowsNamed("s", "A"))[0]).toMatchObject({ action: "UPDATE", status: "COMPLETE", lockHolder: null, properties: { a: "3" } });
    expect(verify(kit.reality, T3)).toEqual({ ok: true, problems: [] });
    expect(kit.reality.counts()).toEqual({ A: 1, B: 1 });
  });
});
