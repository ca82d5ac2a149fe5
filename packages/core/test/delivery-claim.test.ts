/**
 * A delivery's `claim` (runtime contract): what a runtime read when it claimed the delivery
 * answers the check's first reads - the stack, the row, the node's sync point and whether it
 * reported - and only those: every read after the check's first write goes to the store. Here
 * a memory runtime is wrapped so that one delivery carries a claim that says something the
 * store does not.
 */
import { describe, expect, it } from "vitest";
import { STACK_NODE, createEngine, createMemoryRuntime, nodeKey } from "@converge/core";
import type { CheckMessage, DeliveryClaim, Runtime, RuntimeStore, RowWriteResult } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { silentLogger } from "./support/protocol-kit.js";

type MakeClaim = (message: CheckMessage, store: RuntimeStore) => Promise<DeliveryClaim>;

/**
 * A stack of one resource `a`; the next delivery carries the claim `make` gives, and its row
 * writes (`writeRow`, `writeRowWithEvent`: the lock; the completing write goes with the
 * report) are recorded.
 */
async function oneClaimedDelivery(make: MakeClaim) {
  const runtime = createMemoryRuntime({ mode: "manual" });
  let claimNext: MakeClaim | null = make;
  const writes: RowWriteResult[] = [];
  const recording = (store: RuntimeStore): RuntimeStore =>
    new Proxy(store, {
      get(target, prop, receiver) {
        // The memory store has no `nodeReported` (core reads the last target instead): this
        // one answers it truthfully for the one resource (its node never reported here).
        if (prop === "nodeReported") return async () => false;
        const value: unknown = Reflect.get(target, prop, receiver);
        if (prop !== "writeRowWithEvent" && prop !== "writeRow") return value;
        return async (...args: unknown[]) => {
          const result = (await (value as (...a: unknown[]) => Promise<RowWriteResult>).apply(target, args)) as RowWriteResult;
          writes.push(result);
          return result;
        };
      },
    });
  const deliveries: Runtime = {
    ...runtime,
    registerWorker: (engineId, handler, options) =>
      runtime.registerWorker(
        engineId,
        async (delivery) => {
          const claiming = claimNext;
          claimNext = null;
          if (claiming === null) return handler(delivery);
          const claim = await claiming(delivery.message as CheckMessage, runtime.store);
          // The delivery's runtime is a class instance (fenced view): derive from it, not a spread.
          const view = Object.assign(Object.create(delivery.runtime) as Runtime, { store: recording(delivery.runtime.store) });
          return handler({ ...delivery, claim, runtime: view });
        },
        options,
      ),
  };
  const reality = new Reality();
  const engine = createEngine({ runtime: deliveries, types: [createScenarioType(reality)], engineId: "e1", logger: silentLogger });
  await engine.createStack("s", { resources: { a: { type: SCENARIO_TYPE, properties: { a: "1" } } } });
  const stackId = (await runtime.store.findStackId("s")) as string;
  await runtime.step();
  return { runtime, reality, engine, writes, stackId };
}

/** The claim a faithful runtime makes of a check: the store's state. */
async function trueClaim(message: CheckMessage, store: RuntimeStore): Promise<DeliveryClaim> {
  if (message.kind === "complete") {
    const value = await store.readSync(message.stackId, message.traversalId, STACK_NODE);
    return { stack: await store.loadStack(message.stackId), sync: { traversalId: message.traversalId, node: STACK_NODE, value } };
  }
  if (message.kind !== "node") return { stack: await store.loadStack(message.stackId) };
  const node = nodeKey(message.direction, message.rowId);
  return {
    stack: await store.loadStack(message.stackId),
    row: { rowId: message.rowId, value: await store.loadRow(message.stackId, message.rowId) },
    sync: { traversalId: message.traversalId, node, value: await store.readSync(message.stackId, message.traversalId, node) },
    reported: { traversalId: message.traversalId, node, value: (await store.nodeReported?.(message.stackId, message.traversalId, node)) ?? false },
  };
}

