/**
 * A connection's socket errors after the first. ioredis listens for its socket's errors with
 * `once`, so a socket that emits a second one throws it as an uncaught exception and ends the
 * process: a TLS handshake that fails (an untrusted certificate) and then gets the server's
 * alert ("tlsv1 alert decode error") does (ioredis pull requests #961/#962, not merged). The
 * connections the runtime makes open their sockets through {@link guardedConnector}, which
 * keeps one more listener on each socket for the errors after the first; ioredis still handles
 * the first (the connection's `error` event, then a reconnect). Duplicates of a connection
 * (BullMQ duplicates a worker's for its blocking fetch) take its options, so its connector.
 */
import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";

type ConnectorClass = NonNullable<RedisOptions["Connector"]>;

const ignore = (): void => undefined;
let guarded: ConnectorClass | null | undefined;

/**
 * The connector class of ioredis's standalone connections, with a listener for the errors
 * after the first on each socket it opens; null when this ioredis does not expose one (the
 * connections are then made as ioredis makes them).
 */
export function guardedConnector(): ConnectorClass | null {
  if (guarded !== undefined) return guarded;
  // ioredis does not export its standalone connector: a client made without connecting has one.
  const probe = new Redis({ lazyConnect: true }) as unknown as { connector?: { constructor?: unknown } };
  const Standalone = probe.connector?.constructor as (new (options: unknown) => { connect(...args: unknown[]): Promise<unknown> }) | undefined;
  if (typeof Standalone !== "function" || typeof Standalone.prototype.connect !== "function") return (guarded = null);
  class GuardedConnector extends Standalone {
    override connect(...args: unknown[]): Promise<unknown> {
      return super.connect(...args).then((stream) => {
        if (typeof (stream as { on?: unknown } | null)?.on === "function") (stream as NodeJS.EventEmitter).on("error", ignore);
        return stream;
      });
    }
  }
  return (guarded = GuardedConnector as unknown as ConnectorClass);
}

/** `options` with the guarded connector, unless they use sentinels (their own connector) or name one. */
export function withGuardedConnector<T extends RedisOptions>(options: T): T {
  // ioredis takes sentinels when `sentinels` is set at all (its default is null).
  if (options.sentinels || options.Connector) return options;
  const Connector = guardedConnector();
  return Connector === null ? options : { ...options, Connector };
}

/** `overrides` for a duplicate of a client with `base` options, with the guarded connector where {@link withGuardedConnector} would add it. */
export function guardedOverrides(base: RedisOptions, overrides: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (base.sentinels || base.Connector) return { ...overrides };
  const Connector = guardedConnector();
  return Connector === null ? { ...overrides } : { ...overrides, Connector };
}
