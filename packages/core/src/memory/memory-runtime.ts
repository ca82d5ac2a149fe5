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
import type { CancelListener, CheckHandler, Runtime, StackActivity, WorkerRegistration } from "../runtime/contract.js";
import { VirtualClock, realClock } from "./clock.js";
import { DeliveryLeases } from "./delivery-leases.js";
import { fencedView } from "../runtime/delivery/fenced-view.js";
import type { LoseReply } from "../runtime/delivery/fenced-view.js";
import { runUntil, runUntilIdle } from "../runtime/delivery/scheduler.js";
import { ChangeTracker } from "./changes.js";
import type { MemoryChanges } from "./changes.js";
import { MemoryStore } from "./memory-store.js";
import { createRandom } from "./random.js";
import type { QueuedCheckSnapshot } from "./snapshot.js";
import type { MemoryCheckpoint, MemoryRuntime, MemoryRuntimeOptions, SnapshotOptions } from "./memory-runtime-types.js";
import { MEMORY_SNAPSHOT_FORMAT, MEMORY_SNAPSHOT_VERSION, isValidatedSnapshot, jsonCopy, markValidated, parseMemorySnapshot, snapshotTombstones } from "./snapshot.js";
export type { MemoryCheckpoint, MemoryRuntime, MemoryRuntimeOptions, PendingCheck, SnapshotOptions, StepOptions } from "./memory-runtime-types.js";
import { errorMessage } from "../error-message.js";

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
  /** Notes writes when `trackChanges` is on (set once the initial state is loaded). */
  let tracker: ChangeTracker | null = null;
  /** Events up to this sequence number were taken. */
  let takenSeq = 0;

  const push = (message: CheckMessage): void => {
    enqueued += 1;
    const copies = duplicateRate > 0 && random() < duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const item: Item = { id: ++nextId, message, attempts: 0 };
      queue.push(item);
      tracker?.enqueued({ id: item.id, message, attempts: 0 });
    }
  };

  const liveWorkers = (): Worker[] => [...workers.values()].filter((w) => !w.closed && !dead.has(w.engineId));

  /** A runtime view for one delivery: fences a dead engine or a handed-back check, counts operations. */
  const scoped = (run: Delivery, crashAfterOps: number | undefined, loseReply: LoseReply | undefined): Runtime => {
    const engineId = run.worker.engineId;
    const fence = { engineId, isDead: () => dead.has(engineId) || run.handedBack, kill: () => kill(engineId) };
    return fencedView(runtime, fence, { ...(crashAfterOps === undefined ? {} : { crashAfterOps }), ...(loseReply === undefined ? {} : { loseReply }) });
  };

  /** Declare an engine dead now: its running checks go back to the queue, fenced. */
  const kill = (engineId: string): void => {
    dead.add(engineId);
    for (const run of [...running]) if (run.worker.engineId === engineId) handBack(run);
    schedulePump();
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
    let requeued = false;
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
        requeued = true;
      } else {
        logger.error(`check failed ${item.attempts} times, dropped: ${errorMessage(error)}`, { message: item.message });
      }
    } finally {
      lease.close();
      if (!run.handedBack) {
        running.delete(run);
        worker.running -= 1;
        if (!requeued) tracker?.finished(item.id);
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

  /** A snapshot with the ids of its queued checks and timers. */
  const capture = (snapshotOptions: SnapshotOptions = {}): MemoryCheckpoint => {
    const max = snapshotOptions.maxEventsPerStack ?? Number.POSITIVE_INFINITY;
    if (!(max >= 0)) throw new InvalidOptionsError("maxEventsPerStack", "must be a number >= 0");
    const items = [...[...running].map((r) => r.item).sort((a, b) => a.id - b.id), ...queue];
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
      tracker?.scheduled({ id: timer, message, at });
      clock.setTimer(at, () => {
        timers.delete(timer);
        tracker?.fired(timer);
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
      if (stepOptions.duplicate === true) {
        queue.push({ id: ++nextId, message: item.message, attempts: 0 });
        tracker?.enqueued({ id: nextId, message: item.message, attempts: 0 });
      }
      queue.splice(index, 1);
      await deliver({ item, worker, handedBack: false }, stepOptions.crashAfterOps, stepOptions.loseReply);
      return true;
    },
    runUntilIdle: (opts) => runUntilIdle(runtime, opts),
    runUntil: (predicate, opts) => runUntil(runtime, predicate, opts),
    advanceTime(ms) {
      if (!(clock instanceof VirtualClock)) throw new InvalidOptionsError("clock", "advanceTime() needs a virtual clock");
      clock.advance(ms);
    },
    async killEngine(engineId) {
      kill(engineId);
    },
    wipeState: () => store.wipe(),
    lapseLease: (engineId) => leases.lapse(engineId),
    renewLease: (engineId) => leases.renew(engineId),
    liveEngines: () => liveWorkers().map((w) => w.engineId),
    stats: () => ({ delivered, enqueued }),
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
  if (options.trackChanges === true) {
    tracker = new ChangeTracker();
    store.tracker = tracker;
    takenSeq = store.events.lastSeq;
  }
  return runtime;
}
