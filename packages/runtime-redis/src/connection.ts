/**
 * The `connection` option: an ioredis client (one server or a Cluster), ioredis options, a
 * `redis://` / `rediss://` URL, or cluster startup nodes. Passwords, ACL users and TLS pass
 * through to ioredis. The runtime uses that client for its state and makes further
 * connections with the same settings for BullMQ, blocking reads and pub/sub.
 */
import { Cluster, Redis } from "ioredis";
import type { ClusterNode, ClusterOptions, RedisOptions } from "ioredis";
import type { ConnectionOptions } from "node:tls";
import { InvalidOptionsError } from "@converge/core";
import type { Logger } from "@converge/core";
import type { RedisClient } from "./script-loader.js";
import { guardedOverrides, withGuardedConnector } from "./socket-errors.js";

/** Where the runtime's Redis is. */
export type RedisConnectionInput =
  | Redis
  | Cluster
  | string
  | RedisOptions
  | { readonly cluster: readonly ClusterNode[]; readonly options?: ClusterOptions };

/** What a further connection is for (see {@link Connections.connect}). */
export type ConnectionUse = "bullmq" | "blocking" | "plain";

/** The overrides of the main client's settings for a connection of each use. */
const USE_OVERRIDES: Readonly<Record<ConnectionUse, Readonly<Record<string, unknown>>>> = {
  bullmq: { maxRetriesPerRequest: null, enableAutoPipelining: false },
  blocking: { enableAutoPipelining: false },
  plain: {},
};

/** The runtime's connections. */
export interface Connections {
  /** The client of store commands and scripts. */
  readonly main: RedisClient;
  /** True when talking to a Redis Cluster. */
  readonly isCluster: boolean;
  /**
   * A new connection with the same settings, for `use`: `"bullmq"` sets BullMQ's required
   * `maxRetriesPerRequest: null`; `"bullmq"` and `"blocking"` (a connection that sends one
   * command at a time, such as a waiting `XREAD BLOCK`) turn auto-pipelining off - it would
   * only wrap each command in a pipeline of one and defer it a tick; `"plain"` keeps them all.
   */
  connect(use: ConnectionUse): RedisClient;
  /** Close every connection the runtime made (not a client it was given). */
  close(): Promise<void>;
}

const isClient = (value: unknown): value is RedisClient =>
  typeof value === "object" && value !== null && typeof (value as { duplicate?: unknown }).duplicate === "function" && typeof (value as { defineCommand?: unknown }).defineCommand === "function";

const isClusterClient = (client: RedisClient): client is Cluster => (client as { isCluster?: boolean }).isCluster === true;

function keyPrefixOf(client: RedisClient): string | undefined {
  if (isClusterClient(client)) return client.options.keyPrefix ?? client.options.redisOptions?.keyPrefix;
  return client.options.keyPrefix;
}

/** Resolve the `connection` option. @throws InvalidOptionsError naming the problem */
export function resolveConnection(input: RedisConnectionInput, autoPipelining: boolean, logger: Pick<Logger, "warn">, tls?: ConnectionOptions): Connections {
  const tlsOption = tls === undefined ? {} : { tls };
  let main: RedisClient;
  let owned = true;
  if (isClient(input)) {
    main = input;
    owned = false;
  } else if (typeof input === "string") {
    if (!/^rediss?:\/\//.test(input)) throw new InvalidOptionsError("connection", `a URL must start with redis:// or rediss://, got ${JSON.stringify(input.slice(0, 40))}`);
    main = new Redis(input, withGuardedConnector({ enableAutoPipelining: autoPipelining, ...tlsOption }));
  } else if (typeof input === "object" && input !== null && "cluster" in input) {
    if (!Array.isArray(input.cluster) || input.cluster.length === 0) throw new InvalidOptionsError("connection.cluster", "must list at least one startup node");
    main = new Cluster([...input.cluster], { enableAutoPipelining: autoPipelining, ...input.options, ...(tls === undefined ? {} : { redisOptions: { ...input.options?.redisOptions, tls } }) });
  } else if (typeof input === "object" && input !== null) {
    const options = input as RedisOptions;
    main = new Redis(withGuardedConnector({ enableAutoPipelining: autoPipelining, ...options, ...(tls === undefined ? {} : { tls: { ...options.tls, ...tls } }) }));
  } else {
    throw new InvalidOptionsError("connection", "must be an ioredis client, ioredis options, a redis:// URL or { cluster: [nodes] }");
  }
  if (keyPrefixOf(main) !== undefined && keyPrefixOf(main) !== "") {
    if (owned) main.disconnect();
    throw new InvalidOptionsError("connection", "ioredis keyPrefix is not supported (BullMQ refuses it); use the runtime's prefix option");
  }
  const made = new Set<RedisClient>();
  const onError = (error: Error): void => logger.warn(`Redis connection error: ${error.message}`);
  if (owned) main.on("error", onError);
  const cluster = isClusterClient(main);
  return {
    main,
    isCluster: cluster,
    connect(use) {
      const overrides = USE_OVERRIDES[use];
      const client: RedisClient = isClusterClient(main) ? main.duplicate(undefined, overrides) : main.duplicate(guardedOverrides(main.options, overrides));
      client.on("error", onError);
      client.on("end", () => made.delete(client));
      made.add(client);
      return client;
    },
    async close() {
      for (const client of made) client.disconnect();
      made.clear();
      if (owned) await main.quit().catch(() => main.disconnect());
    },
  };
}
