/**
 * A fake cloud kept in Redis, so that worker processes share it: the scenario type's
 * properties and attributes (`!` properties need replacement), but every create, update and
 * delete is one atomic Lua script over `{<prefix>:cloud}` keys, and creates are NOT
 * idempotent - a create run twice makes two resources. `read` finds a resource by the
 * create's idempotency key, which is how the engine resumes a create interrupted by a crash.
 * At the end, `load()` turns the cloud into a core `Reality` for `verify`, and
 * `createsPerKey()` tells whether any row's create made more than one resource. A test can
 * `hold` resources by name: their creates, updates and deletes wait (in every worker process)
 * until `releaseHolds`, so a traversal cannot end while the test still has faults to inject.
 */
import type { Cluster, Redis } from "ioredis";
import { z } from "zod";
import { UpdateReplace, defineResourceType } from "@converge/core";
import type { AnyResourceType } from "@converge/core";
import { Reality } from "@converge/core/testing";

/** Type name of the cloud type. */
export const CLOUD_TYPE = "test:cloud:Resource";

const properties = z.object({
  a: z.string().optional(),
  b: z.string().optional(),
  c: z.string().optional(),
  ca: z.string().optional(),
  "!a": z.string().optional(),
  "!b": z.string().optional(),
});

const CREATE = `
local seq = redis.call("INCR", KEYS[1])
local id = ARGV[1] .. "-" .. seq
redis.call("HSET", KEYS[2], id, ARGV[2])
redis.call("HSET", KEYS[3], ARGV[3], id)
redis.call("HINCRBY", KEYS[4], ARGV[3], 1)
redis.call("RPUSH", KEYS[5], "create " .. id)
return id`;
const UPDATE = `
if redis.call("HEXISTS", KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
redis.call("RPUSH", KEYS[2], "update " .. ARGV[1])
return 1`;
// A delete while a live entry still references the deleted one (property \`c\`) is recorded in KEYS[3].
const DELETE = `
if redis.call("HEXISTS", KEYS[1], ARGV[1]) == 1 then
  for _, text in ipairs(redis.call("HVALS", KEYS[1])) do
    local entry = cjson.decode(text)
    if entry.properties.c == ARGV[1] then redis.call("RPUSH", KEYS[3], ARGV[1] .. " deleted under " .. entry.name) end
  end
end
if redis.call("HDEL", KEYS[1], ARGV[1]) == 1 then redis.call("RPUSH", KEYS[2], "delete " .. ARGV[1]) end
return 1`;

type Client = Redis | Cluster;
type Script = (...args: string[]) => Promise<unknown>;

/** Keys of a cloud (one slot, so it works on a Redis Cluster). */
function cloudKeys(prefix: string): {
  seq: string;
  entries: string;
  byKey: string;
  creates: string;
  log: string;
  underLive: string;
  hold: string;
  held: string;
  release: string;
} {
  const tag = `{${prefix}:cloud}`;
  return {
    seq: `${tag}:seq`,
    entries: `${tag}:entries`,
    byKey: `${tag}:bykey`,
    creates: `${tag}:creates`,
    log: `${tag}:log`,
    underLive: `${tag}:under-live`,
    hold: `${tag}:hold`,
    held: `${tag}:held`,
    release: `${tag}:release`,
  };
}

/** How often a held operation looks whether its hold was released, ms. */
const HOLD_POLL_MS = 25;

/** The fake cloud of one test run. */
export class RedisCloud {
  private readonly keys: ReturnType<typeof cloudKeys>;

  constructor(
    private readonly client: Client,
    prefix: string,
  ) {
    this.keys = cloudKeys(prefix);
    client.defineCommand("cloudCreate", { numberOfKeys: 5, lua: CREATE });
    client.defineCommand("cloudUpdate", { numberOfKeys: 2, lua: UPDATE });
    client.defineCommand("cloudDelete", { numberOfKeys: 3, lua: DELETE });
  }

  private script(name: string): Script {
    const fn = (this.client as unknown as Record<string, Script>)[name] as Script;
    return fn.bind(this.client);
  }

