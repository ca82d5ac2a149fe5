/**
 * The engine's worker: unless the engine is made with `worker: false`, it registers with the
 * runtime and processes the checks delivered to it; a cancel published by any engine aborts
 * this engine's in-flight plugin calls of that traversal.
 */
import { AbortRegistry } from "../protocol/abort-registry.js";
import type { EngineContext } from "../protocol/env.js";
import { processCheck } from "../protocol/process-check.js";
import type { WorkerRegistration } from "../runtime/contract.js";
import { GraphCache } from "./graph-cache.js";
import type { ResolvedEngineOptions } from "./options.js";

/** A started (or disabled) worker of an engine. */
export interface EngineWorker {
  /** Resolves once the worker is registered (at once without a worker); rejects when registration failed. */
  readonly ready: Promise<void>;
  /** Stop processing checks and release the liveness lease (after registration settled). */
  close(): Promise<void>;
}

/** The protocol's context of an engine with `resolved` options (one per engine). */
function engineContext(resolved: ResolvedEngineOptions): EngineContext {
  return {
    runtime: resolved.runtime,
    engineId: resolved.engineId,
    types: resolved.types,
    logger: resolved.logger,
    retry: resolved.retry,
    watchdogIntervalMs: resolved.watchdogIntervalMs,
    aborts: new AbortRegistry(),
    graphCache: new GraphCache(),
    templateCache: new Map(),
  };
}

/** Register the engine's worker with its runtime (nothing when `resolved.worker` is false). */
export function startEngineWorker(resolved: ResolvedEngineOptions): EngineWorker {
  const { runtime } = resolved;
  const context = engineContext(resolved);
  let registration: WorkerRegistration | null = null;
  let unsubscribe: (() => void) | null = null;
  const ready: Promise<void> = resolved.worker
    ? (async () => {
        unsubscribe = runtime.onCancel((stackId, traversalId) => context.aborts.abort(stackId, traversalId, "cancelled"));
        registration = await runtime.registerWorker(resolved.engineId, (d) => processCheck(context, d), {
          concurrency: resolved.concurrency,
        });
      })()
    : Promise.resolve();
  // A failed registration is reported by every operation that awaits `ready`, not as an
  // unhandled rejection of the process.
  ready.catch(() => undefined);
  return {
    ready,
    async close() {
      await ready.catch(() => undefined);
      unsubscribe?.();
      await registration?.close();
    },
  };
}
