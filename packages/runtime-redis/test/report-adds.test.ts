/**
 * On a standalone Redis a node's report adds the jobs of the checks it made ready in its own
 * script call (`reportNode-1.lua` with `includes/addStandardJobs.lua`): a chain link's report
 * and its successor's job are one round trip. The job is what BullMQ's addBulk would write.
 * When a job name would be cut, or the queue is another BullMQ version's, the report's caller
 * adds them in the next call, as before.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "vitest";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { Engine } from "@converge/core";
import { Reality, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import type { RedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { countScriptCalls } from "./support/command-stats.js";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const res = (a: string, extra: Record<string, unknown> = {}) => ({ type: "test:scenario:Resource", properties: { a, ...extra } });

/** A chain `first` <- `second` (second reads first's id). */
const chain = (first: string, second: string) => ({ resources: { [first]: res("1"), [second]: res("1", { c: { get_resource: first } }) } });

let runtime: RedisRuntime;
let engine: Engine;
let client: Redis;
beforeEach(() => {
  runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("adds"), mode: "manual", logger: quiet });
  engine = createEngine({ runtime, types: [createScenarioType(new Reality())], engineId: uniquePrefix("e"), logger: quiet });
  client = new Redis(redis.url);
});
afterEach(async () => {
  await engine.close();
  await runtime.close();
  client.disconnect();
});

/** Create the chain and run its first check: its report makes the second one's check ready. */
async function firstLink(first: string, second: string): Promise<number> {
  await engine.createStack("web", chain(first, second));
  const counter = countScriptCalls("addJobs");
  try {
    assert.equal(await runtime.step(), true);
    return counter.calls();
  } finally {
    counter.stop();
  }
}

/** The waiting job (the one check made ready), its hash as stored. */
async function waitingJob(): Promise<{ id: string; hash: Record<string, string> }> {
  const waiting = await runtime.queue.getWaiting();
  assert.equal(waiting.length, 1, `waiting: ${waiting.map((j) => j.name).join(", ")}`);
  const id = waiting[0]?.id as string;
  return { id, hash: await client.hgetall(runtime.queue.toKey(id)) };
}

describe("a report's ready checks", () => {
  it("are added by the report's own script, as BullMQ's addBulk writes them", async () => {
    assert.equal(await firstLink("db", "app"), 0, "the successor was added by a call of its own");
    const { id, hash } = await waitingJob();
    assert.equal(hash.name, "web/app update");
    const data = JSON.parse(hash.data as string) as Record<string, unknown>;
    assert.equal(data.kind, "node");
    assert.equal(data.direction, "U");
    // BullMQ's own add of the same job, in a queue of its own: the same hash and events.
    const theirs = new Queue("checks", { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: uniquePrefix("bull") });
    try {
      await theirs.addBulk([{ name: hash.name as string, data, opts: JSON.parse(hash.opts as string) as Record<string, unknown> }]);
      const bull = await client.hgetall(theirs.toKey(id));
      assert.deepEqual({ ...hash, timestamp: "<ts>" }, { ...bull, timestamp: "<ts>" });
      const events = async (queue: Queue) => (await client.xrange(queue.toKey("events"), "-", "+")).map(([, f]) => f).filter((f) => f.includes(id));
      assert.deepEqual(await events(runtime.queue), await events(theirs));
      // The marker that wakes blocked workers (no BullMQ worker runs in this process); "1" is the
      // timed marker of the stack's delayed timer jobs.
      assert.ok((await client.zrange(runtime.queue.toKey("marker"), 0, -1)).includes("0"));
    } finally {
      await theirs.close();
    }
    await runtime.runUntilIdle();
    assert.equal((await engine.getStack("web")).state, "CREATE_COMPLETE");
  });

  it("are added by the next call when a name would be cut", async () => {
    const long = "r".repeat(130);
    assert.equal(await firstLink("db", long), 1);
    const { hash } = await waitingJob();
    assert.ok(hash.name?.startsWith("web/rrr") && hash.name.endsWith("… update"), hash.name);
    await runtime.runUntilIdle();
    assert.equal((await engine.getStack("web")).state, "CREATE_COMPLETE");
  });

  it("are added in batches after a report of more targets than one batch (no long script)", async () => {
    const fanOut = { resources: { root: res("1"), ...Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`leaf${i}`, res("1", { c: { get_resource: "root" } })])) } };
    await engine.createStack("web", fanOut);
    const counter = countScriptCalls("addJobs");
    try {
      assert.equal(await runtime.step(), true);
      assert.equal(counter.calls(), 2, "201 ready leaves: two addJobs batches");
    } finally {
      counter.stop();
    }
    assert.equal(await runtime.queue.getWaitingCount(), 201);
  });

  it("are added by BullMQ when the queue is another BullMQ version's", async () => {
    await engine.createStack("web", chain("db", "app"));
    await client.hset(runtime.queue.toKey("meta"), "version", "bullmq:0.0.1");
    const addBulk = runtime.queue.addBulk.bind(runtime.queue);
    let bulk = 0;
    runtime.queue.addBulk = (jobs) => {
      bulk += 1;
      return addBulk(jobs);
    };
    assert.equal(await runtime.step(), true);
    assert.equal(bulk, 1);
    assert.equal((await waitingJob()).hash.name, "web/app update");
  });
});
