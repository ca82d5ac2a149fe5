/**
 * `startWorker`: an engine that processes checks from a Redis runtime - what a worker process
 * runs. It resolves once the engine is registered (lease held, BullMQ worker started) and
 * closes gracefully: running checks finish within the grace period, then go back to the queue.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { InvalidOptionsError, consoleLogger, createEngine, throttleLogger } from "@converge/core";
import type { Engine, EngineOptions, Logger } from "@converge/core";
import type { RedisRuntime } from "./redis-runtime.js";

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  /** The Redis runtime to process checks of. */
  readonly runtime: RedisRuntime;
  /** Resource types this worker can run (every worker of a queue should know every type in use). */
  readonly types: EngineOptions["types"];
  /** Checks processed at once. @default 16 */
  readonly concurrency?: number;
  /** Engine id (lock holder name, liveness lease); must be unique per process. @default `worker-<host>-<pid>-<random>` */
  readonly engineId?: string;
  /** Logger. @default warnings and errors to the console */
  readonly logger?: Logger;
  /** Retries of retryable plugin errors. @default the engine's defaults */
  readonly retry?: EngineOptions["retry"];
  /** Interval of the stalled-traversal watchdog of traversals this worker starts, ms. @default 30000 */
  readonly watchdogIntervalMs?: number;
}

/** A running worker. */
export interface RedisWorker {
  /** The worker's engine (it can also start traversals). */
  readonly engine: Engine;
  /** Its engine id. */
  readonly engineId: string;
  /** Stop taking checks; let running ones finish within `graceMs` (default: the runtime's `shutdownGraceMs`), then hand them back. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Start a worker. @throws InvalidOptionsError when an option is bad; RuntimeStateError when the engine id is alive elsewhere */
export async function startWorker(options: StartWorkerOptions): Promise<RedisWorker> {
  const runtime = options?.runtime;
  if (typeof runtime !== "object" || runtime === null || runtime.kind !== "redis") throw new InvalidOptionsError("runtime", "must be a runtime made by createRedisRuntime()");
  const engineId = options.engineId ?? `worker-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  if (typeof engineId !== "string" || engineId === "") throw new InvalidOptionsError("engineId", "must be a non-empty string");
  const engine = createEngine({
    runtime,
    types: options.types,
    engineId,
    worker: true,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    // A check that fails the same way again and again (Redis refusing a command) logs once per 10 s.
    logger: throttleLogger(options.logger ?? consoleLogger),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.watchdogIntervalMs === undefined ? {} : { watchdogIntervalMs: options.watchdogIntervalMs }),
  });
  // A refused registration (the engine id alive elsewhere) is an error of startWorker.
  try {
    await engine.ready();
  } catch (error) {
    await engine.close();
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    engine,
    engineId,
    close(closeOptions) {
      closing ??= (async () => {
        await runtime.closeWorker(engineId, closeOptions?.graceMs === undefined ? {} : { graceMs: closeOptions.graceMs });
        await engine.close();
      })();
      return closing;
    },
  };
}
