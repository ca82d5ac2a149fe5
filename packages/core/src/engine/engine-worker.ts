/**
 * The engine's worker: unless the engine is made with `worker: false`, it registers with the
 * runtime and processes the checks delivered to it; a cancel published by any engine aborts
 * this engine's in-flight plugin calls of that traversal.
 */
import { AbortRegistry } from "../protocol/abort-registry.js";
import type { EngineContext } from "../protocol/env.js";
import { processCheck } from "../protocol/process-check.js";
import type { CheckMessage } from "../model/types.js";
import type { Delivery, WorkerRegistration } from "../runtime/contract.js";
import { GraphCache, TemplateCache } from "./engine-caches.js";
import type { ResolvedEngineOptions } from "./options.js";

/** A started (or disabled) worker of an engine. */
export interface EngineWorker {
  /** Resolves once the worker is registered (at once without a worker); rejects when registration failed. */
  readonly ready: Promise<void>;
  /** Stop processing checks and release the liveness lease (after registration settled). */
  close(): Promise<void>;
}

/** The protocol's context of an engine with `resolved` options (one per engine). */
function engineContext(resolved: ResolvedEngineOptions): EngineContext & { readonly graphCache: GraphCache } {
  const templateCache = new TemplateCache();
  return {
    runtime: resolved.runtime,
    engineId: resolved.engineId,
    types: resolved.types,
    logger: resolved.logger,
    retry: resolved.retry,
    watchdogIntervalMs: resolved.watchdogIntervalMs,
    aborts: new AbortRegistry(),
    graphCache: new GraphCache(templateCache),
    templateCache,
  };
}

/**
 * Process one delivered check; once a `complete` check ended, its traversal's graph (and the
 * stack's templates but its target) leave the engine's caches (`GraphCache.finished`).
 */
function handleCheck(context: EngineContext & { readonly graphCache: GraphCache }, delivery: Delivery): Promise<void> {
  const done = processCheck(context, delivery);
  // Read only after processCheck accepted the message (it throws for a malformed one).
  const message = delivery.message as Partial<CheckMessage> | null;
  if (message?.kind !== "complete") return done;
  return done.then(() => context.graphCache.finished(message.stackId as string, message.traversalId as string));
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
        registration = await runtime.registerWorker(resolved.engineId, (d) => handleCheck(context, d), {
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
