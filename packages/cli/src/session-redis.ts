/**
 * Sessions on the Redis runtime (`--redis URL`): an API-only engine over
 * `@converge/runtime-redis` - the checks run in `converge worker` processes. The server is
 * pinged first, so an unreachable Redis is one clear error instead of a hang.
 */
import { Redis } from "ioredis";
import { RuntimeError, createEngine } from "@converge/core";
import type { Logger } from "@converge/core";
import { createRedisRuntime } from "@converge/runtime-redis";
import type { RedisRuntime, RedisRuntimeOptions } from "@converge/runtime-redis";
import { cliEngineId } from "./engine-id.js";
import { redactUrl } from "./redact-url.js";
import type { RedisChoice, Session, SessionRequest } from "./session-types.js";

/** How long to wait for Redis to answer at start, ms. */
const CONNECT_TIMEOUT_MS = 5000;

export { redactUrl };

/**
 * Check that the server answers, with a throw-away connection that does not retry (the
 * runtime's own connections retry forever, which is right for a worker, not for a first
 * contact). @throws RuntimeError naming the (redacted) URL.
 */
export async function probeRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    disconnectTimeout: 100,
  });
  let socketError: Error | undefined;
  client.on("error", (error: Error) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const cause = socketError ?? (error as Error);
    throw new RuntimeError(`cannot reach Redis at ${redactUrl(url)}: ${cause.message}`, { cause });
  } finally {
    client.disconnect();
  }
}

/** Runtime timings and failed-job retention a worker may set (`converge worker --lease ...`); absent ones keep the runtime's defaults. */
export type RedisTuning = Pick<RedisRuntimeOptions, "leaseTtlMs" | "jobLockMs" | "stalledIntervalMs" | "keepFailedJobs">;

/** Create the Redis runtime of `choice` once the server answers. @throws RuntimeError, InvalidOptionsError */
export async function connectRedisRuntime(choice: RedisChoice, logger: Pick<Logger, "warn" | "error">, tuning: RedisTuning = {}): Promise<RedisRuntime> {
  await probeRedis(choice.url);
  return createRedisRuntime({
    ...tuning,
    connection: choice.url,
    ...(choice.prefix === undefined ? {} : { prefix: choice.prefix }),
    ...(choice.queue === undefined ? {} : { queueName: choice.queue }),
    logger,
  });
}

/** Open a Redis session: an engine that starts traversals and reads state, running no checks. */
export async function openRedisSession(choice: RedisChoice, request: SessionRequest): Promise<Session> {
  const runtime = await connectRedisRuntime(choice, request.logger);
  const engine = createEngine({ runtime, types: request.types, logger: request.logger, worker: false, engineId: cliEngineId() });
  const close = async (): Promise<void> => {
    await engine.close();
    await runtime.close();
  };
  return { kind: "redis", where: `redis ${redactUrl(choice.url)}`, engine, runtime, drives: false, save: () => undefined, close, abandon: close };
}
