import { describe, expect, it } from "vitest";
import { EngineDeadError, RuntimeError } from "../../errors.js";
import { createMemoryRuntime } from "../../memory/memory-runtime.js";
import { fencedView } from "./fenced-view.js";
import { runUntil, runUntilIdle } from "./scheduler.js";
import type { SteppableScheduler } from "./scheduler.js";
import { deliverUntil } from "./test-controls.js";

const fenceOf = (state: { dead: boolean }) => ({ engineId: "e1", isDead: () => state.dead, kill: () => void (state.dead = true) });

describe("fencedView", () => {
  it("refuses every store operation and enqueue once the engine is dead", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const state = { dead: false };
    const view = fencedView(runtime, fenceOf(state));
    expect(await view.store.findStackId("x")).toBeNull();
    state.dead = true;
    expect(() => view.store.findStackId("x")).toThrow(EngineDeadError);
    await expect(view.enqueue([])).rejects.toThrow(EngineDeadError);
  });

  it("kills the engine after crashAfterOps operations", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const state = { dead: false };
    const view = fencedView(runtime, fenceOf(state), { crashAfterOps: 2 });
    await view.store.findStackId("a");
    await view.store.findStackId("b");
    expect(() => view.store.findStackId("c")).toThrow(EngineDeadError);
    expect(state.dead).toBe(true);
  });

  it("loses one matching reply: applied twice (resend) or failed (fail)", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const calls: string[] = [];
    const intercept = (operation: string, _args: readonly unknown[], apply: () => unknown): unknown => {
      calls.push(operation);
      return apply();
    };
    const resend = fencedView(runtime, fenceOf({ dead: false }), { loseReply: { match: (op) => op === "listStackNames" }, intercept });
    await resend.store.listStackNames();
    await resend.store.listStackNames();
    expect(calls).toEqual(["listStackNames", "listStackNames"]);
    const fail = fencedView(runtime, fenceOf({ dead: false }), { loseReply: { match: (op) => op === "findStackId", then: "fail" } });
    await expect(fail.store.findStackId("x")).rejects.toThrow(RuntimeError);
    expect(await fail.store.findStackId("x")).toBeNull();
  });

  it("passes enqueue, schedule and publishCancel through intercept by name", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const seen: string[] = [];
    const view = fencedView(runtime, fenceOf({ dead: false }), { intercept: (op, _a, apply) => (seen.push(op), apply()) });
    await view.enqueue([]);
    await view.publishCancel("s", "t");
    expect(seen).toEqual(["enqueue", "publishCancel"]);
  });
});

describe("fencedView of a store's shape", () => {
  it("has the store's methods and only those, reads other properties through, fences each view on its own", async () => {
    class Base {
      async findStackId(name: string): Promise<string | null> {
        return name === "known" ? "s1" : null;
      }
    }
    class Store extends Base {
      calls = 0;
      readonly fused?: () => Promise<number>;
      constructor(withFused: boolean) {
        super();
        if (withFused) this.fused = async () => ++this.calls;
      }
      override async findStackId(name: string): Promise<string | null> {
        this.calls += 1;
        return super.findStackId(name);
      }
    }
    const build = (store: Store) => ({ ...createMemoryRuntime({ mode: "manual" }), store }) as unknown as Parameters<typeof fencedView>[0];
    const bare = fencedView(build(new Store(false)), fenceOf({ dead: false })).store as unknown as Store;
    expect(bare.fused).toBeUndefined();
    const store = new Store(true);
    const live = { dead: false };
    const dead = { dead: false };
    const a = fencedView(build(store), fenceOf(live)).store as unknown as Store;
    const b = fencedView(build(store), fenceOf(dead)).store as unknown as Store;
    expect(await a.findStackId("known")).toBe("s1");
    expect(await a.fused?.()).toBe(2);
    expect(a.calls).toBe(2);
    dead.dead = true;
    expect(() => b.findStackId("known")).toThrow(EngineDeadError);
    expect(() => b.fused?.()).toThrow(EngineDeadError);
    expect(await a.findStackId("other")).toBeNull();
    expect(b.calls).toBe(3);
  });
});

describe("fencedView under a wrapper", () => {
  it("stays fenced when a Proxy that wraps every function-valued property sits on top (as watchGone does)", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const state = { dead: false };
    const fenced = fencedView(runtime, fenceOf(state)).store;
    const wrapped = new Proxy(fenced, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== "function" || prop === "appendEvents") return value;
        return async (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
    state.dead = true;
    const event = { time: 0, kind: "stack", stackName: "s", traversalId: "t", action: "CREATE", status: "COMPLETE", reason: "" } as const;
    expect(() => wrapped.appendEvents("s1", [event])).toThrow(EngineDeadError);
    await expect(wrapped.findStackId("x")).rejects.toThrow(EngineDeadError);
    expect(await runtime.store.readEvents("s1", null)).toEqual([]);
  });
});

describe("stepping", () => {
  const counter = (n: number): SteppableScheduler & { done: number } => {
    const s = {
      done: 0,
      step: async () => (s.done < n ? ((s.done += 1), true) : false),
    };
    return s;
  };

  it("runUntilIdle steps until the queue is dry or maxSteps", async () => {
    expect(await runUntilIdle(counter(7))).toBe(7);
    expect(await runUntilIdle(counter(7), { maxSteps: 3 })).toBe(3);
  });

  it("runUntil tests the predicate before each step and reports a dry queue", async () => {
    const s = counter(10);
    expect(await runUntil(s, () => s.done === 4)).toBe(true);
    expect(s.done).toBe(4);
    expect(await runUntil(counter(2), () => false)).toBe(false);
  });

  it("deliverUntil names what never happened", async () => {
    const s = counter(1);
    await expect(deliverUntil({ runUntil: (p, o) => runUntil(s, p, o) }, () => false, "B created", { mode: "manual", limitMs: 0 })).rejects.toThrow(
      "never happened: B created",
    );
    await expect(deliverUntil({ runUntil: async () => false }, () => false, "X", { mode: "auto", limitMs: 10, pollMs: 1 })).rejects.toThrow("within 10 ms: X");
  });
});
