/**
 * A worker connection runs BullMQ's fetch scripts with the marker (the wake-up of blocked
 * workers) set after a fetch only while a job is left to fetch. Checked on the installed
 * BullMQ's own scripts: against a real Redis, through BullMQ's own Worker and Job calls.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "vitest";
import { Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { FETCH_MARKER, quietFetch, quietFetchScript } from "../src/quiet-fetch.js";
import { bullScript } from "./support/bull-scripts.js";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const open: Array<{ close(): Promise<unknown> } | Redis> = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) {
    if (thing instanceof Redis) thing.disconnect();
    else await thing.close();
  }
});

/** A queue and a worker that fetches only when told (`getNextJob`), on a connection made quiet or not. */
async function setUp(quiet: boolean) {
  const prefix = uniquePrefix("quiet");
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  if (quiet) quietFetch(connection);
  const queue = new Queue("q", { connection: { url: redis.url }, prefix });
  const worker = new Worker("q", null, { connection, prefix, autorun: false });
  const monitor = new Redis(redis.url);
  open.push(connection, queue, worker, monitor);
  await worker.waitUntilReady();
  const marker = queue.toKey("marker");
  return {
    queue,
    worker,
    /** Whether the marker is set now. */
    marked: async () => (await monitor.zcard(marker)) > 0,
    /** Clear the marker (what a woken worker's BZPOPMIN does). */
    clear: async () => void (await monitor.del(marker)),
  };
}

describe("quiet fetch", () => {
  it("guards the one marker statement of the installed BullMQ's two fetch scripts", () => {
    for (const file of ["moveToActive-11", "moveToFinished-14"]) {
      const stock = bullScript(file);
      const quiet = quietFetchScript(stock);
      assert.ok(quiet !== null, `${file}: the installed BullMQ's fetch no longer holds the statement; the quiet fetch is off`);
      assert.equal(quiet.split("\n").length, stock.split("\n").length + 2, file);
      assert.ok(quiet.includes('if rcall("LLEN", keyPrefix .. "wait") > 0'), file);
    }
  });

  it("leaves a script alone that does not hold the statement exactly once in prepareJobForProcessing", () => {
    const fn = "local function prepareJobForProcessing(keyPrefix, markerKey)\n";
    assert.equal(quietFetchScript("return 1\n"), null);
    assert.equal(quietFetchScript(`${fn}${FETCH_MARKER}${FETCH_MARKER}end\n`), null);
    assert.equal(quietFetchScript(`${fn}end\nlocal function other()\n${FETCH_MARKER}end\n`), null);
    assert.notEqual(quietFetchScript(`${fn}${FETCH_MARKER}end\n`), null);
  });

  it("sets no marker when a fetch takes the last waiting job (BullMQ's stock fetch sets one)", async () => {
    for (const quiet of [true, false]) {
      const { queue, worker, marked, clear } = await setUp(quiet);
      await queue.add("only", {});
      await clear();
      const job = await worker.getNextJob("tok", { block: false });
      assert.equal(job?.name, "only");
      assert.equal(await marked(), !quiet, quiet ? "the quiet fetch woke workers for nothing" : "BullMQ's stock fetch no longer sets the marker");
    }
  });

  it("sets the marker when a job is left to fetch, after a fetch and after a finish that fetches the next", async () => {
    const { queue, worker, marked, clear } = await setUp(true);
    await queue.addBulk([{ name: "a", data: {} }, { name: "b", data: {} }, { name: "c", data: {} }]);
    await clear();
    const a = await worker.getNextJob("tok", { block: false });
    assert.equal(a?.name, "a");
    assert.equal(await marked(), true, "two jobs left, no wake-up");
    await clear();
    // Finishing `a` fetches `b` in the same script: `c` is left, so the marker is set.
    const next = (await a.moveToCompleted("done", "tok", true)) as unknown[];
    assert.equal(next[1], (await queue.getJobs(["active"]))[0]?.id);
    assert.equal(await marked(), true, "one job left, no wake-up");
    await clear();
    // Finishing `b` fetches `c`, the last one: nothing left, no marker.
    // (read through the worker: its calls run on its own, quiet, connection)
    const b = await Job.fromId(worker, String(next[1]));
    assert.equal(b?.name, "b");
    const last = (await b.moveToCompleted("done", "tok", true)) as unknown[];
    assert.ok(last !== undefined && last[1] !== 0 && last[1] !== undefined, "c was not fetched");
    assert.equal(await marked(), false, "the last job was fetched, and the marker set anyway");
  });

  it("sets the marker for a prioritized job left to fetch", async () => {
    const { queue, worker, marked, clear } = await setUp(true);
    await queue.add("first", {});
    await queue.add("urgent", {}, { priority: 1 });
    await clear();
    const job = await worker.getNextJob("tok", { block: false });
    assert.equal(job?.name, "first");
    assert.equal(await marked(), true, "a prioritized job left, no wake-up");
  });
});
