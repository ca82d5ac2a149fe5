/**
 * Runs the Lua scripts of `lua/` by name. Each call is an EVALSHA - an ordinary command, so
 * ioredis auto-pipelining batches concurrent checks' script calls into one write. The first
 * call of a script on a server (or after a SCRIPT FLUSH or a failover) gets NOSCRIPT and is
 * sent once as EVAL, which runs it and caches it there; every later call goes by sha again.
 * Call sites never send raw EVAL.
 *
 * (ioredis' `defineCommand` is not used: inside an auto-pipeline it cannot tell that the
 * socket already holds the script and sends the whole Lua source with every call.)
 */
import { createHash } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import { RuntimeError } from "@converge/core";
import { luaScripts } from "./lua/scripts.js";
import type { LuaScriptName } from "./lua/scripts.js";
import { redisFailure } from "./script-codes.js";

/** A Redis client: one server or a cluster. */
export type RedisClient = Redis | Cluster;

const shas = new Map<string, string>(Object.entries(luaScripts).map(([name, script]) => [name, createHash("sha1").update(script.lua).digest("hex")]));

/** The SHA1 digest Redis knows script `name` by. */
export function scriptSha(name: LuaScriptName): string {
  return shas.get(name) as string;
}

const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith("NOSCRIPT");

/**
 * Run script `name` with its KEYS and ARGV. @throws RuntimeError naming the script when Redis
 * fails (connection, a Lua error, a wrong key type)
 */
export async function runScript(client: RedisClient, name: LuaScriptName, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
  const script: { readonly numberOfKeys: number; readonly moreKeys: boolean; readonly lua: string } = luaScripts[name];
  if (script.moreKeys ? keys.length < script.numberOfKeys : keys.length !== script.numberOfKeys) {
    throw new RuntimeError(`Redis script ${name} takes ${script.moreKeys ? "at least " : ""}${script.numberOfKeys} keys, was given ${keys.length}`);
  }
  try {
    try {
      // Keys and arguments spread into the call itself (no list of both first).
      return await client.evalsha(scriptSha(name), keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return await client.eval(script.lua, keys.length, ...keys, ...args);
    }
  } catch (error) {
    throw redisFailure(`script ${name}`, error);
  }
}
