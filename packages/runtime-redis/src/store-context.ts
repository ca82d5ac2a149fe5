/**
 * What the store's operations share: the client, the key builder and the resolved limits,
 * plus small helpers that name the failed operation in every infrastructure error.
 */
import type { RuntimeKeys } from "./keys.js";
import type { RedisClient } from "./script-loader.js";
import { redisFailure } from "./script-codes.js";

/** Shared state of the store's operations. */
export interface StoreContext {
  /** The client store commands and scripts go through. */
  readonly client: RedisClient;
  /** Key names. */
  readonly keys: RuntimeKeys;
  /** Approximate cap of a stack's event stream. */
  readonly maxEventsPerStack: number;
  /** How long a deleted stack's event stream stays readable, ms. */
  readonly deletedEventsTtlMs: number;
  /** How long a deleted stack's tombstone is kept, ms. */
  readonly tombstoneTtlMs: number;
}

/** Run a plain command, turning a client failure into a RuntimeError naming `operation`. */
export async function command<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw redisFailure(operation, error);
  }
}
