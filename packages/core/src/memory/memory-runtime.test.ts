import { describe, expect, it } from "vitest";
import { createMemoryRuntime } from "./memory-runtime.js";

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
