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
 */
import { CorruptMessageError, EngineDeadError, FencedError, InvalidOptionsError, StackStateLostError } from "../errors.js";
import type { CheckMessage } from "../model/types.js";
import type { Logger } from "../plugin/types.js";
import type { CancelListener, CheckHandler, Runtime, StackActivity, WorkerRegistration } from "../runtime/contract.js";
import type { Clock } from "./clock.js";
import { VirtualClock, realClock } from "./clock.js";
import { DeliveryLeases } from "./delivery-leases.js";
import { fencedRuntime } from "./fenced-runtime.js";
import type { LoseReply } from "./fenced-runtime.js";
import { MemoryStore } from "./memory-store.js";
import { createRandom } from "./random.js";
import type { MemorySnapshot, QueuedCheckSnapshot } from "./snapshot.js";
import { MEMORY_SNAPSHOT_FORMAT, MEMORY_SNAPSHOT_VERSION, isValidatedSnapshot, jsonCopy, markValidated, parseMemorySnapshot, snapshotTombstones } from "./snapshot.js";
import { errorMessage } from "../error-message.js";

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
}

/** Options of `snapshot()`. */
export interface SnapshotOptions {
  /** Keep only the newest events of each stack's stream. @default every event */
  readonly maxEventsPerStack?: number;
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
export interface StepOptions {
  /** Index into `pending()` of the check to run. @default by the runtime's order */
  readonly index?: number;
  /** Deliver to this engine. @default round robin over live engines */
  readonly engineId?: string;
  /** Deliver, but leave a copy in the queue (a duplicate delivery). @default false */
  readonly duplicate?: boolean;
  /**
   * Kill the engine after this many runtime operations of the check: the next operation
   * fails, the engine is dead, the check goes back to the queue.
   */
  readonly crashAfterOps?: number;
  /** Lose the reply of one store operation of the check (see {@link LoseReply}). @default no reply lost */
  readonly loseReply?: LoseReply;
}

/** The memory runtime, with its test controls. */
export interface MemoryRuntime extends Runtime {
  /** Scheduling mode. */
  readonly mode: "auto" | "manual";
  /** The clock (a VirtualClock in manual mode unless given). */
  readonly clock: Clock;
  /** Checks waiting, in queue order. */
  pending(): readonly PendingCheck[];
  /** Manual mode: run one pending check to its end. False when none is pending. */
  step(options?: StepOptions): Promise<boolean>;
  /** Manual mode: step until nothing is pending. Returns the number of steps. */
  runUntilIdle(options?: { maxSteps?: number }): Promise<number>;
  /** Manual mode: step until `predicate` holds (checked before each step). False if the queue ran dry first. */
  runUntil(predicate: () => boolean | Promise<boolean>, options?: { maxSteps?: number }): Promise<boolean>;
  /** Move a virtual clock forward, firing due timers (timeouts, watchdog). */
  advanceTime(ms: number): void;
  /**
   * Declare an engine dead: its lease lapses, its running checks go back to the queue (manual
   * mode: pending again; auto mode: delivered to a live engine) whether or not their handlers
   * ever return, and each of their later runtime operations throws `EngineDeadError`.
   */
  killEngine(engineId: string): void;
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
}

interface Worker {
  readonly engineId: string;
  readonly handler: CheckHandler;
  readonly concurrency: number;
  running: number;
  closed: boolean;
  /** Auto-mode deliveries still running (what `close()` waits for). */
  readonly inflight: Map<Delivery, Promise<void>>;
}

interface Item {
  readonly id: number;
  readonly message: CheckMessage;
  attempts: number;
}

/** One delivery of a check to an engine. */
interface Delivery {
  readonly item: Item;
  readonly worker: Worker;
  /** The check went back to the queue (its engine died): this delivery is fenced. */
  handedBack: boolean;
}

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
  const store = new MemoryStore({ fused: options.fusedOperations ?? true });
  const queue: Item[] = [];
  const running = new Set<Delivery>();
  const workers = new Map<string, Worker>();
  const dead = new Set<string>();
  /** Attempts, lapsed leases, running attempts' signals. */
  const leases = new DeliveryLeases();
  const cancelListeners = new Set<CancelListener>();
  const idleWaiters = new Set<() => void>();
  /** Stacks whose lost state was logged (once each). */
  const lostReported = new Set<string>();
  let nextId = 0;
  let roundRobin = 0;
  let pumping = false;
  let delivered = 0;
  let enqueued = 0;
  /** Scheduled checks not yet due, for snapshots. */
  const timers = new Map<number, { readonly message: CheckMessage; readonly at: number }>();
  /** `${at}|${message JSON}` of every pending timer (an identical one is absorbed). */
  const timerKeys = new Set<string>();
  let nextTimer = 0;

  const push = (message: CheckMessage): void => {
    enqueued += 1;
    queue.push({ id: ++nextId, message, attempts: 0 });
    if (duplicateRate > 0 && random() < duplicateRate) queue.push({ id: ++nextId, message, attempts: 0 });
  };

