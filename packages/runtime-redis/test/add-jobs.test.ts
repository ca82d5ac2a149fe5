/**
 * Check jobs are added by one `addJobs-6+` call per batch, which writes what BullMQ's own
 * `addBulk` writes (its `addStandardJob` script per job): the same job hashes, wait list,
 * events, id counter and marker - so BullMQ's workers, stalled-job recovery, getters and
 * dashboards see the same jobs. The script mirrors one BullMQ version; a queue whose meta
 * names another version gets BullMQ's addBulk.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Queue, Worker } from "bullmq";
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import type { CheckMessage } from "@converge/core";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { BULLMQ_META_VERSION, CheckQueue } from "../src/check-queue.js";
import { SUCCESSOR_FETCH_MS, unmarkedSuccessors } from "../src/unmarked-successors.js";
import type { PreparedCheck } from "../src/check-queue.js";
import { runtimeKeys } from "../src/keys.js";
import type { StoreContext } from "../src/store-context.js";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();
const NOW = 1_765_000_000_000;

const message = (row: number): CheckMessage => ({ kind: "node", stackId: "s-1", traversalId: "t-1", direction: "U", rowId: String(row) });
const check = (row: number): PreparedCheck => ({ message: message(row), jobId: `s-1|t-1|U%3A${row}|0`, name: `web/r${row} ü update` });

/** Everything under a BullMQ queue's keys, comparable across prefixes (timestamps and stream ids dropped). */
async function snapshot(client: Redis, queue: Queue): Promise<Record<string, unknown>> {
  const prefix = queue.toKey("");
  const out: Record<string, unknown> = {};
  for (const key of (await client.keys(`${prefix}*`)).sort()) {
    const name = key.slice(prefix.length);
    const type = await client.type(key);
    if (type === "hash") {
      const hash = await client.hgetall(key);
      if (hash.timestamp !== undefined) hash.timestamp = "<ts>";
      if (hash.opts !== undefined) hash.opts = JSON.parse(hash.opts) as unknown as string;
      out[name] = hash;
    } else if (type === "list") out[name] = await client.lrange(key, 0, -1);
    else if (type === "zset") out[name] = await client.zrange(key, 0, -1, "WITHSCORES");
    else if (type === "stream") out[name] = (await client.xrange(key, "-", "+")).map(([, fields]) => fields);
    else out[name] = await client.get(key);
  }
  return out;
}

/** Count the calls of `queue.addBulk` from now on (read through the returned function). */
function countAddBulk(queue: Queue): () => Promise<number> {
  let calls = 0;
  const addBulk = queue.addBulk.bind(queue);
  queue.addBulk = (jobs) => {
    calls += 1;
    return addBulk(jobs);
  };
  return () => Promise.resolve(calls);
}

/** A check queue of its own prefix, and the client it adds with. */
async function checkQueue(retry = { attempts: 3, delayMs: 0 }): Promise<{ checks: CheckQueue; queue: Queue; client: Redis; close: () => Promise<void> }> {
  const keys = runtimeKeys(uniquePrefix("add"));
  const client = new Redis(redis.url);
  const queue = new Queue("checks", { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: keys.queuePrefix });
  await queue.waitUntilReady();
  const ctx = { client, keys } as unknown as StoreContext;
  const checks = new CheckQueue(ctx, queue, retry, () => NOW);
  return { checks, queue, client, close: async () => { await queue.close(); client.disconnect(); } };
}

