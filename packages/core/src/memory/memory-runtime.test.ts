import { describe, expect, it } from "vitest";
import { EngineDeadError } from "../errors.js";
import type { Delivery, Runtime } from "../runtime/contract.js";
import { createMemoryRuntime } from "./memory-runtime.js";
import type { MemoryRuntime } from "./memory-runtime.js";

describe("memory runtime liveness", () => {
  it("keeps a closing engine alive until its running checks drain", async () => {
    const runtime = createMemoryRuntime({ mode: "auto" });
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = (): void => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const registration = await runtime.registerWorker("a", async () => {
      started();
      await gate;
    });
    await runtime.enqueue([{ kind: "watchdog", stackId: "s", traversalId: "t" }]);
    await running;
    const closing = registration.close();
    expect(await runtime.isAlive("a")).toBe(true);
    release();
    await closing;
    expect(await runtime.isAlive("a")).toBe(false);
    await runtime.close();
  });
});

describe("killEngine hands running checks back", () => {
  const check = { kind: "watchdog", stackId: "s", traversalId: "t" } as const;

  it("auto mode: a check whose handler never returns is delivered to a live engine, the dead one is fenced", async () => {
    const runtime = createMemoryRuntime({ mode: "auto" });
    let deadView: Runtime | undefined;
    let started = (): void => undefined;
    const hung = new Promise<void>((resolve) => (started = resolve));
    const registration = await runtime.registerWorker("a", async ({ runtime: view }) => {
      deadView = view;
      started();
      await new Promise<never>(() => undefined); // a plugin call that never returns
    });
    await runtime.enqueue([check]);
    await hung;
    const ran: string[] = [];
    await runtime.registerWorker("b", async ({ message }) => {
      ran.push(JSON.stringify(message));
    });
    await runtime.killEngine("a");
    await runtime.idle();
    expect(ran).toEqual([JSON.stringify(check)]);
    expect(await runtime.isAlive("a")).toBe(false);
    await expect((async () => deadView?.store.loadStack("s"))()).rejects.toBeInstanceOf(EngineDeadError);
    await expect((async () => deadView?.enqueue([check]))()).rejects.toBeInstanceOf(EngineDeadError);
    await registration.close(); // does not wait for the dead engine's hung call
    await runtime.close();
  });

  it("manual mode: the check is pending again and runs once more on another engine", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const ran: string[] = [];
    await runtime.registerWorker("a", () => new Promise<never>(() => undefined));
    await runtime.registerWorker("b", async ({ message }) => {
      ran.push(JSON.stringify(message));
    });
    await runtime.enqueue([check]);
    void runtime.step({ engineId: "a" });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(runtime.pending()).toEqual([]);
    expect(await runtime.activity("s")).toEqual({ queued: 0, running: 0 }); // watchdog checks are not counted
    await runtime.killEngine("a");
    expect(runtime.pending()).toMatchObject([{ message: check, attempts: 1 }]);
    expect(await runtime.step()).toBe(true);
    expect(ran).toEqual([JSON.stringify(check)]);
    expect(runtime.snapshot().queue).toEqual([]);
  });
});

describe("memory runtime event retention", () => {
  const event = (i: number) => ({ kind: "stack" as const, traversalId: "t", action: "CREATE", status: "IN_PROGRESS", statusReason: `e${i}`, at: i });

  it("keeps the newest maxEventsPerStack events of a stream; a reader behind resumes at the oldest kept", async () => {
    const runtime = createMemoryRuntime({ mode: "manual", maxEventsPerStack: 10 });
    for (let i = 1; i <= 25; i++) await runtime.store.appendEvents("s", [event(i) as never]);
    const kept = await runtime.store.readEvents("s", null);
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThanOrEqual(11);
    expect(kept.at(-1)?.seq).toBe("25");
    expect(Number(kept[0]?.seq)).toBe(25 - kept.length + 1);
    expect((await runtime.store.readEvents("s", "24")).map((e) => e.seq)).toEqual(["25"]);
  });

  it("refuses a bad maxEventsPerStack", () => {
    expect(() => createMemoryRuntime({ maxEventsPerStack: 0 })).toThrow(/maxEventsPerStack/);
  });
});

