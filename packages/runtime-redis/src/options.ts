/**
 * Options of `createRedisRuntime`, documented with their defaults and resolved once (each
 * bad field named by an InvalidOptionsError); nothing downstream reads raw options.
 */
import { InvalidOptionsError, consoleLogger } from "@converge/core";
import type { Logger } from "@converge/core";
import type { ConnectionOptions } from "node:tls";
import type { RedisConnectionInput } from "./connection.js";
import { isValidPrefix } from "./keys.js";

/** Options of {@link createRedisRuntime}. */
export interface RedisRuntimeOptions {
  /**
   * Where Redis is: an ioredis client (`new Redis(...)` or `new Cluster(...)`, left open on
   * close), ioredis options, a `redis://` / `rediss://` URL (password, ACL user and TLS pass
   * through), or `{ cluster: [nodes], options? }`.
   */
  readonly connection: RedisConnectionInput;
  /** Prefix of every key (no braces or spaces); runtimes with the same prefix share state. @default "converge" */
  readonly prefix?: string;
  /** Name of the BullMQ queue of checks. @default "checks" */
  readonly queueName?: string;
  /**
   * `auto`: each registered engine runs a BullMQ worker. `manual`: nothing runs until
   * `step()` takes the next job (deterministic tests). @default "auto"
   */
  readonly mode?: "auto" | "manual";
  /** TTL of an engine's liveness lease, renewed every third of it; keep it <= jobLockMs. @default 30000 */
  readonly leaseTtlMs?: number;
  /** BullMQ lock duration of a running job: a dead worker's jobs are delivered again after it. @default 30000 */
  readonly jobLockMs?: number;
  /**
   * How often BullMQ looks for stalled jobs (of dead workers): a dead worker's jobs are
   * delivered again within `jobLockMs` + this. Cheap (one script per interval for the whole
   * queue), so lower than BullMQ's 30000. @default 5000
   */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) before BullMQ drops it; the watchdog resumes a traversal after that. @default 10 */
  readonly maxStalledCount?: number;
  /** Deliveries of a check whose handler fails with an infrastructure error. @default 5 */
  readonly maxAttempts?: number;
  /** First delay (exponential backoff) before such a check is delivered again, ms. @default 1000 in auto mode, 0 in manual mode */
  readonly retryDelayMs?: number;
  /**
   * Failed check jobs (an infrastructure error after every attempt, a corrupt message) kept in
   * BullMQ's failed set for inspection (Bull Board, Taskforce): for `maxAgeMs` and at most
   * `maxCount` of them; `false` removes them at once. Applies to the jobs this runtime's
   * workers fail. @default { maxAgeMs: 604800000 (7 days), maxCount: 1000 }
   */
  readonly keepFailedJobs?: { readonly maxAgeMs?: number; readonly maxCount?: number } | false;
  /** How long `close()` lets running checks finish before handing them back to the queue, ms. @default 30000 */
  readonly shutdownGraceMs?: number;
  /** Approximate cap of a stack's event stream (oldest events trimmed). @default 100000 */
  readonly maxEventsPerStack?: number;
  /** How long a deleted stack's newest events (about 1,000) stay readable, ms. @default 3600000 */
  readonly deletedEventsTtlMs?: number;
  /**
   * How long a deleted stack's tombstone is kept, ms (at least 1 h): within it, a stack whose
   * record is missing is known to be deleted; without a tombstone it was lost
   * (`StackStateLostError`). Extended by the stack's timeout, so its late timer finds it. @default 86400000 (24 h)
   */
  readonly tombstoneTtlMs?: number;
  /** `activity` checks a queued entry this old against BullMQ before counting it, ms. @default 10000 */
  readonly activityVerifyAfterMs?: number;
  /**
   * ioredis auto-pipelining on the connections the runtime makes (its store's client; BullMQ's
   * and blocking readers' connections never are). Off by default: a check's commands are
   * sequential, and a pipeline of ~2 commands deferred to the next turn of the event loop cost
   * a worker ~15% of its checks/s (ARCHITECTURE.md, performance notes). @default false
   */
  readonly autoPipelining?: boolean;
  /**
   * A worker's BullMQ fetch also claims the job it fetches (standalone Redis: BullMQ's own fetch
   * scripts with the claim appended, `fetch-claim.ts`), one round trip per check fewer. Off, or
   * on a Redis Cluster, a delivery claims its job with a call of its own. @default true
   */
  readonly claimOnFetch?: boolean;
  /** Logger of dropped and failed jobs and connection errors. @default warnings and errors to the console */
  readonly logger?: Pick<Logger, "warn" | "error">;
  /**
   * Before its first write and before a worker registers, prove once that the Redis user may
   * run every command the runtime needs (see `verifyPermissions`). @default true
   */
  readonly checkPermissions?: boolean;
  /**
   * Node TLS options (e.g. `{ ca }`, a private CA's certificate) merged into a `rediss://` URL's
   * or ioredis options' connection (not into a client you pass). @default none
   */
  readonly tls?: ConnectionOptions;
}

/** Failed jobs kept: how long and how many, or `false` for none. */
export type KeepFailedJobs = { readonly maxAgeMs: number; readonly maxCount: number } | false;

/** Default of `keepFailedJobs`: a week, at most 1000 jobs. */
export const DEFAULT_KEEP_FAILED_JOBS = { maxAgeMs: 7 * 86_400_000, maxCount: 1000 } as const;

/** BullMQ's `removeOnFail` of a worker for `keep`: failed jobs kept (age in seconds), or removed at once. */
export function removeOnFail(keep: KeepFailedJobs): { readonly age?: number; readonly count: number } {
  return keep === false ? { count: 0 } : { age: Math.ceil(keep.maxAgeMs / 1000), count: keep.maxCount };
}

