/**
 * Liveness leases (DESIGN.md section 6): each registered engine holds a key with a TTL that
 * it renews while it runs. A lock whose holder's lease has expired is stale and may be
 * stolen. One lease per engine id at a time: a second live registration is refused.
 */
import { randomUUID } from "node:crypto";
import { InvalidOptionsError } from "@converge/core";
import type { RuntimeKeys } from "./keys.js";
import { runScript } from "./script-loader.js";
import type { RedisClient } from "./script-loader.js";
import { command } from "./store-context.js";

/** A held lease, renewed until released. */
export interface Lease {
  /** Stop renewing and delete the lease now (the engine reads as dead at once). */
  release(): Promise<void>;
}

/** Options of {@link acquireLease}. */
export interface LeaseOptions {
  readonly client: RedisClient;
  readonly keys: RuntimeKeys;
  readonly engineId: string;
  readonly ttlMs: number;
  /** Called when a renewal fails (Redis unreachable): the lease may lapse. */
  readonly onRenewalError: (error: unknown) => void;
}

/** Take the engine's lease. @throws InvalidOptionsError when the engine id is alive (here or in another process) */
export async function acquireLease(options: LeaseOptions): Promise<Lease> {
  const { client, keys, engineId, ttlMs } = options;
  const key = keys.lease(engineId);
  const token = randomUUID();
  const taken = await command("SET lease", () => client.set(key, token, "PX", ttlMs, "NX"));
  if (taken !== "OK") {
    throw new InvalidOptionsError("engineId", `engine "${engineId}" is registered and alive (its liveness lease is held, in this or another process); use a unique engine id per worker process`);
  }
  let released = false;
  const timer = setInterval(
    () => {
      command("SET lease", () => client.set(key, token, "PX", ttlMs)).catch(options.onRenewalError);
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
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
