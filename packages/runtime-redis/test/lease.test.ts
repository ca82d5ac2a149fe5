/**
 * Lease validity as an engine knows it locally (issue 9, item 2): after a pause longer than
 * the lease's TTL (here the event loop is blocked, as a SIGSTOP or a long GC pause would),
 * the lease reads as lapsed at once - before any renewal could run - the running checks'
 * signals are aborted, and their `leaseValid()` stays false even after the lease is renewed.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { describe, it } from "vitest";
import { createEngine } from "@converge/core";
import type { Delivery } from "@converge/core";
import { Reality, SCENARIO_TYPE, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime, runtimeKeys } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { acquireLease } from "../src/lease.js";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

/** Block the event loop for `ms` (a paused process: no timer, no reply is handled meanwhile). */
function freeze(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // paused
  }
}

async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("lease validity known locally", () => {
  it("a pause longer than the TTL makes the lease read as lapsed at once; a renewal takes it again", async () => {
    const client = new Redis(redis.url);
    let lapses = 0;
    const lease = await acquireLease({ client, keys: runtimeKeys(uniquePrefix("lease")), engineId: "lease-1", ttlMs: 300, onRenewalError: () => undefined, onLapse: () => (lapses += 1) });
    try {
      assert.equal(lease.valid(), true);
      freeze(400);
      assert.equal(lease.valid(), false, "the lease reads as held after a pause longer than its TTL");
      assert.equal(lapses, 1);
      assert.equal(lease.lapses(), 1);
      await until(() => lease.valid());
      assert.equal(lapses, 1, "one lapse was reported more than once");
    } finally {
      await lease.release();
      client.disconnect();
    }
  });

  it("a running check's signal is aborted and its leaseValid() stays false once its engine's lease lapsed", async () => {
    const prefix = uniquePrefix("lease-check");
    const runtime = createRedisRuntime({ connection: redis.url, prefix, mode: "manual", leaseTtlMs: 300, jobLockMs: 5000 });
    try {
      let delivered: Delivery | null = null;
      let reason: unknown = null;
      const reg = await runtime.registerWorker("lease-check-1", async (delivery) => {
        delivered = delivery;
        await new Promise<void>((resolve) => {
          delivery.signal?.addEventListener("abort", () => {
            reason = delivery.signal?.reason;
            resolve();
          });
        });
      });
      const api = createEngine({ runtime, types: [createScenarioType(new Reality())], worker: false });
      await api.createStack("lease-stack", { resources: { A: { type: SCENARIO_TYPE, properties: {} } } });
      const step = runtime.step();
      await until(() => delivered !== null);
      const d = delivered as unknown as Delivery;
      assert.equal(d.leaseValid?.(), true);
      freeze(400);
      assert.equal(d.leaseValid?.(), false, "leaseValid() is true after a pause longer than the lease");
      await step;
      assert.match(String(reason), /lease/, "the check's signal was not aborted for the lapsed lease");
      assert.equal(d.leaseValid?.(), false, "a check that started before the lapse must stay fenced after the renewal");
      await reg.close();
    } finally {
      await runtime.close();
    }
  });
});