/** Options after validation and defaults. */
export interface ResolvedRedisRuntimeOptions {
  readonly connection: RedisConnectionInput;
  readonly prefix: string;
  readonly queueName: string;
  readonly mode: "auto" | "manual";
  readonly leaseTtlMs: number;
  readonly jobLockMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  readonly shutdownGraceMs: number;
  readonly keepFailedJobs: KeepFailedJobs;
  readonly maxEventsPerStack: number;
  readonly deletedEventsTtlMs: number;
  readonly tombstoneTtlMs: number;
  readonly activityVerifyAfterMs: number;
  readonly autoPipelining: boolean;
  readonly claimOnFetch: boolean;
  readonly logger: Pick<Logger, "warn" | "error">;
  readonly checkPermissions: boolean;
  readonly tls: ConnectionOptions | undefined;
}

const number = (field: string, value: number | undefined, fallback: number, min: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new InvalidOptionsError(field, `must be a number >= ${min}, got ${String(value)}`);
  }
  return value;
};

const integer = (field: string, value: number | undefined, fallback: number, min: number): number => {
  const n = number(field, value, fallback, min);
  if (!Number.isInteger(n)) throw new InvalidOptionsError(field, `must be an integer, got ${n}`);
  return n;
};

function resolveKeepFailed(value: RedisRuntimeOptions["keepFailedJobs"]): KeepFailedJobs {
  if (value === false) return false;
  if (value !== undefined && (typeof value !== "object" || value === null)) throw new InvalidOptionsError("keepFailedJobs", "must be { maxAgeMs, maxCount } or false");
  return {
    maxAgeMs: integer("keepFailedJobs.maxAgeMs", value?.maxAgeMs, DEFAULT_KEEP_FAILED_JOBS.maxAgeMs, 1000),
    maxCount: integer("keepFailedJobs.maxCount", value?.maxCount, DEFAULT_KEEP_FAILED_JOBS.maxCount, 1),
  };
}

/** Validate the options and apply defaults. @throws InvalidOptionsError naming the field */
export function resolveRedisRuntimeOptions(options: RedisRuntimeOptions): ResolvedRedisRuntimeOptions {
  if (typeof options !== "object" || options === null) throw new InvalidOptionsError("options", "must be an object");
  if (options.connection === undefined || options.connection === null) {
    throw new InvalidOptionsError("connection", "is required: an ioredis client, ioredis options, a redis:// URL or { cluster: [nodes] }");
  }
  const prefix = options.prefix ?? "converge";
  if (typeof prefix !== "string" || !isValidPrefix(prefix)) throw new InvalidOptionsError("prefix", `must be 1-100 characters without braces or spaces, got ${JSON.stringify(prefix)}`);
  const queueName = options.queueName ?? "checks";
  if (typeof queueName !== "string" || !/^[A-Za-z0-9_.-]{1,100}$/.test(queueName)) {
    throw new InvalidOptionsError("queueName", `must be 1-100 letters, digits, _ . - (no ":"), got ${JSON.stringify(queueName)}`);
  }
  const mode = options.mode ?? "auto";
  if (mode !== "auto" && mode !== "manual") throw new InvalidOptionsError("mode", 'must be "auto" or "manual"');
  if (options.autoPipelining !== undefined && typeof options.autoPipelining !== "boolean") throw new InvalidOptionsError("autoPipelining", "must be a boolean");
  if (options.claimOnFetch !== undefined && typeof options.claimOnFetch !== "boolean") throw new InvalidOptionsError("claimOnFetch", "must be a boolean");
  if (options.tls !== undefined && (typeof options.tls !== "object" || options.tls === null)) throw new InvalidOptionsError("tls", "must be an object of Node TLS options, e.g. { ca }");
  if (options.checkPermissions !== undefined && typeof options.checkPermissions !== "boolean") throw new InvalidOptionsError("checkPermissions", "must be a boolean");
  const logger = options.logger ?? consoleLogger;
  if (typeof logger?.warn !== "function" || typeof logger.error !== "function") throw new InvalidOptionsError("logger", "must have warn and error functions");
  return {
    connection: options.connection,
    prefix,
    queueName,
    mode,
    leaseTtlMs: integer("leaseTtlMs", options.leaseTtlMs, 30_000, 100),
    jobLockMs: integer("jobLockMs", options.jobLockMs, 30_000, 100),
    stalledIntervalMs: integer("stalledIntervalMs", options.stalledIntervalMs, 5_000, 100),
    maxStalledCount: integer("maxStalledCount", options.maxStalledCount, 10, 0),
    maxAttempts: integer("maxAttempts", options.maxAttempts, 5, 1),
    retryDelayMs: integer("retryDelayMs", options.retryDelayMs, mode === "manual" ? 0 : 1000, 0),
    shutdownGraceMs: integer("shutdownGraceMs", options.shutdownGraceMs, 30_000, 0),
    keepFailedJobs: resolveKeepFailed(options.keepFailedJobs),
    maxEventsPerStack: integer("maxEventsPerStack", options.maxEventsPerStack, 100_000, 10),
    deletedEventsTtlMs: integer("deletedEventsTtlMs", options.deletedEventsTtlMs, 3_600_000, 1),
    tombstoneTtlMs: integer("tombstoneTtlMs", options.tombstoneTtlMs, 86_400_000, 3_600_000),
    activityVerifyAfterMs: integer("activityVerifyAfterMs", options.activityVerifyAfterMs, 10_000, 0),
    autoPipelining: options.autoPipelining ?? false,
    claimOnFetch: options.claimOnFetch ?? true,
    logger,
    checkPermissions: options.checkPermissions ?? true,
    tls: options.tls,
  };
}
