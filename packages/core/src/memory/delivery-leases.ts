/**
 * The memory runtime's liveness bookkeeping per delivery: each delivery is an *attempt* with
 * its own token (row locks name it), an abort signal, and a view of its engine's lease. An
 * engine's lease can lapse while its checks keep running (`lapse`: a process paused longer
 * than its lease) - their signals are aborted and their `leaseValid()` turns false for good,
 * even after the lease is held again (`renew`), as a woken process must not trust a call it
 * started before the pause.
 */

/** One running attempt, as its check sees it. */
export interface AttemptLease {
  /** The attempt's token (unique in the runtime). */
  readonly attempt: string;
  /** Aborted when the engine's lease lapses. */
  readonly signal: AbortSignal;
  /** Whether the engine's lease has been held without a lapse since the attempt started. */
  leaseValid(): boolean;
  /** The attempt ended. */
  close(): void;
}

/** Attempts, lapsed leases and the signals of running attempts. */
export class DeliveryLeases {
  readonly #attempts = new Map<string, string>();
  readonly #lapsed = new Set<string>();
  readonly #lapses = new Map<string, number>();
  readonly #signals = new Map<string, Set<AbortController>>();
  #seq = 0;

  /** Start an attempt of `engineId`; `dead()` says whether the engine died meanwhile. */
  open(engineId: string, dead: () => boolean): AttemptLease {
    const attempt = `a${++this.#seq}`;
    this.#attempts.set(attempt, engineId);
    const controller = new AbortController();
    const signals = this.#signals.get(engineId) ?? new Set<AbortController>();
    this.#signals.set(engineId, signals.add(controller));
    const lapses = this.#lapses.get(engineId) ?? 0;
    return {
      attempt,
      signal: controller.signal,
      leaseValid: () => !dead() && !this.#lapsed.has(engineId) && (this.#lapses.get(engineId) ?? 0) === lapses,
      close: () => {
        this.#attempts.delete(attempt);
        signals.delete(controller);
      },
    };
  }

  /** Whether `attempt` of `engineId` is running. */
  running(engineId: string, attempt: string): boolean {
    return this.#attempts.get(attempt) === engineId;
  }

  /** The lease of `engineId` lapsed: abort its running attempts' signals. */
  lapse(engineId: string): void {
    this.#lapsed.add(engineId);
    this.#lapses.set(engineId, (this.#lapses.get(engineId) ?? 0) + 1);
    for (const controller of this.#signals.get(engineId) ?? []) controller.abort(`the liveness lease of engine ${engineId} lapsed`);
  }

  /** The lease of `engineId` is held again (renewed after a pause, or the engine registered anew). */
  renew(engineId: string): void {
    this.#lapsed.delete(engineId);
  }

  /** Whether the lease of `engineId` is lapsed now. */
  lapsed(engineId: string): boolean {
    return this.#lapsed.has(engineId);
  }
}
