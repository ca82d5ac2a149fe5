/**
 * An empty stack on a manual-mode runtime of the test Redis, with an admin connection and the
 * stack's keys: for tests that plant large state (rows, sync points) under a real traversal
 * and read what the runtime's scripts do with it.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { Engine, StackRecord } from "@converge/core";
import { createRedisRuntime, runtimeKeys } from "@converge/runtime-redis";
import type { RedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { quiet } from "./suite.js";

/** What {@link withEmptyStack} hands its body. */
export interface EmptyStack {
  readonly prefix: string;
  /** A plain connection (not counted by the runtime). */
  readonly admin: Redis;
  readonly runtime: RedisRuntime;
  /** The stack record as created (its current traversal is the create's). */
  readonly stack: StackRecord;
  /** The stack's keys. */
  readonly keys: ReturnType<ReturnType<typeof runtimeKeys>["stack"]>;
}

/** Run `body` with an empty stack "s" on a fresh manual runtime (namespace `name`); everything is closed after. */
export async function withEmptyStack(url: string, name: string, body: (s: EmptyStack) => Promise<void>): Promise<void> {
  const prefix = uniquePrefix(name);
  const admin = new Redis(url);
  const runtime = createRedisRuntime({ connection: url, prefix, mode: "manual", checkPermissions: false, logger: quiet });
  const engine: Engine = createEngine({ runtime, types: [], worker: false, logger: quiet });
  try {
    const info = await engine.createStack("s", { resources: {} });
    const stack = await runtime.store.loadStack(info.id);
    assert.ok(stack !== null);
    await body({ prefix, admin, runtime, stack, keys: runtimeKeys(prefix).stack(info.id) });
  } finally {
    await engine.close();
    await runtime.close();
    admin.disconnect();
  }
}
