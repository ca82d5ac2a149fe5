/**
 * The memory runtime: the whole runtime contract in one process. Two scheduling modes:
 *
 * - `auto`: checks run concurrently as async tasks (the embedded default);
 * - `manual`: checks wait in a queue that a test steps one at a time (FIFO or seeded random
 *   order), with injected duplicate deliveries and engine crashes - deterministic protocol tests.
 *
 * Several engines can share one memory runtime (simulated workers); `killEngine` declares one
 * dead: its liveness lease lapses, its running checks go back to the queue at once and are
 * delivered again to the others (like BullMQ's stalled-job recovery) - even a check whose
 * plugin call never returns - and the dead engine's later operations are refused.
 *
 * This file assembles the runtime from its parts: options (`memory-options.ts`), the state
 * (`memory-store.ts`), the queue, workers and deliveries (`delivery-pump.ts`), timers
 * (`memory-timers.ts`), snapshots (`memory-snapshots.ts`) and change tracking
 * (`memory-tracking.ts`).
 */
import { InvalidOptionsError } from "../errors.js";
import type { CancelListener } from "../runtime/contract.js";
import { fencedView } from "../runtime/delivery/fenced-view.js";
import { runUntil, runUntilIdle } from "../runtime/delivery/scheduler.js";
import { VirtualClock } from "./clock.js";
import { DeliveryPump } from "./delivery-pump.js";
import { resolveMemoryOptions } from "./memory-options.js";
import { MemoryStore } from "./memory-store.js";
import { captureCheckpoint, loadSnapshot } from "./memory-snapshots.js";
import { MemoryTimers } from "./memory-timers.js";
import { MemoryTracking } from "./memory-tracking.js";
import type { MemoryRuntime, MemoryRuntimeOptions } from "./memory-runtime-types.js";
export type { MemoryCheckpoint, MemoryRuntime, MemoryRuntimeOptions, PendingCheck, SnapshotOptions, StepOptions } from "./memory-runtime-types.js";

/** Create a memory runtime. @throws InvalidOptionsError for bad options; SnapshotError for a bad `state` */
export function createMemoryRuntime(options: MemoryRuntimeOptions = {}): MemoryRuntime {
  const { clock, state, mode, fused, maxEventsPerStack, trackChanges, ...scheduling } = resolveMemoryOptions(options);
  const store = new MemoryStore({ fused, maxEventsPerStack });
  const tracking = new MemoryTracking(store, clock);
  const cancelListeners = new Set<CancelListener>();
  const pump: DeliveryPump = new DeliveryPump({
    ...scheduling,
    mode,
    view: (fence, fencing) => fencedView(runtime, fence, fencing),
    tracker: () => tracking.tracker,
  });
  const timers = new MemoryTimers({
    clock,
    tracker: () => tracking.tracker,
    due: (message) => {
      pump.push(message);
      pump.schedulePump();
    },
  });
  const parts = { store, pump, timers, clock };

  const runtime: MemoryRuntime = {
    kind: "memory",
    mode,
    clock,
    store,
    now: () => clock.now(),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    async enqueue(messages) {
      for (const message of messages) pump.push(message);
      pump.schedulePump();
    },
    schedule: async (message, at) => timers.schedule(message, at),
    registerWorker: async (engineId, handler, opts) => pump.register(engineId, handler, opts?.concurrency ?? 16),
    isAlive: async (engineId) => pump.isAlive(engineId),
    attemptRunning: async (engineId, attempt) => pump.leases.running(engineId, attempt),
    activity: async (stackId) => pump.activity(stackId),
    async publishCancel(stackId, traversalId) {
      for (const listener of cancelListeners) listener(stackId, traversalId);
    },
    onCancel(listener) {
      cancelListeners.add(listener);
      return () => cancelListeners.delete(listener);
    },
    async close() {
      pump.closeAll();
      timers.disarm();
    },
    pending: () => [...pump.queue].map((i) => ({ id: i.id, message: i.message, attempts: i.attempts })),
    step: (stepOptions) => pump.step(stepOptions),
    runUntilIdle: (opts) => runUntilIdle(runtime, opts),
    runUntil: (predicate, opts) => runUntil(runtime, predicate, opts),
    advanceTime(ms) {
      if (!(clock instanceof VirtualClock)) throw new InvalidOptionsError("clock", "advanceTime() needs a virtual clock");
      clock.advance(ms);
    },
    killEngine: async (engineId) => pump.kill(engineId),
    wipeState: () => store.wipe(),
    lapseLease: (engineId) => pump.leases.lapse(engineId),
    renewLease: (engineId) => pump.leases.renew(engineId),
    liveEngines: () => pump.liveWorkers().map((w) => w.engineId),
    stats: () => ({ delivered: pump.delivered, enqueued: pump.enqueued }),
    snapshot: (snapshotOptions) => captureCheckpoint(parts, snapshotOptions).snapshot,
    checkpoint(snapshotOptions) {
      const taken = captureCheckpoint(parts, snapshotOptions);
      tracking.checkpointed();
      return taken;
    },
    takeChanges: () => tracking.take(),
    idle: () => pump.idle(),
  };
  if (state !== undefined) loadSnapshot(parts, state, (message, at) => timers.schedule(message, at));
  if (trackChanges) tracking.start();
  return runtime;
}
