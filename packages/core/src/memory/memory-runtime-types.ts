/**
 * The types of the memory runtime: its options, the runtime with its test controls, and what
 * its snapshot and manual-stepping methods take and return (`memory-runtime.ts` makes one).
 */
import type { CheckMessage } from "../model/types.js";
import type { Logger } from "../plugin/types.js";
import type { Runtime } from "../runtime/contract.js";
import type { MemoryChanges } from "./changes.js";
import type { Clock } from "./clock.js";
import type { LoseReply } from "../runtime/delivery/fenced-view.js";
import type { BaseStepOptions, DeliveryTestControls } from "../runtime/delivery/test-controls.js";
import type { MemorySnapshot } from "./snapshot.js";

/** Options of {@link createMemoryRuntime}. */
export interface MemoryRuntimeOptions {
  /** Scheduling mode. @default "auto" */
  readonly mode?: "auto" | "manual";
  /** Order in which `step()` picks pending checks. @default "fifo" */
  readonly order?: "fifo" | "random";
  /** Seed of the random order and of duplicate injection. @default 1 */
  readonly seed?: number;
  /** Probability (0..1) that an enqueued check is delivered twice (at-least-once testing). @default 0 */
  readonly duplicateRate?: number;
  /** Clock. @default the real clock in auto mode, a {@link VirtualClock} in manual mode */
  readonly clock?: Clock;
  /** Deliveries of a check whose handler throws before it is dropped. @default 5 */
  readonly maxAttempts?: number;
  /** Logger for dropped checks. @default silent */
  readonly logger?: Pick<Logger, "warn" | "error">;
  /**
   * Implement the runtime contract's optional fused operations (`writeRowWithEvent`,
   * `reportNode`). False leaves them out, so the protocol composes them from the basic
   * operations - the path of a runtime that has none (tests run both). @default true
   */
  readonly fusedOperations?: boolean;
  /**
   * Start from a snapshot (`runtime.snapshot()`, or a parsed state file): its stacks, events,
   * queued checks and timers. A value that did not come from `snapshot()` or
   * `parseMemorySnapshot` is validated first. In manual mode without a `clock`, the virtual
   * clock starts at the snapshot's `savedAt`. @default an empty runtime
   */
  readonly state?: MemorySnapshot;
  /**
   * Note every write (by key, nothing copied) so that `takeChanges()` can return what changed
   * since its previous call - how the CLI persists a runtime in O(changes). @default false
   */
  readonly trackChanges?: boolean;
  /**
   * Events each stack's stream keeps (the newest; older ones are dropped), as the Redis
   * runtime caps its streams - a long-lived runtime's memory stays bounded. A deleted stack's
   * stream keeps its newest 1,000 (the 100 most recently deleted stacks' stay readable).
   * @default 100,000
   */
  readonly maxEventsPerStack?: number;
}

/** A snapshot and the ids its queued checks and timers have in the runtime (see `MemoryChanges`). */
export interface MemoryCheckpoint {
  /** The snapshot. */
  readonly snapshot: MemorySnapshot;
  /** Queue ids of `snapshot.queue`, in order. */
  readonly queueIds: readonly number[];
  /** Timer ids of `snapshot.timers`, in order. */
  readonly timerIds: readonly number[];
}

/** Options of `snapshot()`. */
export interface SnapshotOptions {
  /** Keep only the newest events of each stack's stream. @default every event */
  readonly maxEventsPerStack?: number;
  /**
   * Deep-copy the stacks' records. False shares the runtime's own (which it never changes in
   * place) - for a caller that serializes the snapshot at once and never changes it. @default true
   */
  readonly copy?: boolean;
}

/** A check waiting in the queue. */
export interface PendingCheck {
  /** Queue id (increasing). */
  readonly id: number;
  /** The message. */
  readonly message: CheckMessage;
  /** Deliveries so far. */
  readonly attempts: number;
}

/** Options of one manual `step`. */
export interface StepOptions extends BaseStepOptions {
  /** Index into `pending()` of the check to run. @default by the runtime's order */
  readonly index?: number;
  /** Deliver, but leave a copy in the queue (a duplicate delivery). @default false */
  readonly duplicate?: boolean;
  /** Lose the reply of one store operation of the check (see {@link LoseReply}). @default no reply lost */
  readonly loseReply?: LoseReply;
}

/** The memory runtime, with its test controls. */
export interface MemoryRuntime extends Runtime, DeliveryTestControls<StepOptions> {
  /** Scheduling mode. */
  readonly mode: "auto" | "manual";
  /** The clock (a VirtualClock in manual mode unless given). */
  readonly clock: Clock;
  /** Checks waiting, in queue order. */
  pending(): readonly PendingCheck[];
  /** Manual mode: run one pending check to its end (engine: round robin over live ones). False when none is pending. */
  step(options?: StepOptions): Promise<boolean>;
  /** Move a virtual clock forward, firing due timers (timeouts, watchdog). */
  advanceTime(ms: number): void;
  /**
   * Declare an engine dead (synchronously; the promise is for the shared signature): its
   * lease lapses, its running checks go back to the queue (manual mode: pending again; auto
   * mode: delivered to a live engine) whether or not their handlers ever return, and each of
   * their later runtime operations throws `EngineDeadError`.
   */
  killEngine(engineId: string): Promise<void>;
  /**
   * Lose every stack, name, tombstone and event stream, as a store restarted without
   * persistence does (queued checks and timers stay, as workers and their jobs would). The
   * engine then reports the stacks' state as lost (`StackStateLostError`), not as deleted.
   */
  wipeState(): void;
  /**
   * Let an engine's liveness lease lapse while its checks keep running - a process paused
   * longer than its lease (GC pause, SIGSTOP, VM freeze): others see it dead and steal its
   * locks; its running checks' signals are aborted and their `leaseValid()` is false, but
   * their operations are not fenced (a woken process still talks to the store).
   */
  lapseLease(engineId: string): void;
  /** The lease of an engine whose lease lapsed is held again (its renewal after the pause). */
  renewLease(engineId: string): void;
  /** Engine ids registered and alive. */
  liveEngines(): string[];
  /** Auto mode: resolve when nothing is queued or running. */
  idle(): Promise<void>;
  /** Counters: checks delivered and enqueued since the runtime was created. */
  stats(): { readonly delivered: number; readonly enqueued: number };
  /**
   * Everything the runtime holds as one plain-JSON value (a deep copy): stacks, events,
   * checks queued or running (running ones are saved as queued, to be delivered again) and
   * timers. Restore it with `createMemoryRuntime({ state })`.
   */
  snapshot(options?: SnapshotOptions): MemorySnapshot;
  /**
   * What changed since the previous `takeChanges()` or `checkpoint()` (or since the runtime
   * was created), or null when nothing did. The values are the runtime's own: serialize them
   * before the runtime runs again. @throws InvalidOptionsError without `trackChanges`.
   */
  takeChanges(): MemoryChanges | null;
  /** A snapshot (as `snapshot()`) with the ids later changes refer to; later changes start from it. */
  checkpoint(options?: SnapshotOptions): MemoryCheckpoint;
}
