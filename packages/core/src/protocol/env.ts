/**
 * What protocol code needs to run one check: the runtime, the store of this delivery, the
 * engine's identity, the resource types and resolved engine options.
 */
import type { NewStackEvent, ResourceRow, RowAction, StackRecord, Status, TraversalGraph } from "../model/types.js";
import type { Logger } from "../plugin/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
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
  /** Per-engine cache of traversal graphs (they never change once stored). */
  readonly graphCache: Map<string, TraversalGraph>;
  /** Per-engine cache of compiled templates by `${stackId}/${templateId}` (immutable). */
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

/** Loads in flight per cache, shared by the checks that need the same value at once. */
const inFlight = new WeakMap<Map<string, unknown>, Map<string, Promise<unknown>>>();

/**
 * A value through a per-engine cache of immutable values (at most 64 kept). Concurrent
 * checks that miss the cache for the same key share one load: the first checks of a
 * traversal all need its graph and template at the same moment.
 */
async function cached<T>(cache: Map<string, T>, key: string, load: () => Promise<T | null>): Promise<T | null> {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let loads = inFlight.get(cache);
  if (loads === undefined) {
    loads = new Map();
    inFlight.set(cache, loads);
  }
  const running = loads.get(key) as Promise<T | null> | undefined;
  if (running !== undefined) return running;
  const owned = loads;
  const loading = load()
    .then((value) => {
      if (value !== null) {
        if (cache.size > 64) cache.delete(cache.keys().next().value as string);
        cache.set(key, value);
      }
      return value;
    })
    .finally(() => owned.delete(key));
  owned.set(key, loading);
  return loading;
}

/** Load a graph through the engine's cache. */
export async function loadGraph(env: CheckEnv, stackId: string, traversalId: string): Promise<TraversalGraph | null> {
  return cached(env.graphCache, traversalId, () => env.store.loadGraph(stackId, traversalId));
}

/** Load a template through the engine's cache. */
export async function loadTemplate(env: CheckEnv, stackId: string, templateId: string): Promise<CompiledTemplate | null> {
  return cached(env.templateCache, `${stackId}/${templateId}`, () => env.store.loadTemplate(stackId, templateId));
}

/** Append a resource event for a row. */
export async function rowEvent(
  env: CheckEnv,
  stack: StackRecord,
  traversalId: string,
  row: Pick<ResourceRow, "id" | "name" | "physicalId">,
  action: RowAction | "CHECK",
  status: Status,
  reason: string,
): Promise<void> {
  const event: NewStackEvent = {
    time: env.runtime.now(),
    kind: "resource",
    stackName: stack.name,
    traversalId,
    resourceName: row.name,
    rowId: row.id,
    physicalId: row.physicalId,
    action,
    status,
    reason,
  };
  await env.store.appendEvents(stack.id, [event]);
}

/** Append a stack event. */
export async function stackEvent(
  env: Pick<CheckEnv, "store" | "runtime">,
  stack: Pick<StackRecord, "id" | "name">,
  traversalId: string,
  action: StackRecord["action"],
  status: Status,
  reason: string,
): Promise<void> {
  await env.store.appendEvents(stack.id, [
    { time: env.runtime.now(), kind: "stack", stackName: stack.name, traversalId, action, status, reason },
  ]);
}
