/**
 * Liveness leases (DESIGN.md section 6): each registered engine holds a key with a TTL that
 * it renews while it runs. A lock whose holder's lease has expired is stale and may be
 * stolen. One lease per engine id at a time: a second live registration is refused.
 */
import { randomUUID } from "node:crypto";
import { RuntimeStateError } from "@converge/core";
import type { RuntimeKeys } from "./keys.js";
import { runScript } from "./script-loader.js";
import type { RedisClient } from "./script-loader.js";
import { command } from "./store-context.js";

/** A held lease, renewed until released. */
export interface Lease {
  /** Stop renewing and delete the lease now (the engine reads as dead at once). */
  release(): Promise<void>;
  /**
   * Whether the lease is certainly held now, as known locally: the last successful SET (at
   * the time it was sent) plus the TTL has not passed. No round trip.
   */
  valid(): boolean;
  /** Lapses noticed so far (a check that started before a lapse is fenced after it). */
  lapses(): number;
}

/** Options of {@link acquireLease}. */
export interface LeaseOptions {
  readonly client: RedisClient;
  readonly keys: RuntimeKeys;
  readonly engineId: string;
  readonly ttlMs: number;
  /** Called when a renewal fails (Redis unreachable): the lease may lapse. */
  readonly onRenewalError: (error: unknown) => void;
  /**
   * Called (once per lapse) when the lease was found lapsed - its last successful renewal is
   * older than its TTL (renewals failed, or the process was paused): other engines may have
   * taken over its locks. The renewal that follows may take the lease again.
   */
  readonly onLapse?: () => void;
}

/** Take the engine's lease. @throws RuntimeStateError when the engine id is alive (here or in another process) */
export async function acquireLease(options: LeaseOptions): Promise<Lease> {
  const { client, keys, engineId, ttlMs } = options;
  const key = keys.lease(engineId);
  const token = randomUUID();
  const sentAt = Date.now();
  const taken = await command("SET lease", () => client.set(key, token, "PX", ttlMs, "NX"));
  if (taken !== "OK") {
    throw new RuntimeStateError(`engine "${engineId}"`, `engine "${engineId}" is registered and alive (its liveness lease is held, in this or another process); use a unique engine id per worker process`);
  }
  let released = false;
  let validUntil = sentAt + ttlMs;
  let lapses = 0;
  let lapsed = false;
  /** Notice a lapse (once): a check must not start a plugin call under a lease that may be gone. */
  const valid = (): boolean => {
    if (Date.now() < validUntil) return true;
    if (!lapsed && !released) {
      lapsed = true;
      lapses += 1;
      options.onLapse?.();
    }
    return false;
  };
  const timer = setInterval(
    () => {
      valid();
      const sending = Date.now();
      command("SET lease", () => client.set(key, token, "PX", ttlMs))
        .then(() => {
          validUntil = Math.max(validUntil, sending + ttlMs);
          if (Date.now() < validUntil) lapsed = false;
        })
        .catch(options.onRenewalError);
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    valid,
    lapses: () => lapses,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await runScript(client, "releaseLease", [key], [token]);
    },
  };
}

/** Whether the engine's lease is held. */
export async function leaseHeld(client: RedisClient, keys: RuntimeKeys, engineId: string): Promise<boolean> {
  return (await command("EXISTS lease", () => client.exists(keys.lease(engineId)))) === 1;
}
