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
 * This file assembles the runtime and owns its timers, snapshots and change tracking; the
 * queue, workers and deliveries are `delivery-pump.ts`'s, the state `memory-store.ts`'s.
 */
import { InvalidOptionsError } from "../errors.js";
import type { CheckMessage } from "../model/types.js";
import type { CancelListener } from "../runtime/contract.js";
import { fencedView } from "../runtime/delivery/fenced-view.js";
import { runUntil, runUntilIdle } from "../runtime/delivery/scheduler.js";
import { VirtualClock, realClock } from "./clock.js";
import { ChangeTracker } from "./changes.js";
import type { MemoryChanges } from "./changes.js";
import { DeliveryPump } from "./delivery-pump.js";
import { MemoryStore } from "./memory-store.js";
import { createRandom } from "./random.js";
import type { QueuedCheckSnapshot } from "./snapshot.js";
import type { MemoryCheckpoint, MemoryRuntime, MemoryRuntimeOptions, SnapshotOptions } from "./memory-runtime-types.js";
import { MEMORY_SNAPSHOT_FORMAT, MEMORY_SNAPSHOT_VERSION, isValidatedSnapshot, jsonCopy, markValidated, parseMemorySnapshot, snapshotTombstones } from "./snapshot.js";
export type { MemoryCheckpoint, MemoryRuntime, MemoryRuntimeOptions, PendingCheck, SnapshotOptions, StepOptions } from "./memory-runtime-types.js";

const silent = { warn: () => undefined, error: () => undefined };

