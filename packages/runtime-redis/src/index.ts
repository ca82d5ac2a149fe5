/**
 * `@converge/runtime-redis`: core's runtime contract on Redis. Stacks' state in Redis under
 * one hash tag per stack, atomic operations as Lua scripts, checks as BullMQ jobs run by
 * worker processes on any number of machines, against one Redis or a Redis Cluster.
 */
export { createRedisRuntime } from "./redis-runtime.js";
export type { RedisRuntime } from "./redis-runtime.js";
export type { KeepFailedJobs, RedisRuntimeOptions, ResolvedRedisRuntimeOptions } from "./options.js";
export { DEFAULT_KEEP_FAILED_JOBS, resolveRedisRuntimeOptions } from "./options.js";
export type { RedisConnectionInput } from "./connection.js";
export type { RedisStepOptions } from "./worker-host.js";
export { startWorker } from "./start-worker.js";
export type { RedisWorker, StartWorkerOptions } from "./start-worker.js";
export { ScriptCode } from "./script-codes.js";
export { runtimeKeys } from "./keys.js";
export type { RuntimeKeys, StackKeys } from "./keys.js";
export { RedisPermissionError } from "./permission-error.js";
export type { RedisRefusal, RefusalKind } from "./permission-error.js";
export { minimalRedisAcl, requiredRedisCommands } from "./acl.js";
export type { RedisRole } from "./acl.js";