  const liveWorkers = (): Worker[] => [...workers.values()].filter((w) => !w.closed && !dead.has(w.engineId));

  /** A runtime view for one delivery: fences a dead engine or a handed-back check, counts operations. */
  const scoped = (run: Delivery, crashAfterOps: number | undefined, loseReply: LoseReply | undefined): Runtime => {
    const engineId = run.worker.engineId;
    let ops = 0;
    const fence = (): void => {
      if (dead.has(engineId) || run.handedBack) throw new EngineDeadError(engineId);
      ops += 1;
      if (crashAfterOps !== undefined && ops > crashAfterOps) {
        runtime.killEngine(engineId);
        throw new EngineDeadError(engineId);
      }
    };
    return fencedRuntime(runtime, store, fence, loseReply);
  };

  /** Put a running check back in the queue, as BullMQ's stalled-job recovery does; its delivery is fenced from now on. */
  const handBack = (run: Delivery): void => {
    run.handedBack = true;
    running.delete(run);
    run.worker.running -= 1;
    run.worker.inflight.delete(run);
    queue.push(run.item);
  };

  const deliver = async (run: Delivery, crashAfterOps?: number, loseReply?: LoseReply): Promise<void> => {
    const { worker, item } = run;
    running.add(run);
    delivered += 1;
    worker.running += 1;
    item.attempts += 1;
    const lease = leases.open(worker.engineId, () => dead.has(worker.engineId));
    try {
      const { attempt, signal, leaseValid } = lease;
      await worker.handler({ message: item.message, runtime: scoped(run, crashAfterOps, loseReply), attempt, signal, leaseValid });
    } catch (error) {
      if (run.handedBack) {
        // Already back in the queue (its engine died).
      } else if (error instanceof EngineDeadError || error instanceof FencedError || dead.has(worker.engineId)) {
        // Redelivered, as a stalled job (or one a fenced engine gave up) is.
        handBack(run);
      } else if (error instanceof CorruptMessageError) {
        logger.error(`dropping corrupt check: ${error.message}`, { message: item.message });
      } else if (error instanceof StackStateLostError) {
        // Nothing to retry: the stack's state is gone. One line per stack says so.
        if (!lostReported.has(item.message.stackId)) logger.error(error.message, { message: item.message });
        lostReported.add(item.message.stackId);
      } else if (item.attempts < maxAttempts) {
        logger.warn(`check failed, will be redelivered: ${errorMessage(error)}`, { message: item.message });
        queue.push(item);
      } else {
        logger.error(`check failed ${item.attempts} times, dropped: ${errorMessage(error)}`, { message: item.message });
      }
    } finally {
      lease.close();
      if (!run.handedBack) {
        running.delete(run);
        worker.running -= 1;
      }
      schedulePump();
      notifyIdle();
    }
  };

  const schedulePump = (): void => {
    if (mode !== "auto" || pumping) return;
    pumping = true;
    setImmediate(() => {
      pumping = false;
      pump();
    });
  };

  const pump = (): void => {
    let progressed = true;
    while (queue.length > 0 && progressed) {
      progressed = false;
      for (const worker of liveWorkers()) {
        if (queue.length === 0) break;
        if (worker.running >= worker.concurrency) continue;
        const run: Delivery = { item: queue.shift() as Item, worker, handedBack: false };
        const task = deliver(run);
        worker.inflight.set(run, task);
        void task.finally(() => worker.inflight.delete(run));
        progressed = true;
      }
    }
  };

  const notifyIdle = (): void => {
    if (queue.length > 0 || running.size > 0) return;
    for (const wake of [...idleWaiters]) wake();
    idleWaiters.clear();
  };

  const pickIndex = (index: number | undefined): number => {
    if (index !== undefined) {
      if (!Number.isInteger(index) || index < 0 || index >= queue.length) throw new InvalidOptionsError("index", `no pending check at ${index}`);
      return index;
    }
    return options.order === "random" ? Math.floor(random() * queue.length) : 0;
  };

