/**
 * A worker adds the successors its checks make ready without BullMQ's marker (the hint that
 * wakes blocked workers): it fetches its next job as it finishes the check, so a chain link
 * wakes no other worker to race for it. A successor it does not fetch itself still gets the
 * marker soon (a closing worker fetches nothing), so no successor waits for BullMQ's 10 s
 * block timeout. Nor does the fetch itself set the marker when it takes the last job (quiet-fetch.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Redis } from "ioredis";
import { Reality, SCENARIO_TYPE, createScenarioType, silentLogger } from "@converge/core/testing";
import { createEngine } from "@converge/core";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import type { RedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}

const bzpopmins = async (client: Redis): Promise<number> => Number(/cmdstat_bzpopmin:calls=(\d+)/.exec(await client.info("commandstats"))?.[1] ?? 0);

/** A chain of n resources, each reading the previous one's attribute. */
const chain = (n: number) => ({
  resources: Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, { type: SCENARIO_TYPE, properties: i === 0 ? { a: "0" } : { a: { get_attr: [`c${i - 1}`, "a"] } } }])),
});

describe("successors added without the marker", () => {
  for (const workers of [1, 3]) {
    it(`a chain run by ${workers} worker(s) wakes no blocked fetch: each link's worker fetches the next itself`, async () => {
      const reality = new Reality();
      const prefix = uniquePrefix("succ");
      const runtimes = Array.from({ length: workers }, () => createRedisRuntime({ connection: redis.url, prefix, logger: silentLogger }));
      const started = await Promise.all(runtimes.map((runtime, i) => startWorker({ runtime, types: [createScenarioType(reality)], logger: silentLogger, concurrency: 4, engineId: `succ-${i}` })));
      const monitor = new Redis(redis.url);
      try {
        const links = 30;
        const before = await bzpopmins(monitor);
        await started[0]?.engine.createStack("chain", chain(links));
        const done = await started[0]?.engine.waitForStack("chain");
        assert.equal(done?.state, "CREATE_COMPLETE", done?.statusReason);
        const perLink = ((await bzpopmins(monitor)) - before) / links;
        // With the marker on every successor add, each link woke a blocked fetch twice (the add,
        // then BullMQ's own marker after the fetch); with the add unmarked, once (the fetch's
        // marker, set whether or not a job was left; quiet-fetch.ts). A link set late (a
        // successor not fetched within SUCCESSOR_FETCH_MS on a loaded machine) still wakes one.
        assert.ok(perLink < 0.5, `${perLink.toFixed(2)} BZPOPMIN per link`);
      } finally {
        monitor.disconnect();
        await Promise.all(started.map((worker) => worker.close()));
        await Promise.all(runtimes.map((runtime) => runtime.close()));
      }
    });
  }

  it("a successor its closing worker does not fetch is taken by another worker at once, not after BullMQ's block timeout", async () => {
    const reality = new Reality();
    const prefix = uniquePrefix("succ");
    const [a, b] = [0, 1].map(() => createRedisRuntime({ connection: redis.url, prefix, logger: silentLogger })) as [RedisRuntime, RedisRuntime];
    const release = reality.block("create", "c0");
    const first = await startWorker({ runtime: a, types: [createScenarioType(reality)], logger: silentLogger, concurrency: 1, engineId: "succ-first" });
    const api = createEngine({ runtime: b, types: [createScenarioType(reality)], worker: false, logger: silentLogger });
    let second: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      await api.createStack("handoff", chain(2));
      await until("the first worker is creating c0", () => reality.calls.some((c) => c.op === "create" && c.name === "c0"), 10_000);
      // The second worker starts and blocks waiting for a job; the first closes gracefully:
      // c0 finishes and reports c1, which the closing worker does not fetch.
      second = await startWorker({ runtime: b, types: [createScenarioType(reality)], logger: silentLogger, concurrency: 1, engineId: "succ-second" });
      await sleep(100);
      const closing = first.close({ graceMs: 20_000 });
      await sleep(50);
      const released = Date.now();
      release();
      await closing;
      await until("c1 created", () => reality.calls.some((c) => c.op === "create" && c.name === "c1"), 30_000);
      // BullMQ's blocked fetch times out after 5-10 s; the marker set for c1 wakes it at once.
      assert.ok(Date.now() - released < 4_000, `c1 started ${Date.now() - released} ms after c0 finished`);
      const done = await api.waitForStack("handoff");
      assert.equal(done.state, "CREATE_COMPLETE", done.statusReason);
    } finally {
      release();
      await Promise.all([first.close(), second?.close()]);
      await Promise.all([a.close(), b.close()]);
    }
  });
});
