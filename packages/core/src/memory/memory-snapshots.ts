/**
 * The memory runtime's snapshots: capture the whole runtime (stacks, events, queued and
 * running checks, timers, tombstones) as a validated {@link MemorySnapshot} with the ids of
 * its checks and timers, and load one into a fresh runtime.
 */
import { InvalidOptionsError } from "../errors.js";
import type { CheckMessage } from "../model/types.js";
import type { Clock } from "./clock.js";
import type { DeliveryPump } from "./delivery-pump.js";
import type { MemoryCheckpoint, SnapshotOptions } from "./memory-runtime-types.js";
import type { MemoryStore } from "./memory-store.js";
import type { MemoryTimers } from "./memory-timers.js";
import type { MemorySnapshot, QueuedCheckSnapshot } from "./snapshot.js";
import { MEMORY_SNAPSHOT_FORMAT, MEMORY_SNAPSHOT_VERSION, jsonCopy, markValidated, snapshotTombstones } from "./snapshot.js";

/** The parts of a memory runtime a snapshot is made of. */
export interface SnapshotParts {
  readonly store: MemoryStore;
  readonly pump: DeliveryPump;
  readonly timers: MemoryTimers;
  readonly clock: Clock;
}

/** A snapshot of the runtime with the ids of its queued checks and timers. @throws InvalidOptionsError for a bad `maxEventsPerStack` */
export function captureCheckpoint(parts: SnapshotParts, options: SnapshotOptions = {}): MemoryCheckpoint {
  const { store, pump } = parts;
  const max = options.maxEventsPerStack ?? Number.POSITIVE_INFINITY;
  if (!(max >= 0)) throw new InvalidOptionsError("maxEventsPerStack", "must be a number >= 0");
  const items = [...pump.runningItems(), ...pump.queue];
  const timed = parts.timers.pending();
  const snapshot = markValidated({
    format: MEMORY_SNAPSHOT_FORMAT,
    version: MEMORY_SNAPSHOT_VERSION,
    savedAt: parts.clock.now(),
    stacks: store.exportStacks(options.copy !== false),
    events: store.events.exportState(max),
    queue: items.map((i): QueuedCheckSnapshot => ({ message: { ...i.message }, attempts: i.attempts })),
    timers: timed.map(([, t]) => ({ message: { ...t.message }, at: t.at })),
    tombstones: store.exportTombstones(),
  });
  return { snapshot, queueIds: items.map((i) => i.id), timerIds: timed.map(([id]) => id) };
}

/** Load a validated snapshot into a fresh runtime: its store, queue and timers (re-armed through `schedule`). */
export function loadSnapshot(parts: Omit<SnapshotParts, "clock" | "timers">, state: MemorySnapshot, schedule: (message: CheckMessage, at: number) => void): void {
  const { store, pump } = parts;
  store.importStacks(state.stacks);
  store.events.importState(state.events);
  store.importTombstones(snapshotTombstones(state));
  for (const check of jsonCopy(state.queue)) pump.add(check.message, check.attempts);
  for (const timer of jsonCopy(state.timers)) schedule(timer.message, timer.at);
}