  /**
   * The resource type. `delayMs` makes every operation take 0..delayMs ms (honouring the
   * abort signal), so crashes land in the middle of operations. With `holdFirst`, the first create
   * of that resource name (across every process of the cloud) marks itself started (`held()`)
   * and waits, ignoring its abort signal, until `releaseHeld()` - a create in flight.
   */
  type(delayMs = 0, holdFirst?: string): AnyResourceType {
    const k = this.keys;
    const holdIfFirst = async (ctx: { resourceName: string; idempotencyKey: string }): Promise<void> => {
      if (ctx.resourceName !== holdFirst || (await this.client.set(k.held, ctx.idempotencyKey, "NX")) !== "OK") return;
      while ((await this.client.exists(k.release)) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    const pause = (ms: number, signal: AbortSignal): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(new Error("aborted"));
        const timer = setTimeout(resolve, ms);
        signal.addEventListener("abort", () => (clearTimeout(timer), reject(new Error("aborted"))), { once: true });
      });
    const wait = async (name: string, signal: AbortSignal): Promise<void> => {
      while ((await this.client.sismember(k.hold, name)) === 1) await pause(HOLD_POLL_MS, signal);
      if (delayMs > 0) await pause(Math.floor(Math.random() * delayMs), signal);
    };
    const strip = (props: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
    const attrs = (props: Record<string, unknown>): Record<string, unknown> => ({ a: props.a ?? null, "!a": props["!a"] ?? null });
    return defineResourceType({
      type: CLOUD_TYPE,
      properties,
      attributes: ["a", "!a"],
      updatable: ["a", "b", "c", "ca"],
      idempotentCreate: false,
      create: async (ctx) => {
        await holdIfFirst(ctx);
        await wait(ctx.resourceName, ctx.signal);
        const props = strip(ctx.properties);
        const entry = JSON.stringify({ name: ctx.resourceName, properties: props });
        const physicalId = String(await this.script("cloudCreate")(k.seq, k.entries, k.byKey, k.creates, k.log, `${ctx.stackName}-${ctx.resourceName}`, entry, ctx.idempotencyKey));
        return { physicalId, attributes: attrs(props) };
      },
      update: async (ctx) => {
        if (ctx.changed.some((p) => p.startsWith("!"))) throw new UpdateReplace();
        await wait(ctx.resourceName, ctx.signal);
        const props = strip(ctx.properties);
        const done = await this.script("cloudUpdate")(k.entries, k.log, ctx.physicalId, JSON.stringify({ name: ctx.resourceName, properties: props }));
        if (done !== 1) throw new Error(`resource ${ctx.physicalId} does not exist`);
        return { attributes: attrs(props) };
      },
      delete: async (ctx) => {
        await wait(ctx.resourceName, ctx.signal);
        if (ctx.physicalId !== null) await this.script("cloudDelete")(k.entries, k.log, k.underLive, ctx.physicalId);
      },
      read: async (ctx) => {
        const id = ctx.physicalId ?? (await this.client.hget(k.byKey, ctx.idempotencyKey));
        const text = id === null ? null : await this.client.hget(k.entries, id);
        if (id === null || text === null) return { exists: false } as const;
        const entry = JSON.parse(text) as { properties: Record<string, unknown> };
        return { exists: true, physicalId: id, attributes: attrs(entry.properties), properties: entry.properties } as const;
      },
    });
  }

  /** Hold the creates, updates and deletes of these resources (by name) until {@link releaseHolds}. */
  async hold(names: readonly string[]): Promise<void> {
    if (names.length > 0) await this.client.sadd(this.keys.hold, ...names);
  }

  /** Let every held operation go on. */
  async releaseHolds(): Promise<void> {
    await this.client.del(this.keys.hold);
  }

  /** The live resources as a core Reality (for `verify`). */
  async load(): Promise<Reality> {
    const reality = new Reality();
    for (const [id, text] of Object.entries(await this.client.hgetall(this.keys.entries))) {
      const entry = JSON.parse(text) as { name: string; properties: Record<string, unknown> };
      reality.entries.set(id, { name: entry.name, properties: entry.properties });
    }
    return reality;
  }

  /** How many resources each create idempotency key made (more than 1 = created twice). */
  async createsPerKey(): Promise<Map<string, number>> {
    const counts = await this.client.hgetall(this.keys.creates);
    return new Map(Object.entries(counts).map(([key, n]) => [key, Number(n)]));
  }

  /** Deletes made while a live resource still referenced the deleted one ("<id> deleted under <name>"). */
  async deletesUnderLiveDependents(): Promise<string[]> {
    return this.client.lrange(this.keys.underLive, 0, -1);
  }

  /** Whether a held create (see `type`) has started. */
  async held(): Promise<boolean> {
    return (await this.client.exists(this.keys.held)) === 1;
  }

  /** Let the held create go on. */
  async releaseHeld(): Promise<void> {
    await this.client.set(this.keys.release, "1");
  }

  /** Every operation, in order ("create <id>", ...). */
  async log(): Promise<string[]> {
    return this.client.lrange(this.keys.log, 0, -1);
  }
}
