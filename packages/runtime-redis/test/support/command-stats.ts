/**
 * Redis's own command counts (`INFO commandstats`, scripts' inner calls included), for tests
 * that prove how a store operation talks to Redis (paged, never one O(N) call) by counting.
 */
import type { Redis } from "ioredis";

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
