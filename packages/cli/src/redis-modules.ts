/**
 * The Redis side of the CLI, loaded on demand: `@converge/runtime-redis` and `ioredis` are
 * optional peer dependencies of `@converge/cli`, imported only when `--redis` (or `worker`)
 * is used, so a user of the memory runtime never installs nor loads BullMQ and ioredis. When
 * they are not installed, the command fails with a {@link MissingPackageError} naming what to
 * install.
 */
import { ConvergeError, ErrorCode, errorMessage } from "@converge/core";
import type { startWorker } from "@converge/runtime-redis";
import type * as SessionRedis from "./session-redis.js";

/** The packages the Redis runtime needs, as `npm install` arguments. */
export const REDIS_PACKAGES = ["@converge/runtime-redis", "ioredis"] as const;

/** Packages whose absence means the Redis runtime is not installed (bullmq: its own dependency). */
const REDIS_MODULES: ReadonlySet<string> = new Set([...REDIS_PACKAGES, "bullmq"]);

/** An optional package a command needs is not installed; the message says what to install. */
export class MissingPackageError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "MissingPackageError";
  /** The package that could not be loaded. */
  readonly packageName: string;
  /** @param packageName the missing package; @param feature what needs it (`--redis`). */
  constructor(packageName: string, feature: string, cause: unknown) {
    super(
      ErrorCode.RUNTIME,
      `${feature} needs the Redis runtime, and the package ${packageName} is not installed: ` +
        `run \`npm install ${REDIS_PACKAGES.join(" ")}\` where @converge/cli is installed (they are optional peer dependencies of @converge/cli)`,
      { cause },
    );
    this.packageName = packageName;
  }
}

/** What the Redis commands use: the session helpers and the worker factory. */
export interface RedisModules extends Pick<typeof SessionRedis, "connectRedisRuntime" | "openRedisSession" | "redactUrl"> {
  /** `startWorker` of `@converge/runtime-redis`. */
  readonly startWorker: typeof startWorker;
}

/** The package name in a "module not found" error, when it is one. */
export function missingPackageOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return null;
  const name = /Cannot find (?:package|module) '([^']+)'/.exec(errorMessage(error))?.[1];
  if (name === undefined) return null;
  const bare = name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : (name.split("/")[0] ?? name);
  return REDIS_MODULES.has(bare) ? bare : null;
}

/**
 * Load the Redis runtime for `feature` (`--redis`, `converge worker`).
 * @throws MissingPackageError when `@converge/runtime-redis`, `ioredis` or `bullmq` is not installed
 */
export async function loadRedisModules(feature: string): Promise<RedisModules> {
  try {
    const [session, runtime] = await Promise.all([import("./session-redis.js"), import("@converge/runtime-redis")]);
    return { connectRedisRuntime: session.connectRedisRuntime, openRedisSession: session.openRedisSession, redactUrl: session.redactUrl, startWorker: runtime.startWorker };
  } catch (error) {
    const missing = missingPackageOf(error);
    if (missing !== null) throw new MissingPackageError(missing, feature, error);
    throw error;
  }
}
