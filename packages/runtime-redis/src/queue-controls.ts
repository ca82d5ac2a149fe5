/**
 * The test and operations controls of a Redis runtime over its queue: manual stepping (the
 * delivery kit's `runUntil` / `runUntilIdle` over the worker host), waiting jobs, and `idle`.
 */
import type { Queue } from "bullmq";
import { InvalidOptionsError, RuntimeStateError, runUntil, runUntilIdle } from "@converge/core";
import type { RunOptions } from "@converge/core";
import type { RedisStepOptions } from "./host-slot.js";
import { command } from "./store-context.js";
import type { WorkerHost } from "./worker-host.js";

/** The controls (a part of `RedisRuntime`). */
export interface QueueControls {
  step(options?: RedisStepOptions): Promise<boolean>;
  runUntilIdle(options?: RunOptions): Promise<number>;
  runUntil(predicate: () => boolean | Promise<boolean>, options?: RunOptions): Promise<boolean>;
  pending(): Promise<number>;
  idle(options?: { timeoutMs?: number; pollMs?: number }): Promise<void>;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The controls of a runtime in `mode`. */
export function queueControls(host: WorkerHost, queue: Queue, mode: "auto" | "manual", waiting: () => Promise<number>): QueueControls {
  const manualOnly = (what: string): void => {
    if (mode !== "manual") throw new InvalidOptionsError("mode", `${what}() needs a manual-mode Redis runtime`);
  };
  return {
    step: (options) => host.step(options),
    async runUntilIdle(options) {
      manualOnly("runUntilIdle");
      return runUntilIdle(host, options);
    },
    async runUntil(predicate, options) {
      manualOnly("runUntil");
      return runUntil(host, predicate, options);
    },
    pending: waiting,
    async idle(options) {
      const until = Date.now() + (options?.timeoutMs ?? 60_000);
      for (;;) {
        const counts = await command("BullMQ getJobCounts", () => queue.getJobCounts("waiting", "active", "prioritized"));
        if ((counts.waiting ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0) === 0) return;
        if (Date.now() > until) throw new RuntimeStateError("queue", `the queue is still busy after ${options?.timeoutMs ?? 60_000} ms: ${JSON.stringify(counts)}`);
        await delay(options?.pollMs ?? 20);
      }
    },
  };
}
