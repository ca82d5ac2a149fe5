/**
 * Redis's own command counts (`INFO commandstats`, scripts' inner calls included), for tests
 * that prove how a store operation talks to Redis (paged, never one O(N) call) by counting.
 */
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { luaScripts } from "../../src/lua/scripts.js";
import type { LuaScriptName } from "../../src/lua/scripts.js";

/** Calls of each command Redis ran so far. */
export async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of (await client.info("commandstats")).matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) out.set(m[1] ?? "", Number(m[2]));
  return out;
}

/** Run `action`: its result, and how often Redis ran each command meanwhile. */
export async function commandsDuring<T>(client: Redis, action: () => Promise<T>): Promise<{ readonly result: T; readonly ran: (command: string) => number }> {
  const before = await commandCalls(client);
  const result = await action();
  const after = await commandCalls(client);
  return { result, ran: (command) => (after.get(command) ?? 0) - (before.get(command) ?? 0) };
}

/**
 * Count the calls of the runtime's script `name` sent by any ioredis client of this process
 * from now on (its EVALSHA), until `stop`.
 */
export function countScriptCalls(name: LuaScriptName): { readonly calls: () => number; readonly stop: () => void } {
  const sha = createHash("sha1").update(luaScripts[name].lua).digest("hex");
  let calls = 0;
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis["sendCommand"]>) {
    const cmd = args[0] as { name: string; args: unknown[] };
    if (cmd.name === "evalsha" && cmd.args[0] === sha) calls += 1;
    return send.apply(this, args);
  };
  return { calls: () => calls, stop: () => void (Redis.prototype.sendCommand = send) };
}