/** Create a memory runtime. */
export function createMemoryRuntime(options: MemoryRuntimeOptions = {}): MemoryRuntime {
  const mode = options.mode ?? "auto";
  if (mode !== "auto" && mode !== "manual") throw new InvalidOptionsError("mode", 'must be "auto" or "manual"');
  const duplicateRate = options.duplicateRate ?? 0;
  if (!(duplicateRate >= 0 && duplicateRate <= 1)) throw new InvalidOptionsError("duplicateRate", "must be between 0 and 1");
  const state =
    options.state === undefined ? undefined : isValidatedSnapshot(options.state) ? options.state : parseMemorySnapshot(options.state, { source: 'option "state"' });
  const clock = options.clock ?? (mode === "manual" ? new VirtualClock(state?.savedAt) : realClock());
  const random = createRandom(options.seed ?? 1);
  const maxAttempts = options.maxAttempts ?? 5;
  const logger = options.logger ?? silent;
  if (options.fusedOperations !== undefined && typeof options.fusedOperations !== "boolean") throw new InvalidOptionsError("fusedOperations", "must be a boolean");
  const maxEventsPerStack = options.maxEventsPerStack ?? 100_000;
  if (!(Number.isInteger(maxEventsPerStack) && maxEventsPerStack >= 1)) throw new InvalidOptionsError("maxEventsPerStack", "must be an integer >= 1");
  const store = new MemoryStore({ fused: options.fusedOperations ?? true, maxEventsPerStack });
  const cancelListeners = new Set<CancelListener>();
  const pump: DeliveryPump = new DeliveryPump({
    mode,
    order: options.order ?? "fifo",
    duplicateRate,
    maxAttempts,
    random,
    logger,
    view: (fence, fencing) => fencedView(runtime, fence, fencing),
    tracker: () => tracker,
  });
  /** Scheduled checks not yet due, for snapshots. */
  const timers = new Map<number, { readonly message: CheckMessage; readonly at: number }>();
  /** `${at}|${message JSON}` of every pending timer (an identical one is absorbed). */
  const timerKeys = new Set<string>();
  let nextTimer = 0;
  /** Notes writes when `trackChanges` is on (set once the initial state is loaded). */
  let tracker: ChangeTracker | null = null;
  /** Events up to this sequence number were taken. */
  let takenSeq = 0;

  /** A snapshot with the ids of its queued checks and timers. */
  const capture = (snapshotOptions: SnapshotOptions = {}): MemoryCheckpoint => {
    const max = snapshotOptions.maxEventsPerStack ?? Number.POSITIVE_INFINITY;
    if (!(max >= 0)) throw new InvalidOptionsError("maxEventsPerStack", "must be a number >= 0");
    const items = [...pump.runningItems(), ...pump.queue];
    const timed = [...timers].sort((a, b) => a[1].at - b[1].at);
    const snapshot = markValidated({
      format: MEMORY_SNAPSHOT_FORMAT,
      version: MEMORY_SNAPSHOT_VERSION,
      savedAt: clock.now(),
      stacks: store.exportStacks(snapshotOptions.copy !== false),
      events: store.events.exportState(max),
      queue: items.map((i): QueuedCheckSnapshot => ({ message: { ...i.message }, attempts: i.attempts })),
      timers: timed.map(([, t]) => ({ message: { ...t.message }, at: t.at })),
      tombstones: store.exportTombstones(),
    });
    return { snapshot, queueIds: items.map((i) => i.id), timerIds: timed.map(([id]) => id) };
  };

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
    async schedule(message, at) {
      // A timer identical to one pending is absorbed, as the Redis runtime's deterministic
      // job ids absorb it (several engines scheduling the same reconciliation).
      const key = `${at}|${JSON.stringify(message)}`;
      if (timerKeys.has(key)) return;
      timerKeys.add(key);
      const timer = ++nextTimer;
      timers.set(timer, { message, at });
      tracker?.scheduled({ id: timer, message, at });
      clock.setTimer(at, () => {
        timers.delete(timer);
        tracker?.fired(timer);
        timerKeys.delete(key);
        pump.push(message);
        pump.schedulePump();
      });
    },
    async registerWorker(engineId, handler, opts) {
      return pump.register(engineId, handler, opts?.concurrency ?? 16);
    },
    async isAlive(engineId) {
      return pump.isAlive(engineId);
    },
    async attemptRunning(engineId, attempt) {
      return pump.leases.running(engineId, attempt);
    },
    async activity(stackId) {
      return pump.activity(stackId);
    },
    async publishCancel(stackId, traversalId) {
      for (const listener of cancelListeners) listener(stackId, traversalId);
    },
    onCancel(listener) {
      cancelListeners.add(listener);
      return () => cancelListeners.delete(listener);
    },
    async close() {
      pump.closeAll();
    },
    pending: () => [...pump.queue].map((i) => ({ id: i.id, message: i.message, attempts: i.attempts })),
    step: (stepOptions) => pump.step(stepOptions),
    runUntilIdle: (opts) => runUntilIdle(runtime, opts),
    runUntil: (predicate, opts) => runUntil(runtime, predicate, opts),
    advanceTime(ms) {
      if (!(clock instanceof VirtualClock)) throw new InvalidOptionsError("clock", "advanceTime() needs a virtual clock");
      clock.advance(ms);
    },
    async killEngine(engineId) {
      pump.kill(engineId);
    },
    wipeState: () => store.wipe(),
    lapseLease: (engineId) => pump.leases.lapse(engineId),
    renewLease: (engineId) => pump.leases.renew(engineId),
    liveEngines: () => pump.liveWorkers().map((w) => w.engineId),
    stats: () => ({ delivered: pump.delivered, enqueued: pump.enqueued }),
    snapshot: (snapshotOptions) => capture(snapshotOptions).snapshot,
    checkpoint(snapshotOptions) {
      const taken = capture(snapshotOptions);
      tracker?.reset();
      takenSeq = store.events.lastSeq;
      return taken;
    },
    takeChanges() {
      if (tracker === null) throw new InvalidOptionsError("trackChanges", "takeChanges() needs a runtime made with trackChanges: true");
      if (tracker.isEmpty()) return null;
      const events = store.events;
      const changes: MemoryChanges = {
        savedAt: clock.now(),
        stacks: store.stackChanges(tracker),
        events: { seq: events.lastSeq, appended: [...tracker.eventStreams].map((id) => [id, events.eventsAfter(id, takenSeq)] as const), retired: [...tracker.retired] },
        tombstones: [...tracker.tombstones],
        queue: { add: [...tracker.added.values()], done: [...tracker.done] },
        timers: { add: [...tracker.timersAdded.values()], done: [...tracker.timersDone] },
      };
      tracker.reset();
      takenSeq = events.lastSeq;
      return changes;
    },
    idle: () => pump.idle(),
  };
  if (state !== undefined) {
    store.importStacks(state.stacks);
    store.events.importState(state.events);
    store.importTombstones(snapshotTombstones(state));
    for (const check of jsonCopy(state.queue)) pump.add(check.message, check.attempts);
    for (const timer of jsonCopy(state.timers)) void runtime.schedule(timer.message, timer.at);
  }
  if (options.trackChanges === true) {
    tracker = new ChangeTracker();
    store.tracker = tracker;
    takenSeq = store.events.lastSeq;
  }
  return runtime;
}
