/**
 * The memory runtime's delivery side: the queue of checks, the registered workers (engines),
 * auto-mode pumping and manual stepping, hand-back of a dead engine's running checks, retries.
 * The store is `memory-store.ts`'s, snapshots `memory-snapshots.ts`'s, change tracking `memory-tracking.ts`'s.
 */
import { CorruptMessageError, EngineDeadError, FencedError, InvalidOptionsError, RuntimeStateError, StackStateLostError } from "../errors.js";
import { errorMessage } from "../error-message.js";
import type { CheckMessage } from "../model/types.js";
import type { CheckHandler, Delivery as CheckDelivery, Runtime, StackActivity, WorkerRegistration } from "../runtime/contract.js";
import type { FenceState, FencedViewOptions } from "../runtime/delivery/fenced-view.js";
import type { ChangeTracker } from "./changes.js";
import type { AttemptLease } from "./delivery-leases.js";
import { DeliveryLeases } from "./delivery-leases.js";
import { FifoQueue } from "./fifo-queue.js";
import { SlotList } from "./slot-list.js";
import type { MemoryRuntimeOptions, StepOptions } from "./memory-runtime-types.js";

interface Worker {
  readonly engineId: string;
  readonly handler: CheckHandler;
  readonly concurrency: number;
  running: number;
  closed: boolean;
  /** Auto-mode deliveries still running and not handed back (what `close()` waits for). */
  inflight: number;
  /** `close()` calls waiting for `inflight` to reach 0. */
  readonly drained: Array<() => void>;
}

/** A check in the queue (or running). */
export interface QueueItem {
  /** Queue id (increasing). */
  readonly id: number;
  /** The message. */
  readonly message: CheckMessage;
  /** Deliveries so far. */
  attempts: number;
}

/** One delivery of a check to an engine; its fence (see `FenceState`) too. */
class Delivery implements FenceState {
  /** The check went back to the queue (its engine died): this delivery is fenced. */
  handedBack = false;
  /** Its index in the pump's running list (-1 when not running). */
  slot = -1;
  readonly engineId: string;

  constructor(
    readonly item: QueueItem,
    readonly worker: Worker,
    /** Started by the auto-mode pump (counted in `worker.inflight`). */
    readonly auto: boolean,
    private readonly pump: DeliveryPump,
  ) {
    this.engineId = worker.engineId;
  }

  isDead(): boolean {
    return this.handedBack || this.pump.isDead(this.engineId);
  }

  kill(): void {
    this.pump.kill(this.engineId);
  }
}

/** What a handler gets for one delivery: a class, so that every delivery has the same shape. */
class HandedCheck implements CheckDelivery {
  readonly attempt: string;
  readonly leaseValid: () => boolean;
  /**
   * An own field, not a getter: a handler that wraps the delivery with a spread
   * (`{ ...delivery, ... }`) keeps it (`processCheck` reads it at once anyway). Cheap to read:
   * the attempts of one engine between two lapses share one signal (`delivery-leases.ts`).
   */
  readonly signal: AbortSignal;

  constructor(
    readonly message: CheckMessage,
    readonly runtime: Runtime,
    lease: AttemptLease,
  ) {
    this.attempt = lease.attempt;
    this.leaseValid = lease.leaseValid;
    this.signal = lease.signal;
  }
}

const NO_FAULTS: FencedViewOptions = Object.freeze({});

/** Auto mode: deliveries started from the end of another delivery, before a macrotask turn is due. */
const DIRECT_PUMPS = 512;

/** What the pump needs from its runtime. */
export interface PumpSettings {
  readonly mode: "auto" | "manual";
  readonly order: "fifo" | "random";
  readonly duplicateRate: number;
  readonly maxAttempts: number;
  readonly random: () => number;
  readonly logger: NonNullable<MemoryRuntimeOptions["logger"]>;
  /** The fenced runtime view of one delivery. */
  readonly view: (fence: FenceState, options: FencedViewOptions) => Runtime;
  /** The change tracker, when changes are tracked. */
  readonly tracker: () => ChangeTracker | null;
}

/** Queue, workers and deliveries of a memory runtime. */
export class DeliveryPump {
  readonly queue = new FifoQueue<QueueItem>();
  private readonly running = new SlotList<Delivery>();
  private readonly workers = new Map<string, Worker>();
  private readonly dead = new Set<string>();
  /** Attempts, lapsed leases, running attempts' signals. */
  readonly leases = new DeliveryLeases();
  private readonly idleWaiters = new Set<() => void>();
  /** Stacks whose lost state was logged (once each). */
  private readonly lostReported = new Set<string>();
  private nextId = 0;
  private roundRobin = 0;
  private pumping = false;
  /** Auto mode: pumps left before the next one waits for a macrotask (timers and I/O run then). */
  private directPumps = DIRECT_PUMPS;
  /** Checks delivered and enqueued so far. */
  delivered = 0;
  enqueued = 0;

