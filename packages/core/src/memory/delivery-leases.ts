/**
 * The memory runtime's liveness bookkeeping per delivery: each delivery is an *attempt* with
 * its own token (row locks name it), an abort signal, and a view of its engine's lease. An
 * engine's lease can lapse while its checks keep running (`lapse`: a process paused longer
 * than its lease) - their signals are aborted and their `leaseValid()` turns false for good,
 * even after the lease is held again (`renew`), as a woken process must not trust a call it
 * started before the pause.
 *
 * The signal is shared: a lapse is the only thing that aborts an attempt's signal here, and
 * it aborts every attempt of the engine started before it at once, so all the attempts
 * started between two lapses of an engine (one *epoch*) share one AbortController, made when
 * the first of them reads `signal`. An AbortController per delivery cost ~2.5 KB of
 * allocation per check, most of it kept until a major GC (Node keeps a signal's event
 * target state past a scavenge): a fifth of the old-space garbage of a 100k traversal.
 * Listeners on the shared signal are the checks' (a plugin call that reads its own signal
 * follows its delivery's until the call ends: `protocol/abort-registry.ts`), so the signal
 * takes any number of them (as many as the engine runs calls at once) without Node's
 * possible-leak warning.
 */
import { setMaxListeners } from "node:events";
import { SlotList } from "./slot-list.js";

/** One running attempt, as its check sees it. */
export interface AttemptLease {
  /** The attempt's token (unique in the runtime). */
  readonly attempt: string;
  /** Aborted when the engine's lease lapses (shared by the attempts of one epoch, made on first read). */
  readonly signal: AbortSignal;
  /** Whether the engine's lease has been held without a lapse since the attempt started. */
  leaseValid(): boolean;
  /** The attempt ended. */
  close(): void;
}

/** The attempts of one engine started between two lapses of its lease. */
class Epoch {
  /** Set when the epoch ended: the lease lapsed. */
  reason: string | undefined = undefined;
  #controller: AbortController | undefined = undefined;

  /** The epoch's signal: made on first read, aborted at once when the epoch already ended. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      setMaxListeners(0, controller.signal);
      if (this.reason !== undefined) controller.abort(this.reason);
      this.#controller = controller;
    }
    return this.#controller.signal;
  }

  /** The lease lapsed: abort the signal (if it was made). */
  end(reason: string): void {
    this.reason = reason;
    this.#controller?.abort(reason);
  }
}

/** Per engine: whether its lease is lapsed now, and its current epoch. */
interface EngineLeases {
  lapsed: boolean;
  epoch: Epoch;
}

/** Whether an engine was declared dead (the runtime's pump). */
export interface EngineLiveness {
  isDead(engineId: string): boolean;
}

/** One attempt (the object its check gets as {@link AttemptLease}). */
class Attempt implements AttemptLease {
  /** Its index in the running attempts (-1 once ended). */
  slot = -1;

  constructor(
    readonly attempt: string,
    private readonly leases: DeliveryLeases,
    private readonly engine: EngineLeases,
    readonly engineId: string,
    private readonly epoch: Epoch,
    private readonly engines: EngineLiveness,
  ) {}

  get signal(): AbortSignal {
    return this.epoch.signal;
  }

  /** (A bound function: the check may hand it on.) */
  readonly leaseValid = (): boolean => !this.engines.isDead(this.engineId) && !this.engine.lapsed && this.epoch.reason === undefined;

  close(): void {
    this.leases.end(this);
  }
}

function lapseReason(engineId: string): string {
  return `the liveness lease of engine ${engineId} lapsed`;
}

/** Attempts, lapsed leases and the signals of running attempts. */
export class DeliveryLeases {
  /** The running attempts (a handful: the engines' concurrency; no hash table churned per check). */
  readonly #attempts = new SlotList<Attempt>();
  readonly #engines = new Map<string, EngineLeases>();
  #seq = 0;

  #engine(engineId: string): EngineLeases {
    let engine = this.#engines.get(engineId);
    if (engine === undefined) {
      engine = { lapsed: false, epoch: new Epoch() };
      this.#engines.set(engineId, engine);
    }
    return engine;
  }

  /** Start an attempt of `engineId`; `engines` says whether the engine died meanwhile. */
  open(engineId: string, engines: EngineLiveness): AttemptLease {
    const engine = this.#engine(engineId);
    const attempt = new Attempt(`a${++this.#seq}`, this, engine, engineId, engine.epoch, engines);
    this.#attempts.add(attempt);
    return attempt;
  }

  /** An attempt ended (see {@link AttemptLease.close}). */
  end(attempt: Attempt): void {
    this.#attempts.delete(attempt);
  }

  /** Whether `attempt` of `engineId` is running (a scan of the running attempts: asked rarely, about a lock's holder). */
  running(engineId: string, attempt: string): boolean {
    for (const running of this.#attempts) if (running.attempt === attempt) return running.engineId === engineId;
    return false;
  }

  /** The lease of `engineId` lapsed: abort the signals of the attempts started before (a new epoch begins). */
  lapse(engineId: string): void {
    const engine = this.#engine(engineId);
    engine.lapsed = true;
    const ended = engine.epoch;
    engine.epoch = new Epoch();
    ended.end(lapseReason(engineId));
  }

  /** The lease of `engineId` is held again (renewed after a pause, or the engine registered anew). */
  renew(engineId: string): void {
    const engine = this.#engines.get(engineId);
    if (engine !== undefined) engine.lapsed = false;
  }

  /** Whether the lease of `engineId` is lapsed now. */
  lapsed(engineId: string): boolean {
    return this.#engines.get(engineId)?.lapsed === true;
  }
}
