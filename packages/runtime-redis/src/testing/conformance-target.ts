/**
 * Core's runtime conformance suite on Redis: a factory of targets, each a Redis runtime under
 * a fresh prefix (manual mode: checks stepped from BullMQ; auto mode: real BullMQ workers),
 * with peers - further runtimes over the same prefix, as other processes would make them.
 */
import { deliverUntil } from "@converge/core";
import type { ConformanceFactory } from "@converge/core/testing";
import type { RedisConnectionInput } from "../connection.js";
import { createRedisRuntime } from "../redis-runtime.js";
import type { RedisRuntime } from "../redis-runtime.js";
import type { RedisRuntimeOptions } from "../options.js";
import { uniquePrefix } from "./redis-server.js";

/** Options of {@link redisConformanceTarget}. */
export interface RedisConformanceOptions {
  /** Where Redis is. */
  readonly connection: RedisConnectionInput;
  /** Mode of the runtime under test. @default "manual" */
  readonly mode?: "auto" | "manual";
  /** Longest wait of `deliverUntil` in auto mode, ms. @default 15000 */
  readonly waitLimitMs?: number;
  /** Other runtime options (timings). */
  readonly runtime?: Omit<RedisRuntimeOptions, "connection" | "prefix" | "mode">;
}

const realDelay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A factory of conformance targets over fresh Redis prefixes. */
export function redisConformanceTarget(options: RedisConformanceOptions): ConformanceFactory {
  const mode = options.mode ?? "manual";
  const limit = options.waitLimitMs ?? 15_000;
  const silent = { warn: () => undefined, error: () => undefined };
  return async () => {
    const prefix = uniquePrefix("conformance");
    // Manual mode retries a failed check at once (a delayed retry would not be "waiting" for step()).
    const runtime = createRedisRuntime({ retryDelayMs: mode === "manual" ? 0 : 10, logger: silent, ...options.runtime, connection: options.connection, prefix, mode });
    const peers: RedisRuntime[] = [];
    return {
      runtime,
      deliverUntil: (done, what) => deliverUntil(runtime, done, what, { mode, limitMs: limit, pollMs: 10 }),
      async settle() {
        if (mode === "manual") await runtime.runUntilIdle({ maxSteps: 10_000 });
        else await runtime.idle({ timeoutMs: limit });
      },
      advanceTime: realDelay,
      killEngine: (engineId) => runtime.killEngine(engineId),
      async peer() {
        const peer = createRedisRuntime({ retryDelayMs: 10, logger: silent, ...options.runtime, connection: options.connection, prefix, mode: "auto" });
        peers.push(peer);
        return peer;
      },
      async close() {
        await Promise.all([runtime.close(), ...peers.map((p) => p.close())]);
      },
    };
  };
}
