/**
 * Sessions on the Redis runtime (`--redis URL`): an API-only engine over
 * `@converge/runtime-redis` - the checks run in `converge worker` processes. The server is
 * pinged first, so an unreachable Redis is one clear error instead of a hang.
 */
import { RuntimeError, createEngine } from "@converge/core";
import type { Logger } from "@converge/core";
import { createRedisRuntime } from "@converge/runtime-redis";
import type { RedisRuntime } from "@converge/runtime-redis";
import { cliEngineId } from "./engine-id.js";
import type { RedisChoice, Session, SessionRequest } from "./session-types.js";

/** How long to wait for Redis to answer at start, ms. */
const CONNECT_TIMEOUT_MS = 5000;

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*@)/, (_m, scheme: string, auth: string) => `${scheme}${auth.includes(":") ? `${auth.split(":")[0] ?? ""}:***@` : auth}`);
}

/**
 * Create the Redis runtime of `choice` and check that the server answers.
 * @throws RuntimeError naming the (redacted) URL when it does not within 5 s.
 */
export async function connectRedisRuntime(choice: RedisChoice, logger: Pick<Logger, "warn" | "error">): Promise<RedisRuntime> {
  let failed = false;
  const quiet = { warn: (m: string, f?: Record<string, unknown>) => (failed ? undefined : logger.warn(m, f)), error: logger.error.bind(logger) };
  const runtime = createRedisRuntime({
    connection: choice.url,
    ...(choice.prefix === undefined ? {} : { prefix: choice.prefix }),
    ...(choice.queue === undefined ? {} : { queueName: choice.queue }),
    logger: quiet,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      runtime.client.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    failed = true;
    await runtime.close().catch(() => undefined);
    throw new RuntimeError(`cannot reach Redis at ${redactUrl(choice.url)}: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  return runtime;
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