describe("a delivery's claim", () => {
  it("answers the check's first read of the stack", async () => {
    // The claim says the stack does not exist: the check ends without doing anything.
    const { runtime, reality, engine, writes } = await oneClaimedDelivery(async (message, store) => ({ ...(await trueClaim(message, store)), stack: null }));
    expect(reality.calls).toEqual([]);
    expect(writes).toEqual([]);
    expect((await engine.listResources("s"))[0]?.state).toBe("INIT_COMPLETE");
    await runtime.runUntilIdle();
    await engine.close();
  });

  it("answers whether the node reported", async () => {
    // The claim says the node already reported: the check is a duplicate and stops.
    const { reality, engine, writes } = await oneClaimedDelivery(async (message, store) => {
      const claim = await trueClaim(message, store);
      return { ...claim, reported: { ...(claim.reported as NonNullable<DeliveryClaim["reported"]>), value: true } };
    });
    expect(reality.calls).toEqual([]);
    expect(writes).toEqual([]);
    await engine.close();
  });

  it("answers the first read of the row, and every read after the check's first write goes to the store", async () => {
    // The claim's row is one version older than the store's: the lock's compare-and-set on that
    // version is refused, and the check decides again on the row as the store has it.
    const { runtime, reality, engine, writes } = await oneClaimedDelivery(async (message, store) => {
      const claim = await trueClaim(message, store);
      const row = claim.row?.value;
      if (row === null || row === undefined) throw new Error("no row to claim");
      await store.writeRow({ stackId: message.stackId, rowId: row.id, patch: { statusReason: "touched after the claim" } });
      return { ...claim, row: { rowId: row.id, value: row } };
    });
    expect(writes.map((w) => (w.ok ? "ok" : w.reason))).toEqual(["version", "ok"]);
    expect(reality.counts().a).toBe(1);
    await runtime.runUntilIdle();
    expect((await engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    await engine.close();
  });

  it("that is faithful changes nothing: the check runs as it would without one", async () => {
    const { runtime, engine, writes, stackId } = await oneClaimedDelivery(async (message, store) => trueClaim(message, store));
    expect(writes.map((w) => (w.ok ? "ok" : w.reason))).toEqual(["ok"]);
    await runtime.runUntilIdle();
    expect((await runtime.store.loadStack(stackId))?.status).toBe("COMPLETE");
    await engine.close();
  });

  it("given faithfully with every delivery, changes nothing: the same stack, rows and events as without", async () => {
    const run = async (claiming: boolean) => {
      const runtime = createMemoryRuntime({ mode: "manual" });
      const deliveries: Runtime = {
        ...runtime,
        registerWorker: (engineId, handler, options) =>
          runtime.registerWorker(engineId, async (delivery) => (claiming ? handler({ ...delivery, claim: await trueClaim(delivery.message as CheckMessage, runtime.store) }) : handler(delivery)), options),
      };
      const engine = createEngine({ runtime: deliveries, types: [createScenarioType(new Reality())], engineId: "e1", logger: silentLogger });
      const template = (v: string) => ({ resources: { a: { type: SCENARIO_TYPE, properties: { a: v } }, b: { type: SCENARIO_TYPE, properties: { a: { get_attr: ["a", "a"] } } } } });
      await engine.createStack("s", template("1"));
      await runtime.runUntilIdle();
      await engine.updateStack("s", template("2"));
      await runtime.runUntilIdle();
      const events: string[] = [];
      for await (const e of engine.events("s")) events.push(e.kind === "stack" ? `stack ${e.action} ${e.status}` : `${e.resourceName} ${e.action} ${e.status}`);
      const resources = (await engine.listResources("s")).map((r) => `${r.name} ${r.state}`);
      const state = (await engine.getStack("s")).state;
      await engine.close();
      return { state, resources, events };
    };
    const claimed = await run(true);
    expect(claimed.events).toContain("stack UPDATE COMPLETE");
    expect(claimed).toEqual(await run(false));
  });
});
