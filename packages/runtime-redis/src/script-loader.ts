/**
 * Loads the Lua scripts of `lua/` into a client once with `defineCommand` (EVALSHA, falling
 * back to EVAL after a script flush) and runs them by name. Call sites never send raw EVAL.
 */
import type { Cluster, Redis } from "ioredis";
import { RuntimeError } from "@converge/core";
import { luaScripts } from "./lua/scripts.js";
import type { LuaScriptName } from "./lua/scripts.js";
import { redisFailure } from "./script-codes.js";

/** A Redis client: one server or a cluster. */
export type RedisClient = Redis | Cluster;

/** Command names are prefixed so they never clash with other libraries' scripts on a shared client. */
const COMMAND_PREFIX = "converge_";

const loaded = new WeakSet<object>();

type ScriptCommand = (...keysAndArgs: Array<string | number>) => Promise<unknown>;

/** Define every script on `client` (idempotent). */
export function loadScripts(client: RedisClient): void {
  if (loaded.has(client)) return;
  for (const [name, script] of Object.entries(luaScripts)) {
    client.defineCommand(`${COMMAND_PREFIX}${name}`, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
  loaded.add(client);
}

/**
 * Run script `name` with its KEYS and ARGV. @throws RuntimeError naming the script when Redis
 * fails (connection, a Lua error, a wrong key type)
 */
export async function runScript(client: RedisClient, name: LuaScriptName, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
  const script = luaScripts[name];
  if (keys.length !== script.numberOfKeys) {
    throw new RuntimeError(`Redis script ${name} takes ${script.numberOfKeys} keys, was given ${keys.length}`);
  }
  loadScripts(client);
  const command = (client as unknown as Record<string, ScriptCommand | undefined>)[`${COMMAND_PREFIX}${name}`];
  if (command === undefined) throw new RuntimeError(`Redis script ${name} is not loaded on this client`);
  try {
    return await command.apply(client, [...keys, ...args]);
  } catch (error) {
    throw redisFailure(`script ${name}`, error);
  }
}
