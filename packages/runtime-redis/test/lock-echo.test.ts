/**
 * The lock echo of a delivery's runtime view (`delivery-view.ts`): a read of a row right after
 * the attempt's own accepted write that left it locked by the attempt is answered from the
 * write's reply - and only then: not after the event-loop turn ended (a sleep, a backoff, any
 * I/O), not after another operation, not once the lease may have lapsed, not for a write that
 * released the lock or left it with someone else, and only once.
 */
import assert from "node:assert/strict";
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, it } from "vitest";
import { z } from "zod";
import { RetryableError, createEngine, defineResourceType, parseLockHolder } from "@converge/core";
import type { ResourceRow, RowWrite, RowWriteResult, Runtime, RuntimeStore } from "@converge/core";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { deliveryView } from "../src/delivery-view.js";
import type { DeliveryAttempt } from "../src/delivery-view.js";
import { quiet, useTestRedis } from "./support/suite.js";

const ENGINE = "echo-engine";
const ATTEMPT = "a1";
const MINE = `${ENGINE}#${ATTEMPT}`;

const row = (lockHolder: string | null, id = "7"): ResourceRow => ({ id, name: `r${id}`, version: 3, lockHolder }) as unknown as ResourceRow;

/** A store whose writes answer `reply` and whose reads are counted (answering the stored row). */
function fakeRuntime(reply: RowWriteResult): { runtime: Runtime; reads: () => number } {
  let reads = 0;
  const store = {
    writeRow: () => Promise.resolve(reply),
    loadRow: (_stackId: string, rowId: string) => {
      reads += 1;
      return Promise.resolve(row("someone-else#x", rowId));
    },
    findStackId: () => Promise.resolve(null),
  } as unknown as RuntimeStore;
  return { runtime: { kind: "fake", store } as unknown as Runtime, reads: () => reads };
}

function view(reply: RowWriteResult, attempt: Partial<DeliveryAttempt> = {}): { store: RuntimeStore; reads: () => number } {
  const { runtime, reads } = fakeRuntime(reply);
  const fence = { engineId: ENGINE, isDead: () => false, kill: () => undefined };
  const delivery = deliveryView(runtime, fence, { attempt: { engineId: ENGINE, attempt: ATTEMPT, leaseValid: () => true, ...attempt } });
  return { store: delivery.store, reads };
}

const lockWrite: RowWrite = { stackId: "s", rowId: "7", ifHolder: null, setHolder: MINE, patch: {} };
const locked: RowWriteResult = { ok: true, row: row(MINE) };

describe("the lock echo of a delivery view", () => {
  it("answers the read right after the attempt's own lock write from its reply, once", async () => {
    const { store, reads } = view(locked);
    await store.writeRow(lockWrite);
    assert.equal((await store.loadRow("s", "7"))?.lockHolder, MINE);
    assert.equal(reads(), 0, "the read right after the lock write went to Redis");
    assert.equal((await store.loadRow("s", "7"))?.lockHolder, "someone-else#x", "a second read must go to Redis");
    assert.equal(reads(), 1);
  });

  it("never answers a read after the turn ended (a sleep or a retry's backoff)", async () => {
    const { store, reads } = view(locked);
    await store.writeRow(lockWrite);
    await nextTurn();
    assert.equal((await store.loadRow("s", "7"))?.lockHolder, "someone-else#x");
    assert.equal(reads(), 1);
  });

  it("never answers a read after another operation, of another row or stack, or once the lease may have lapsed", async () => {
    const other = view(locked);
    await other.store.writeRow(lockWrite);
    await other.store.findStackId("x");
    await other.store.loadRow("s", "7");
    assert.equal(other.reads(), 1, "another operation in between must end the echo");
    const otherRow = view(locked);
    await otherRow.store.writeRow(lockWrite);
    await otherRow.store.loadRow("s", "8");
    await otherRow.store.loadRow("s", "7");
    assert.equal(otherRow.reads(), 2, "a read of another row must go to Redis and end the echo");
    const otherStack = view(locked);
    await otherStack.store.writeRow(lockWrite);
    await otherStack.store.loadRow("t", "7");
    assert.equal(otherStack.reads(), 1);
    let valid = true;
    const lapsed = view(locked, { leaseValid: () => valid });
    await lapsed.store.writeRow(lockWrite);
    valid = false;
    await lapsed.store.loadRow("s", "7");
    assert.equal(lapsed.reads(), 1, "a read under a lease that may have lapsed must go to Redis");
  });

  it("echoes only an accepted write that left the row locked by this very attempt", async () => {
    const replies: RowWriteResult[] = [
      { ok: true, row: row(null) },
      { ok: true, row: row(`${ENGINE}#other-attempt`) },
      { ok: true, row: row(ENGINE) },
      { ok: true, row: row(`another-engine#${ATTEMPT}`) },
      { ok: false, reason: "version", row: row(MINE) },
    ];
    for (const reply of replies) {
      const { store, reads } = view(reply);
      await store.writeRow(lockWrite);
      await store.loadRow("s", "7");
      assert.equal(reads(), 1, `echoed the reply ${JSON.stringify(reply)}`);
    }
  });
});

const redis = useTestRedis();

describe("the lock echo on Redis", () => {
  it("a retry after its backoff re-reads the row: a lock taken over during the sleep fences it", { timeout: 60_000 }, async () => {
    const engineId = "echo-it-engine";
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("lock-echo"), logger: quiet, leaseTtlMs: 2000, jobLockMs: 2000, stalledIntervalMs: 1000 });
    /** The lock holder each create call found on its row (read from Redis during the call). */
    const seen: string[] = [];
    const thing = defineResourceType({
      type: "test:echo:Thing",
      properties: z.object({}),
      async create(ctx) {
        const stackId = ctx.idempotencyKey.slice(0, ctx.idempotencyKey.lastIndexOf(":"));
        const current = await runtime.store.loadRow(stackId, ctx.rowId);
        seen.push(current?.lockHolder ?? "nobody");
        if (seen.length === 1) {
          // Another engine (one that is not alive, so the next delivery steals it back) takes the
          // lock while this call's retry waits out its backoff.
          const taken = await runtime.store.writeRow({ stackId, rowId: ctx.rowId, ifHolder: current?.lockHolder ?? null, setHolder: "thief-engine#t1", patch: {} });
          assert.ok(taken.ok, "the test could not take the lock over");
          throw new RetryableError("try again");
        }
        return { physicalId: `made-${seen.length}` };
      },
      async read() {
        return { exists: false };
      },
      async delete() {
        return undefined;
      },
    });
    const api = createEngine({ runtime, types: [thing], engineId, logger: quiet, watchdogIntervalMs: 1000, retry: { initialDelayMs: 20 } });
    try {
      await api.createStack("s", { resources: { A: { type: "test:echo:Thing", properties: {} } } });
      const info = await api.waitForStack("s", { signal: AbortSignal.timeout(30_000) });
      assert.equal(info.state, "CREATE_COMPLETE", info.statusReason ?? "");
      assert.ok(seen.length >= 2, `create ran ${seen.length} time(s)`);
      for (const holder of seen) assert.equal(parseLockHolder(holder).engineId, engineId, `a create ran while the row was locked by ${holder}: ${seen.join(", ")}`);
    } finally {
      await api.close();
      await runtime.close();
    }
  });
});