  constructor(private readonly settings: PumpSettings) {}

  /** Enqueue a check (twice at the duplicate rate). */
  push(message: CheckMessage): void {
    this.enqueued += 1;
    const copies = this.settings.duplicateRate > 0 && this.settings.random() < this.settings.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) this.add(message, 0);
  }

  /** Put a check in the queue as it is (a restored snapshot's, a duplicate). */
  add(message: CheckMessage, attempts: number): QueueItem {
    const item: QueueItem = { id: ++this.nextId, message, attempts };
    this.queue.push(item);
    this.settings.tracker()?.enqueued({ id: item.id, message, attempts });
    return item;
  }

  /** Running checks' items, in id order. */
  runningItems(): QueueItem[] {
    return this.running.toArray().map((r) => r.item).sort((a, b) => a.id - b.id);
  }

  /** Whether `engineId` was declared dead. */
  isDead(engineId: string): boolean {
    return this.dead.has(engineId);
  }

  liveWorkers(): Worker[] {
    return [...this.workers.values()].filter((w) => !w.closed && !this.dead.has(w.engineId));
  }

  /** Declare an engine dead now: its running checks go back to the queue, fenced. */
  kill(engineId: string): void {
    this.dead.add(engineId);
    for (const run of this.running.toArray()) if (run.worker.engineId === engineId) this.handBack(run);
    this.schedulePump();
  }

  /** Put a running check back in the queue, as BullMQ's stalled-job recovery does; its delivery is fenced from now on. */
  private handBack(run: Delivery): void {
    run.handedBack = true;
    this.running.delete(run);
    run.worker.running -= 1;
    this.settle(run);
    this.queue.push(run.item);
  }

  /** An auto-mode delivery ended or was handed back: `close()` no longer waits for it. */
  private settle(run: Delivery): void {
    if (!run.auto) return;
    const worker = run.worker;
    worker.inflight -= 1;
    if (worker.inflight === 0 && worker.drained.length > 0) for (const wake of worker.drained.splice(0)) wake();
  }

  private async deliver(run: Delivery, fencing?: FencedViewOptions): Promise<void> {
    const { worker, item } = run;
    this.running.add(run);
    this.delivered += 1;
    worker.running += 1;
    item.attempts += 1;
    const engineId = worker.engineId;
    const lease = this.leases.open(engineId, this);
    let requeued = false;
    try {
      await worker.handler(new HandedCheck(item.message, this.settings.view(run, fencing ?? NO_FAULTS), lease));
    } catch (error) {
      requeued = this.failed(run, error);
    } finally {
      lease.close();
      if (!run.handedBack) {
        this.running.delete(run);
        worker.running -= 1;
        if (!requeued) this.settings.tracker()?.finished(item.id);
        this.settle(run);
      }
      this.pumpNext();
      this.notifyIdle();
    }
  }

  /** A delivery threw: hand it back, drop it or retry it. True when it went back to the queue as a retry. */
  private failed(run: Delivery, error: unknown): boolean {
    const { item, worker } = run;
    const { logger } = this.settings;
    if (run.handedBack) return false; // Already back in the queue (its engine died).
    if (error instanceof EngineDeadError || error instanceof FencedError || this.dead.has(worker.engineId)) {
      // Redelivered, as a stalled job (or one a fenced engine gave up) is.
      this.handBack(run);
    } else if (error instanceof CorruptMessageError) {
      logger.error(`dropping corrupt check: ${error.message}`, { message: item.message });
    } else if (error instanceof StackStateLostError) {
      // Nothing to retry: the stack's state is gone. One line per stack says so.
      if (!this.lostReported.has(item.message.stackId)) logger.error(error.message, { message: item.message });
      this.lostReported.add(item.message.stackId);
    } else if (item.attempts < this.settings.maxAttempts) {
      logger.warn(`check failed, will be redelivered: ${errorMessage(error)}`, { message: item.message });
      this.queue.push(item);
      return true;
    } else {
      logger.error(`check failed ${item.attempts} times, dropped: ${errorMessage(error)}`, { message: item.message });
    }
    return false;
  }

  /** Auto mode: deliver what is queued on the next turn of the event loop. */
  schedulePump(): void {
    if (this.settings.mode !== "auto" || this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      this.directPumps = DIRECT_PUMPS;
      this.pump();
    });
  }

  /**
   * Auto mode, a delivery ended: refill the free slots at once (no macrotask per check), up to
   * {@link DIRECT_PUMPS} times; then wait for the next turn of the event loop, so checks that
   * never leave the microtask queue cannot starve timers and I/O. A turn already scheduled
   * (by an enqueue during the delivery - every link of a chain enqueues its successor so) does
   * not hold the refill back: it would cost each link a turn of the event loop.
   */
  private pumpNext(): void {
    if (this.settings.mode !== "auto" || this.queue.length === 0) return;
    if (this.directPumps <= 0) return this.schedulePump();
    this.directPumps -= 1;
    this.pump();
  }

  private pump(): void {
    const live = this.liveWorkers();
    let progressed = true;
    while (this.queue.length > 0 && progressed) {
      progressed = false;
      for (const worker of live) {
        if (this.queue.length === 0) break;
        if (worker.closed || this.dead.has(worker.engineId) || worker.running >= worker.concurrency) continue;
        const run = new Delivery(this.queue.shift() as QueueItem, worker, true, this);
        worker.inflight += 1;
        void this.deliver(run);
        progressed = true;
      }
    }
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.running.size > 0) return;
    for (const wake of [...this.idleWaiters]) wake();
    this.idleWaiters.clear();
  }

  /** Resolve when nothing is queued or running. */
  idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.queue.length === 0 && this.running.size === 0) return resolve();
      this.idleWaiters.add(resolve);
      this.schedulePump();
    });
  }

  /** Manual mode: run one pending check to its end. */
  async step(options: StepOptions = {}): Promise<boolean> {
    if (this.settings.mode !== "manual") throw new InvalidOptionsError("mode", "step() needs a manual-mode memory runtime");
    if (this.queue.length === 0) return false;
    const live = this.liveWorkers();
    const worker = options.engineId === undefined ? live[this.roundRobin++ % Math.max(1, live.length)] : live.find((w) => w.engineId === options.engineId);
    if (worker === undefined) throw new RuntimeStateError("engine", "no live engine to deliver to");
    const index = this.pickIndex(options.index);
    const item = this.queue.at(index) as QueueItem;
    if (options.duplicate === true) this.add(item.message, 0);
    this.queue.removeAt(index);
    const fencing = { ...(options.crashAfterOps === undefined ? {} : { crashAfterOps: options.crashAfterOps }), ...(options.loseReply === undefined ? {} : { loseReply: options.loseReply }) };
    await this.deliver(new Delivery(item, worker, false, this), fencing);
    return true;
  }

  private pickIndex(index: number | undefined): number {
    if (index !== undefined) {
      if (!Number.isInteger(index) || index < 0 || index >= this.queue.length) throw new InvalidOptionsError("index", `no pending check at ${index}`);
      return index;
    }
    return this.settings.order === "random" ? Math.floor(this.settings.random() * this.queue.length) : 0;
  }

  /** Register an engine's handler. @throws RuntimeStateError when the engine id is registered and not closed */
  register(engineId: string, handler: CheckHandler, concurrency: number): WorkerRegistration {
    if (this.workers.has(engineId) && !this.workers.get(engineId)?.closed) throw new RuntimeStateError(`engine "${engineId}"`, `engine "${engineId}" is already registered`);
    const worker: Worker = { engineId, handler, concurrency, running: 0, closed: false, inflight: 0, drained: [] };
    this.workers.set(engineId, worker);
    this.dead.delete(engineId);
    this.leases.renew(engineId);
    this.schedulePump();
    return {
      close: async () => {
        worker.closed = true;
        if (worker.inflight > 0) await new Promise<void>((resolve) => worker.drained.push(resolve));
      },
    };
  }

  /** Whether the engine is registered, not dead, and its lease held. */
  isAlive(engineId: string): boolean {
    const worker = this.workers.get(engineId);
    // A closing engine stays alive until its running checks have drained, so nobody steals
    // the locks they hold (as the Redis runtime keeps its lease until the drain ends).
    return worker !== undefined && (!worker.closed || worker.running > 0) && !this.dead.has(engineId) && !this.leases.lapsed(engineId);
  }

  /** Checks queued and running for a stack (watchdog checks not counted). */
  activity(stackId: string): StackActivity {
    const counts = (items: Iterable<QueueItem>): number => {
      let n = 0;
      for (const i of items) if (i.message.stackId === stackId && i.message.kind !== "watchdog") n += 1;
      return n;
    };
    return { queued: counts(this.queue), running: counts(this.running.toArray().map((r) => r.item)) };
  }

  /** Stop every worker (running checks end on their own). */
  closeAll(): void {
    for (const worker of this.workers.values()) worker.closed = true;
  }
}
