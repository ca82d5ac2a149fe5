/**
 * Lost state is not deletion (issue 9, item 3): a stack whose record vanishes without a
 * tombstone - the store was wiped mid-create, as a Redis restarted without persistence is -
 * makes `waitForStack`, `getStack` and a follow fail with `StackStateLostError`, and the
 * worker whose check finds it gone logs one error line instead of ending as if it had done its
 * work. A completed delete leaves a tombstone: waiting on it still answers DELETE_COMPLETE,
 * and stale checks of the deleted stack stay quiet.
 */
import { describe, expect, it } from "vitest";
import { StackNotFoundError, StackStateLostError, createEngine, createMemoryRuntime, parseMemorySnapshot } from "@converge/core";
import type { Engine, MemoryRuntime, StackEvent } from "@converge/core";
import { Reality, createScenarioType } from "@converge/core/testing";
import { flush, res, silentLogger, tpl } from "./support/protocol-kit.js";

const T = tpl({ A: res({ a: "1" }), B: res({ a: "2" }), C: res({ c: { get_resource: "A" } }, ["B"]) });

interface Bed {
  readonly runtime: MemoryRuntime;
  readonly reality: Reality;
  readonly engine: Engine;
  /** Error lines the runtime logged (dropped checks). */
  readonly errors: string[];
  /** Warning lines the runtime logged. */
  readonly warnings: string[];
  rowStates(): Promise<Record<string, string>>;
}

function bed(): Bed {
  const errors: string[] = [];
  const warnings: string[] = [];
  const runtime = createMemoryRuntime({
    mode: "manual",
    logger: { error: (message) => void errors.push(message), warn: (message) => void warnings.push(message) },
  });
  const reality = new Reality();
  const engine = createEngine({ runtime, types: [createScenarioType(reality)], engineId: "e1", logger: silentLogger });
  return {
    runtime,
    reality,
    engine,
    errors,
    warnings,
    async rowStates() {
      const id = await runtime.store.findStackId("s");
      const rows = id === null ? [] : await runtime.store.loadRows(id);
      return Object.fromEntries(rows.map((r) => [r.name, `${r.action}_${r.status}`]));
    },
  };
}

/** Step checks until one stays blocked in a plugin call; returns that unfinished step. */
async function stepUntilBlocked(runtime: MemoryRuntime): Promise<{ step: Promise<boolean> }> {
  while (runtime.pending().length > 0) {
    let done = false;
    const step = runtime.step().finally(() => {
      done = true;
    });
    await flush();
    if (!done) return { step };
    await step;
  }
  throw new Error("no check blocked");
}

/** Create "s" and run it until A is CREATE_COMPLETE and B's create is held in flight. */
async function midCreate(b: Bed): Promise<{ stackId: string; release: () => void; blocked: { step: Promise<boolean> } }> {
  const release = b.reality.block("create", "B");
  const created = await b.engine.createStack("s", T);
  const blocked = await stepUntilBlocked(b.runtime);
  expect(await b.rowStates()).toEqual({ A: "CREATE_COMPLETE", B: "CREATE_IN_PROGRESS", C: "INIT_COMPLETE" });
  return { stackId: created.id, release, blocked };
}

