/**
 * The shared vocabulary of a runtime's worker host: its settings and dependencies, one
 * registered engine (`Slot`) and what became of one delivered job (`Outcome`). The host
 * (`worker-host.ts`) keeps the slots; `claim.ts` claims a job, `delivery-run.ts` runs it,
 * `bull-worker.ts` and `step-worker.ts` deliver jobs in auto and manual mode.
 */
import { setMaxListeners } from "node:events";
import type { FetchedClaims } from "./fetch-claim.js";
import type { Worker } from "bullmq";
import type { CheckHandler, CheckMessage, CorruptMessageError, Logger, Runtime, RuntimeStore } from "@converge/core";
import type { ParsedJob } from "./check-queue.js";
import type { FenceState } from "@converge/core";
import type { Lease } from "./lease.js";
import type { KeepFailedJobs } from "./options.js";
import type { RedisClient } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";

/** Settings of the host (from the runtime's resolved options). */
export interface HostSettings {
  readonly mode: "auto" | "manual";
  readonly queueName: string;
  readonly leaseTtlMs: number;
  readonly jobLockMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  readonly shutdownGraceMs: number;
  /** Failed jobs kept for inspection (BullMQ's `removeOnFail` of the workers). */
  readonly keepFailedJobs: KeepFailedJobs;
  readonly staleGenerationTtlMs: number;
  /** Whether a BullMQ worker's fetch claims the job it fetches (`fetch-claim.ts`). */
  readonly claimOnFetch: boolean;
  readonly logger: Pick<Logger, "warn" | "error">;
}

/** What the host needs from the runtime. */
export interface HostDeps {
  /** The store context, and the store itself (for the checks' buffered events). */
  readonly ctx: StoreContext & { readonly store: RuntimeStore };
  readonly settings: HostSettings;
  /** The full runtime, wrapped per delivery. */
  readonly runtime: () => Runtime;
  /** A new connection for a BullMQ worker (`maxRetriesPerRequest: null`). */
  readonly connectWorker: () => RedisClient;
  /** Waiting jobs (manual mode: to tell "no engine" from "nothing to do"). */
  readonly waiting: () => Promise<number>;
  /** Enqueue a copy of a check (a duplicate delivery); returns its job id. */
  readonly enqueueCopy: (message: CheckMessage) => Promise<readonly string[]>;
}

/** Options of a manual `step`. */
export interface RedisStepOptions {
  /** Deliver to this engine. @default round robin over live engines */
  readonly engineId?: string;
  /** After the check ran, enqueue it once more (a duplicate delivery; copies are not copied again). @default false */
  readonly duplicate?: boolean;
  /** Kill the engine after this many runtime operations of the check; its job goes back to the queue. */
  readonly crashAfterOps?: number;
}

/** One engine registered with the host. */
export interface Slot extends FenceState {
  readonly handler: CheckHandler;
  readonly lease: Lease;
  dead: boolean;
  closed: boolean;
  closing: Promise<void> | null;
  bull: Worker | null;
  connection: RedisClient | null;
  /** How to end the wait of each running check past its claim with a hand-back, by job id. */
  readonly inflight: Map<string, (handedBack: "handback") => void>;
  /** Attempts running on this engine. */
  readonly attempts: Set<string>;
  /** The abort signal of the checks started since the last lease lapse. */
  readonly signals: SlotSignals;
  /** Jobs its BullMQ worker's fetches claimed, until their deliveries take them (`fetch-claim.ts`). */
  readonly fetchedClaims: FetchedClaims;
}

/**
 * The abort signals of one slot's deliveries. Two things abort a running check's signal, and
 * each aborts every check of the slot at once: a lapse of the engine's lease (the checks
 * started before it) and the hand-back past the shutdown grace period (every check still
 * running). So the checks started between two lapses share one AbortController - made on
 * first use, replaced by a lapse - instead of one per delivery (an AbortController and its
 * signal are ~1.4 KB, mostly promoted to old space). Listeners on a shared signal are its
 * checks' plugin calls' (core's `AbortRegistry` removes them when a call ends): any number,
 * no possible-leak warning.
 */
export class SlotSignals {
  private controller: AbortController | undefined = undefined;

  /** The signal of a check starting now: aborted by the next lapse or the hand-back. */
  current(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      setMaxListeners(0, this.controller.signal);
    }
    return this.controller.signal;
  }

  /** The lease lapsed: abort the running checks' signal; checks starting later get a new one. */
  lapse(reason: string): void {
    this.controller?.abort(reason);
    this.controller = undefined;
  }

  /** The slot hands its running checks back: abort their signal (a signal a lapse aborted keeps its reason). */
  handBack(): void {
    this.controller?.abort("the check was handed back to the queue");
  }
}

/** What became of one delivered job. */
export type Outcome =
  | { readonly kind: "done"; readonly job: ParsedJob }
  | { readonly kind: "handback"; readonly job: ParsedJob | null }
  | { readonly kind: "failed"; readonly job: ParsedJob | null; readonly error: unknown }
  | { readonly kind: "corrupt"; readonly error: CorruptMessageError };

/** Anything thrown, as an Error. */
export const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