  const runtime: MemoryRuntime = {
    kind: "memory",
    mode,
    clock,
    store,
    now: () => clock.now(),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    async enqueue(messages) {
      for (const message of messages) push(message);
      schedulePump();
    },
    async schedule(message, at) {
      // A timer identical to one pending is absorbed, as the Redis runtime's deterministic
      // job ids absorb it (several engines scheduling the same reconciliation).
      const key = `${at}|${JSON.stringify(message)}`;
      if (timerKeys.has(key)) return;
      timerKeys.add(key);
      const timer = ++nextTimer;
      timers.set(timer, { message, at });
      clock.setTimer(at, () => {
        timers.delete(timer);
        timerKeys.delete(key);
        push(message);
        schedulePump();
      });
    },
    async registerWorker(engineId, handler, opts): Promise<WorkerRegistration> {
      if (workers.has(engineId) && !workers.get(engineId)?.closed) throw new InvalidOptionsError("engineId", `engine "${engineId}" is already registered`);
      const worker: Worker = { engineId, handler, concurrency: opts?.concurrency ?? 16, running: 0, closed: false, inflight: new Map() };
      workers.set(engineId, worker);
      dead.delete(engineId);
      leases.renew(engineId);
      schedulePump();
      return {
        close: async () => {
          worker.closed = true;
          await Promise.allSettled([...worker.inflight.values()]);
        },
      };
    },
    async isAlive(engineId) {
      const worker = workers.get(engineId);
      // A closing engine stays alive until its running checks have drained, so nobody steals
      // the locks they hold (as the Redis runtime keeps its lease until the drain ends).
      return worker !== undefined && (!worker.closed || worker.running > 0) && !dead.has(engineId) && !leases.lapsed(engineId);
    },
    async attemptRunning(engineId, attempt) {
      return leases.running(engineId, attempt);
    },
    async activity(stackId): Promise<StackActivity> {
      const counts = (items: Iterable<Item>): number =>
        [...items].filter((i) => i.message.stackId === stackId && i.message.kind !== "watchdog").length;
      return { queued: counts(queue), running: counts([...running].map((r) => r.item)) };
    },
    async publishCancel(stackId, traversalId) {
      for (const listener of cancelListeners) listener(stackId, traversalId);
    },
    onCancel(listener) {
      cancelListeners.add(listener);
      return () => cancelListeners.delete(listener);
    },
    async close() {
      for (const worker of workers.values()) worker.closed = true;
    },
    pending: () => queue.map((i) => ({ id: i.id, message: i.message, attempts: i.attempts })),
    async step(stepOptions = {}) {
      if (mode !== "manual") throw new InvalidOptionsError("mode", "step() needs a manual-mode memory runtime");
      if (queue.length === 0) return false;
      const live = liveWorkers();
      const worker =
        stepOptions.engineId === undefined
          ? live[roundRobin++ % Math.max(1, live.length)]
          : live.find((w) => w.engineId === stepOptions.engineId);
      if (worker === undefined) throw new InvalidOptionsError("engineId", "no live engine to deliver to");
      const index = pickIndex(stepOptions.index);
      const item = queue[index] as Item;
      if (stepOptions.duplicate === true) queue.push({ id: ++nextId, message: item.message, attempts: 0 });
      queue.splice(index, 1);
      await deliver({ item, worker, handedBack: false }, stepOptions.crashAfterOps, stepOptions.loseReply);
      return true;
    },
    async runUntilIdle(opts) {
      const max = opts?.maxSteps ?? 1_000_000;
      let steps = 0;
      while (steps < max && (await runtime.step())) steps += 1;
      return steps;
    },
    async runUntil(predicate, opts) {
      const max = opts?.maxSteps ?? 1_000_000;
      for (let steps = 0; steps < max; steps++) {
        if (await predicate()) return true;
        if (!(await runtime.step())) return predicate();
      }
      return predicate();
    },
    advanceTime(ms) {
      if (!(clock instanceof VirtualClock)) throw new InvalidOptionsError("clock", "advanceTime() needs a virtual clock");
      clock.advance(ms);
    },
    killEngine(engineId) {
      dead.add(engineId);
      for (const run of [...running]) if (run.worker.engineId === engineId) handBack(run);
      schedulePump();
    },
    wipeState: () => store.wipe(),
    lapseLease: (engineId) => leases.lapse(engineId),
    renewLease: (engineId) => leases.renew(engineId),
    liveEngines: () => liveWorkers().map((w) => w.engineId),
    stats: () => ({ delivered, enqueued }),
    snapshot(snapshotOptions = {}) {
      const max = snapshotOptions.maxEventsPerStack ?? Number.POSITIVE_INFINITY;
      if (!(max >= 0)) throw new InvalidOptionsError("maxEventsPerStack", "must be a number >= 0");
      const checks = (items: Iterable<Item>): QueuedCheckSnapshot[] => [...items].map((i) => ({ message: { ...i.message }, attempts: i.attempts }));
      return markValidated({
        format: MEMORY_SNAPSHOT_FORMAT,
        version: MEMORY_SNAPSHOT_VERSION,
        savedAt: clock.now(),
        stacks: store.exportStacks(),
        events: store.events.exportState(max),
        queue: [...checks([...running].map((r) => r.item).sort((a, b) => a.id - b.id)), ...checks(queue)],
        timers: [...timers.values()].sort((a, b) => a.at - b.at).map((t) => ({ message: { ...t.message }, at: t.at })),
        tombstones: store.exportTombstones(),
      });
    },
    idle: () =>
      new Promise<void>((resolve) => {
        if (queue.length === 0 && running.size === 0) return resolve();
        idleWaiters.add(resolve);
        schedulePump();
      }),
  };
  if (state !== undefined) {
    store.importStacks(state.stacks);
    store.events.importState(state.events);
    store.importTombstones(snapshotTombstones(state));
    for (const check of jsonCopy(state.queue)) queue.push({ id: ++nextId, message: check.message, attempts: check.attempts });
    for (const timer of jsonCopy(state.timers)) void runtime.schedule(timer.message, timer.at);
  }
  return runtime;
}
