/**
 * The Redis permissions the runtime needs, per kind of process, and the minimal ACL rule that
 * grants them. Commands come from three places:
 *
 * - commands called inside Lua scripts: ours (`lua/*.lua`) and every one BullMQ's scripts call
 *   (all of them, not only those of the scripts Converge runs today: a BullMQ update may move
 *   a command between its scripts);
 * - commands the runtime sends itself: EVALSHA, EVAL (the first call of a script on a server),
 *   reads of events (XRANGE, XREAD BLOCK), PUBLISH and SUBSCRIBE of cancellations, PING (the
 *   `converge` CLI's reachability check);
 * - commands BullMQ sends itself: INFO (its Redis version check, on every connection it
 *   makes), BZPOPMIN (a worker waiting for jobs), CLIENT SETNAME (a worker names its connection).
 *
 * Keys: `<prefix>:*` (stacks, names, leases) and `{<prefix>}:*` (BullMQ's queue); channel:
 * `<prefix>:cancel`.
 */

/** A process that starts traversals and reads stacks (`api`), or one that also runs checks (`worker`). */
export type RedisRole = "api" | "worker";

/** Commands called inside the Lua scripts of the runtime and of BullMQ. */
export const SCRIPT_COMMANDS: readonly string[] = [
  "DEL", "EXISTS", "GET", "HDEL", "HEXISTS", "HGET", "HGETALL", "HINCRBY", "HKEYS", "HLEN", "HMGET", "HMSET", "HSCAN", "HSET",
  "INCR", "INCRBY", "LINDEX", "LLEN", "LPOP", "LPOS", "LPUSH", "LRANGE", "LREM", "LSET", "LTRIM", "PERSIST", "PEXPIRE",
  "PEXPIREAT", "PTTL", "RENAME", "RPOP", "RPOPLPUSH", "RPUSH", "SADD", "SCARD", "SET", "SISMEMBER", "SMEMBERS", "SREM",
  "SSCAN", "TIME", "TYPE", "UNLINK", "XADD", "XDEL", "XLEN", "XRANGE", "XREAD", "XTRIM", "ZADD", "ZCARD", "ZCOUNT",
  "ZLEXCOUNT", "ZPOPMIN", "ZRANGE", "ZRANGEBYLEX", "ZRANGEBYSCORE", "ZREM", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE",
  "ZREVRANGE", "ZREVRANGEBYSCORE", "ZSCORE",
];

/** Commands every process sends outside scripts (beyond the script commands it also sends directly). */
export const API_DIRECT_COMMANDS: readonly string[] = ["EVAL", "EVALSHA", "INFO", "PING", "PUBLISH"];

/** Commands only a worker sends. */
export const WORKER_DIRECT_COMMANDS: readonly string[] = ["BZPOPMIN", "CLIENT|SETNAME", "SUBSCRIBE"];

/** Every command a process of `role` needs, sorted. */
export function requiredRedisCommands(role: RedisRole): string[] {
  const all = new Set([...SCRIPT_COMMANDS, ...API_DIRECT_COMMANDS, ...(role === "worker" ? WORKER_DIRECT_COMMANDS : [])]);
  return [...all].sort();
}

/** A prefix with ACL glob characters escaped. */
const glob = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * The minimal ACL rule of a process of `role` for the runtime's `prefix`, for
 * `ACL SETUSER <name> on ><password> <rule>` or a `user` line of an ACL file.
 */
export function minimalRedisAcl(options: { readonly prefix?: string; readonly role: RedisRole }): string {
  const prefix = glob(options.prefix ?? "converge");
  const commands = requiredRedisCommands(options.role).map((c) => `+${c.toLowerCase()}`);
  return ["resetkeys", "resetchannels", `~${prefix}:*`, `~{${prefix}}:*`, `&${prefix}:cancel`, "-@all", ...commands].join(" ");
}