describe("the store loses a stack's state mid-create", () => {
  it("waitForStack rejects with StackStateLostError instead of answering DELETE_COMPLETE", async () => {
    const b = bed();
    const { stackId, release, blocked } = await midCreate(b);
    const waiting = b.engine.waitForStack("s");
    const outcome = waiting.then(
      (info) => info,
      (error: unknown) => error,
    );
    await flush();
    b.runtime.wipeState();
    const error = await outcome;
    expect(error).toBeInstanceOf(StackStateLostError);
    expect((error as StackStateLostError).message).toMatch(/stack "s" \(id .+\) is gone from the store, but the stack was not deleted/);
    expect((error as StackStateLostError).message).toMatch(/resources it managed may still exist/);
    expect((error as StackStateLostError).stackId).toBe(stackId);
    release();
    await blocked.step;
  });

  it("the worker whose check finds the state gone logs one line naming the stack, reports nothing and drops the check", async () => {
    const b = bed();
    const { stackId, release, blocked } = await midCreate(b);
    b.runtime.wipeState();
    release();
    await blocked.step;
    expect(b.errors).toHaveLength(1);
    expect(b.errors[0]).toContain(`stack ${stackId}`);
    expect(b.errors[0]).toMatch(/is gone from the store/);
    expect(b.warnings).toEqual([]);
    // Nothing propagated from the lost stack, and its timers find it gone without a second line.
    expect(b.runtime.pending()).toEqual([]);
    b.runtime.advanceTime(3_600_000);
    await b.runtime.runUntilIdle();
    expect(b.errors).toHaveLength(1);
    // What B's create made could not be recorded (its row is gone): the engine deleted it
    // through the type rather than leave it unmanaged; A's, made before the loss, is still
    // out there (the error says resources may still exist).
    expect(b.reality.live("B")).toHaveLength(0);
    expect(b.reality.live("A")).toHaveLength(1);
  });

  it("getStack and a follow of a stack this engine saw reject as lost; a name never seen is still not found", async () => {
    const b = bed();
    const { release, blocked } = await midCreate(b);
    const seen: StackEvent[] = [];
    const following = (async () => {
      for await (const event of b.engine.events("s", { follow: true })) seen.push(event);
    })().then(
      () => null,
      (error: unknown) => error,
    );
    await flush();
    b.runtime.wipeState();
    expect(await following).toBeInstanceOf(StackStateLostError);
    expect(seen.length).toBeGreaterThan(0);
    await expect(b.engine.getStack("s")).rejects.toThrow(StackStateLostError);
    await expect(b.engine.listResources("s")).rejects.toThrow(StackStateLostError);
    await expect(b.engine.getStack("never")).rejects.toThrow(StackNotFoundError);
    const other = createEngine({ runtime: b.runtime, types: [createScenarioType(b.reality)], worker: false, logger: silentLogger });
    await expect(other.getStack("s")).rejects.toThrow(StackNotFoundError);
    release();
    await blocked.step;
  });
});

describe("a completed delete leaves a tombstone", () => {
  it("waitForStack resolves DELETE_COMPLETE; getStack is not found; stale checks and timers stay quiet", async () => {
    const b = bed();
    const created = await b.engine.createStack("s", T);
    await b.runtime.runUntilIdle();
    expect((await b.engine.waitForStack("s")).state).toBe("CREATE_COMPLETE");
    const deleting = await b.engine.deleteStack("s");
    const waiting = b.engine.waitForStack("s");
    await b.runtime.runUntilIdle();
    const done = await waiting;
    expect(done.state).toBe("DELETE_COMPLETE");
    expect(done.statusReason).toBe("Stack deleted");
    expect((await b.engine.waitForStack("s")).state).toBe("DELETE_COMPLETE");
    await expect(b.engine.getStack("s")).rejects.toThrow(StackNotFoundError);
    expect(await b.runtime.store.loadTombstone(created.id)).toEqual({
      stackId: created.id,
      name: "s",
      traversalId: deleting.traversalId,
      deletedAt: b.runtime.now(),
    });
    // A late duplicate of one of its checks, and its timers, find it deleted: no error, no retry.
    await b.runtime.enqueue([{ kind: "node", stackId: created.id, traversalId: deleting.traversalId, rowId: "1", direction: "C" }]);
    b.runtime.advanceTime(3_600_000);
    await b.runtime.runUntilIdle();
    expect(b.errors).toEqual([]);
    expect(b.warnings).toEqual([]);
    expect(b.reality.live("A")).toEqual([]);
  });

  it("tombstones survive a snapshot, and an older snapshot's retired streams stand for them", async () => {
    const b = bed();
    const created = await b.engine.createStack("s", T);
    await b.runtime.runUntilIdle();
    await b.engine.deleteStack("s");
    await b.runtime.runUntilIdle();
    const snapshot = b.runtime.snapshot();
    const tombstone = await b.runtime.store.loadTombstone(created.id);
    expect(tombstone).not.toBeNull();
    const restored = createMemoryRuntime({ mode: "manual", state: parseMemorySnapshot(JSON.parse(JSON.stringify(snapshot))) });
    expect(await restored.store.loadTombstone(created.id)).toEqual(tombstone);
    const older = JSON.parse(JSON.stringify(snapshot)) as Record<string, unknown>;
    delete older.tombstones;
    const fromOlder = createMemoryRuntime({ mode: "manual", state: parseMemorySnapshot(older) });
    expect(await fromOlder.store.loadTombstone(created.id)).toMatchObject({ stackId: created.id, name: "s", traversalId: tombstone?.traversalId });
  });
});