describe("auto-mode pump", () => {
  const check = { kind: "watchdog", stackId: "s", traversalId: "t" } as const;

  /** A worker of `runtime` that counts its checks, runs `each` for each (with its count), and resolves `done` at the `total`th. */
  async function countChecks(runtime: MemoryRuntime, total: number, each?: (n: number, view: Delivery["runtime"]) => Promise<void>) {
    let handled = 0;
    let all = (): void => undefined;
    const done = new Promise<void>((resolve) => (all = resolve));
    await runtime.registerWorker("a", async ({ runtime: view }) => {
      handled += 1;
      await each?.(handled, view);
      if (handled === total) all();
    });
    return { handled: () => handled, done };
  }

  it("delivers checks that never leave the microtask queue without starving the event loop", async () => {
    const runtime = createMemoryRuntime({ mode: "auto" });
    const total = 20_000;
    const { handled, done } = await countChecks(runtime, total);
    await runtime.enqueue(Array.from({ length: total }, () => check));
    // A macrotask queued behind the deliveries still gets its turn while checks remain.
    const seenAtTurn = await new Promise<number>((resolve) => setImmediate(() => setImmediate(() => resolve(handled()))));
    expect(seenAtTurn).toBeGreaterThan(0);
    expect(seenAtTurn).toBeLessThan(total);
    await done;
    expect(runtime.stats().delivered).toBe(total);
    await runtime.close();
  });

  it("delivers a check that a running check enqueued (a chain's next link) when that one ends, not a turn later", async () => {
    const runtime = createMemoryRuntime({ mode: "auto" });
    const links = 2_000;
    const { done } = await countChecks(runtime, links, async (n, view) => {
      if (n < links) await view.enqueue([check]);
    });
    // Turns of the event loop while the chain runs: one per link when each waited for one.
    let turns = 0;
    let counting = true;
    const turn = (): void => {
      if (!counting) return;
      turns += 1;
      setImmediate(turn);
    };
    setImmediate(turn);
    await runtime.enqueue([check]);
    await done;
    counting = false;
    expect(runtime.stats().delivered).toBe(links);
    // Still a turn every 512 refills (timers and I/O are not starved), but not one per link.
    // (Before, each link waited for a turn another enqueue had scheduled: 124 turns here.)
    expect(turns).toBeGreaterThanOrEqual(1);
    expect(turns).toBeLessThan(links / 100);
    await runtime.close();
  });

  it("close() waits for the engine's running auto-mode checks", async () => {
    const runtime = createMemoryRuntime({ mode: "auto" });
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let finished = 0;
    const registration = await runtime.registerWorker(
      "a",
      async () => {
        await gate;
        finished += 1;
      },
      { concurrency: 4 },
    );
    await runtime.enqueue([check, check, check]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    const closing = registration.close().then(() => finished);
    release();
    expect(await closing).toBe(3);
    await runtime.close();
  });
});

describe("close", () => {
  const check = { kind: "timeout", stackId: "s", traversalId: "t" } as const;

  it("disarms pending timers (the clock no longer holds the runtime), which stay in a snapshot", async () => {
    const open = createMemoryRuntime({ mode: "manual" });
    const closed = createMemoryRuntime({ mode: "manual" });
    for (const runtime of [open, closed]) await runtime.schedule(check, runtime.now() + 60_000);
    await closed.close();
    expect(closed.snapshot().timers).toHaveLength(1);
    for (const runtime of [open, closed]) runtime.advanceTime(120_000);
    expect(open.pending().map((p) => p.message)).toEqual([check]);
    expect(closed.pending()).toEqual([]);
    await open.close();
  });
});
