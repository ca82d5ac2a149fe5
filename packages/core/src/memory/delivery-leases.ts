/**
 * The memory runtime's liveness bookkeeping per delivery: each delivery is an *attempt* with
 * its own token (row locks name it), an abort signal, and a view of its engine's lease. An
 * engine's lease can lapse while its checks keep running (`lapse`: a process paused longer
 * than its lease) - their signals are aborted and their `leaseValid()` turns false for good,
 * even after the lease is held again (`renew`), as a woken process must not trust a call it
 * started before the pause.
 *
 * An attempt's AbortController is made only when its check reads `signal` (most checks never
 * do): a signal made after a lapse of the attempt's engine is aborted at once.
 */

/** One running attempt, as its check sees it. */
export interface AttemptLease {
  /** The attempt's token (unique in the runtime). */
  readonly attempt: string;
  /** Aborted when the engine's lease lapses (made on first read). */
  readonly signal: AbortSignal;
  /** Whether the engine's lease has been held without a lapse since the attempt started. */
  leaseValid(): boolean;
  /** The attempt ended. */
  close(): void;
}

/** Per engine: how many times its lease lapsed, and its running attempts' controllers. */
interface EngineLeases {
  lapsed: boolean;
  lapses: number;
  readonly controllers: Set<AbortController>;
}

/** Whether an engine was declared dead (the runtime's pump). */
export interface EngineLiveness {
  isDead(engineId: string): boolean;
}

/** One attempt (the object its check gets as {@link AttemptLease}). */
class Attempt implements AttemptLease {
  #controller: AbortController | null = null;
  #closed = false;

  constructor(
    readonly attempt: string,
    private readonly leases: DeliveryLeases,
    private readonly engine: EngineLeases,
    private readonly engineId: string,
    private readonly lapses: number,
    private readonly engines: EngineLiveness,
  ) {}

  get signal(): AbortSignal {
    if (this.#controller === null) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.engine.lapses !== this.lapses) controller.abort(lapseReason(this.engineId));
      else if (!this.#closed) this.engine.controllers.add(controller);
    }
    return this.#controller.signal;
  }

  /** (A bound function: the check may hand it on.) */
  readonly leaseValid = (): boolean => !this.engines.isDead(this.engineId) && !this.engine.lapsed && this.engine.lapses === this.lapses;

  close(): void {
    this.#closed = true;
    this.leases.end(this.attempt);
    if (this.#controller !== null) this.engine.controllers.delete(this.#controller);
  }
}

function lapseReason(engineId: string): string {
  return `the liveness lease of engine ${engineId} lapsed`;
}

/** Attempts, lapsed leases and the signals of running attempts. */
export class DeliveryLeases {
  readonly #attempts = new Map<string, string>();
  readonly #engines = new Map<string, EngineLeases>();
  #seq = 0;

  #engine(engineId: string): EngineLeases {
    let engine = this.#engines.get(engineId);
    if (engine === undefined) {
      engine = { lapsed: false, lapses: 0, controllers: new Set() };
      this.#engines.set(engineId, engine);
    }
    return engine;
  }

  /** Start an attempt of `engineId`; `engines` says whether the engine died meanwhile. */
  open(engineId: string, engines: EngineLiveness): AttemptLease {
    const attempt = `a${++this.#seq}`;
    this.#attempts.set(attempt, engineId);
    const engine = this.#engine(engineId);
    return new Attempt(attempt, this, engine, engineId, engine.lapses, engines);
  }

  /** An attempt ended (see {@link AttemptLease.close}). */
  end(attempt: string): void {
    this.#attempts.delete(attempt);
  }

  /** Whether `attempt` of `engineId` is running. */
  running(engineId: string, attempt: string): boolean {
    return this.#attempts.get(attempt) === engineId;
  }

  /** The lease of `engineId` lapsed: abort its running attempts' signals. */
  lapse(engineId: string): void {
    const engine = this.#engine(engineId);
    engine.lapsed = true;
    engine.lapses += 1;
    for (const controller of engine.controllers) controller.abort(lapseReason(engineId));
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
