/**
 * What protocol code needs to run one check: the runtime, the store of this delivery, the
 * engine's identity, the resource types and resolved engine options (types only).
 */
import type { TraversalGraph } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import type { Logger } from "../plugin/types.js";
import type { Runtime, RuntimeStore } from "../runtime/contract.js";
import type { CompiledTemplate } from "../template/types.js";
import type { AbortRegistry } from "./abort-registry.js";

/** Retry behaviour for retryable plugin errors. */
export interface RetryPolicy {
  /** Attempts in total (first call included). */
  readonly maxAttempts: number;
  /** Delay before the first retry, ms. */
  readonly initialDelayMs: number;
  /** Cap of a single delay, ms. */
  readonly maxDelayMs: number;
  /** Multiplier applied per retry. */
  readonly backoffFactor: number;
}

/** Shared, per-engine protocol environment. */
export interface EngineContext {
  /** The runtime. */
  readonly runtime: Runtime;
  /** This engine's id (lock holder name, liveness lease). */
  readonly engineId: string;
  /** Known resource types. */
  readonly types: TypeRegistry;
  /** Engine logger. */
  readonly logger: Logger;
  /** Retry policy for retryable plugin errors. */
  readonly retry: RetryPolicy;
  /** Interval of the stalled-traversal watchdog, ms. */
  readonly watchdogIntervalMs: number;
  /** Abort controllers of in-flight plugin calls. */
  readonly aborts: AbortRegistry;
  /**
   * Per-engine cache of traversal graphs by `${stackId}/${traversalId}` (they never change once
   * stored; the engine's keeps one per stack: `engine/engine-caches.ts`).
   */
  readonly graphCache: Map<string, TraversalGraph>;
  /** Per-engine cache of compiled templates by `${stackId}/${templateId}` (immutable; see `engine/engine-caches.ts`). */
  readonly templateCache: Map<string, CompiledTemplate>;
}

/** The environment of one check: engine context plus the delivery's store. */
export interface CheckEnv extends EngineContext {
  /** Store to use for this check (may be wrapped by the runtime). */
  readonly store: RuntimeStore;
  /** The delivery's signal: aborted when the runtime takes the check back (its plugin calls are aborted). */
  readonly signal?: AbortSignal;
  /** The lock holder of this attempt: `<engineId>#<attempt>` (`runtime/lock-holder.ts`), or the engine id. */
  readonly holder: string;
  /** Whether the engine's lease is certainly held now (`Delivery.leaseValid`); absent: always. */
  readonly leaseValid?: () => boolean;
}
