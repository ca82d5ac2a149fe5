/**
 * Conformance targets over the memory runtime, in manual mode (checks stepped one at a time
 * on a virtual clock) or automatic mode (checks run as async tasks on the real clock).
 */
import { createMemoryRuntime } from "../../memory/memory-runtime.js";
import { deliverUntil } from "../../runtime/delivery/test-controls.js";
import type { ConformanceFactory } from "./target.js";

/** Options of {@link memoryConformanceTarget}. */
export interface MemoryConformanceOptions {
  /** Scheduling mode of the runtime under test. @default "manual" */
  readonly mode?: "auto" | "manual";
  /** Longest wait of `deliverUntil` in automatic mode, ms. @default 10000 */
  readonly waitLimitMs?: number;
  /** The runtime's `fusedOperations` (false: a runtime without the optional fused operations). @default true */
  readonly fusedOperations?: boolean;
}

const realDelay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A factory of conformance targets over fresh memory runtimes. */
export function memoryConformanceTarget(options: MemoryConformanceOptions = {}): ConformanceFactory {
  const mode = options.mode ?? "manual";
  const limit = options.waitLimitMs ?? 10_000;
  return async () => {
    const runtime = createMemoryRuntime({ mode, fusedOperations: options.fusedOperations ?? true });
    return {
      runtime,
      deliverUntil: (done, what) => deliverUntil(runtime, done, what, { mode, limitMs: limit }),
      async settle() {
        if (mode === "manual") await runtime.runUntilIdle({ maxSteps: 10_000 });
        else await runtime.idle();
      },
      async advanceTime(ms) {
        if (mode === "manual") runtime.advanceTime(ms);
        else await realDelay(ms);
      },
      killEngine: (engineId) => runtime.killEngine(engineId),
      close: () => runtime.close(),
    };
  };
}