describe("addJobs", () => {
  it("mirrors the installed BullMQ version", async () => {
    const { queue, close } = await checkQueue();
    try {
      assert.equal(await queue.getVersion(), BULLMQ_META_VERSION);
    } finally {
      await close();
    }
  });

  for (const retry of [{ attempts: 3, delayMs: 0 }, { attempts: 5, delayMs: 250 }]) {
    it(`writes what BullMQ's addBulk writes (attempts ${retry.attempts}, backoff ${retry.delayMs} ms), a duplicate id included`, async () => {
      const ours = await checkQueue(retry);
      const theirs = await checkQueue(retry);
      try {
        const batch = [check(1), check(2), check(3)];
        await ours.checks.addPrepared(batch);
        await ours.checks.addPrepared([check(2), check(4)]);
        const opts = (c: PreparedCheck) => ({ jobId: c.jobId, removeOnComplete: true, attempts: retry.attempts, ...(retry.delayMs > 0 ? { backoff: { type: "exponential", delay: retry.delayMs } } : {}) });
        const bulk = (cs: PreparedCheck[]) => theirs.queue.addBulk(cs.map((c) => ({ name: c.name, data: c.message, opts: opts(c) })));
        await bulk(batch);
        await bulk([check(2), check(4)]);
        const mine = await snapshot(ours.client, ours.queue);
        const bullmq = await snapshot(theirs.client, theirs.queue);
        assert.deepEqual(mine, bullmq);
        assert.deepEqual(mine.wait, ["s-1|t-1|U%3A4|0", "s-1|t-1|U%3A3|0", "s-1|t-1|U%3A2|0", "s-1|t-1|U%3A1|0"]);
        assert.deepEqual(mine.marker, ["0", "0"]);
      } finally {
        await ours.close();
        await theirs.close();
      }
    });
  }

  it("adds no marker to a paused queue, as BullMQ does", async () => {
    const ours = await checkQueue();
    const theirs = await checkQueue();
    try {
      await ours.queue.pause();
      await theirs.queue.pause();
      await ours.checks.addPrepared([check(1)]);
      await theirs.queue.addBulk([{ name: check(1).name, data: check(1).message, opts: { jobId: check(1).jobId, removeOnComplete: true, attempts: 3 } }]);
      assert.deepEqual(await snapshot(ours.client, ours.queue), await snapshot(theirs.client, theirs.queue));
      assert.equal((await snapshot(ours.client, ours.queue)).marker, undefined);
    } finally {
      await ours.close();
      await theirs.close();
    }
  });

  it("while a BullMQ worker of the queue runs here, adds a report's successors without the marker, and sets it when no worker fetched them", async () => {
    const { checks, queue, client, close } = await checkQueue();
    const marker = queue.keys.marker as string;
    unmarkedSuccessors.started(marker);
    try {
      await checks.addPrepared([check(1), check(2)]);
      assert.equal(await client.exists(marker), 0);
      assert.deepEqual((await queue.getWaiting()).map((j) => j.id).sort(), [check(1).jobId, check(2).jobId]);
      // A local worker fetched one; nobody fetched the other: the marker is set for it.
      unmarkedSuccessors.fetched(check(1).jobId);
      await new Promise((r) => setTimeout(r, SUCCESSOR_FETCH_MS * 4));
      assert.equal(await client.exists(marker), 1);
      await client.del(marker);
      // Fetched in time: no marker.
      await checks.addPrepared([check(3)]);
      unmarkedSuccessors.fetched(check(3).jobId);
      await new Promise((r) => setTimeout(r, SUCCESSOR_FETCH_MS * 4));
      assert.equal(await client.exists(marker), 0);
      // A worker stopping sets it for what is still waiting.
      await checks.addPrepared([check(4)]);
      let woken = 0;
      unmarkedSuccessors.stopped(marker, () => (woken += 1));
      assert.equal(woken, 1);
      // No worker of the queue here: the marker is set as BullMQ sets it.
      await checks.addPrepared([check(5)]);
      assert.equal(await client.exists(marker), 1);
    } finally {
      await close();
    }
  });

  it("jobs it added run on a BullMQ worker in order, and their options hold (attempts)", async () => {
    const { checks, queue, close } = await checkQueue({ attempts: 2, delayMs: 0 });
    const seen: Array<{ id: string; attempts: number; data: unknown }> = [];
    const worker = new Worker(
      "checks",
      async (job: Job) => {
        seen.push({ id: job.id ?? "", attempts: job.opts.attempts ?? 0, data: job.data });
        if (seen.length === 1) throw new Error("first try fails");
        return null;
      },
      { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: queue.opts.prefix ?? "", concurrency: 1 },
    );
    try {
      await checks.addPrepared([check(1), check(2)]);
      for (let i = 0; i < 200 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      // FIFO; the failed first try is retried (attempts 2) behind the job waiting.
      assert.deepEqual(seen.map((s) => s.id), ["s-1|t-1|U%3A1|0", "s-1|t-1|U%3A2|0", "s-1|t-1|U%3A1|0"]);
      assert.deepEqual(seen[1], { id: "s-1|t-1|U%3A2|0", attempts: 2, data: message(2) });
      // removeOnComplete: the completed jobs are gone.
      for (let i = 0; i < 100 && ((await queue.getJobCounts("active")).active ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await queue.getJob("s-1|t-1|U%3A2|0"), undefined);
    } finally {
      await worker.close();
      await close();
    }
  });

  it("a queue whose meta has no version yet gets BullMQ's addBulk for that batch, then addJobs again", async () => {
    const { checks, queue, client, close } = await checkQueue();
    try {
      const multis = countAddBulk(queue);
      await client.hdel(queue.keys.meta as string, "version");
      const before = await multis();
      await checks.addPrepared([check(1)]);
      assert.equal((await multis()) - before, 1);
      await client.hset(queue.keys.meta as string, "version", BULLMQ_META_VERSION);
      await checks.addPrepared([check(2)]);
      assert.equal((await multis()) - before, 1);
      assert.deepEqual((await queue.getWaiting()).map((j) => j.id).sort(), ["s-1|t-1|U%3A1|0", "s-1|t-1|U%3A2|0"]);
    } finally {
      await close();
    }
  });

  it("a queue made by another BullMQ version gets BullMQ's addBulk", async () => {
    const { checks, queue, client, close } = await checkQueue();
    try {
      await client.hset(queue.keys.meta as string, "version", "bullmq:99.0.0");
      await checks.addPrepared([check(1)]);
      // ...and keeps to it: no addJobs call is tried again.
      await client.hset(queue.keys.meta as string, "version", BULLMQ_META_VERSION);
      const multis = countAddBulk(queue);
      const before = await multis();
      await checks.addPrepared([check(2)]);
      assert.equal((await multis()) - before, 1);
      assert.deepEqual((await queue.getWaiting()).map((j) => j.id).sort(), ["s-1|t-1|U%3A1|0", "s-1|t-1|U%3A2|0"]);
      const job = await queue.getJob("s-1|t-1|U%3A1|0");
      assert.deepEqual(job?.data, message(1));
    } finally {
      await close();
    }
  });
});
