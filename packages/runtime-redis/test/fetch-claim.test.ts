/**
 * On a standalone Redis a worker's BullMQ fetch claims the job it fetches (`fetch-claim.ts`):
 * BullMQ's own fetch scripts with `claimCheck` appended to their hand-over. The claim's
 * arguments are made from the job id in Lua: they must be those `claimArgs` makes in JS, for
 * any ids (checked over awkward ones). A delivery then makes no claim call of its own; a
 * corrupt job's claim ends with it, and so does the claim of a job its engine, dead by then,
 * hands back.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "vitest";
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { CheckMessage } from "@converge/core";
import { Reality, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { claimArgs, jobIdBase, jobName, parseJob } from "../src/check-queue.js";
import { AttemptEnds } from "../src/attempt-ends.js";
import { runJob } from "../src/delivery-run.js";
import { CLAIM_FUNCTIONS, FetchedClaims, MARK, claimingFetchScript } from "../src/fetch-claim.js";
import type { HostDeps, Slot } from "../src/host-slot.js";
import { runtimeKeys } from "../src/keys.js";
import { quietFetchScript } from "../src/quiet-fetch.js";
import type { StoreContext } from "../src/store-context.js";
import { countScriptCalls } from "./support/command-stats.js";
import { bullScript } from "./support/bull-scripts.js";
import { quiet, useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

/** Calls of `claimCheck-1` by any client of this process while `run` runs. */
async function claimCalls(run: () => Promise<void>): Promise<number> {
  const counter = countScriptCalls("claimCheck");
  try {
    await run();
    return counter.calls();
  } finally {
    counter.stop();
  }
}

/** The claim's KEYS[1] and ARGV the Lua makes from a job id and a fetch's appended arguments, or null. */
const ARGS_LUA = `${CLAIM_FUNCTIONS}
local keys, args = convergeFetchClaimArgs(ARGV[1])
if not keys then return false end
local out = {keys[1]}
for i = 1, #args do out[#out + 1] = args[i] end
return out`;

const open: Array<Redis | { close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) {
    if (thing instanceof Redis) thing.disconnect();
    else await thing.close();
  }
});

describe("claim on fetch", () => {
  it("appends the claim to the one hand-over of the installed BullMQ's two fetch scripts, quiet or not", () => {
    for (const file of ["moveToActive-11", "moveToFinished-14"]) {
      const stock = bullScript(file);
      for (const lua of [stock, quietFetchScript(stock) ?? ""]) {
        const claimed = claimingFetchScript(lua);
        assert.ok(claimed !== null, `${file}: the installed BullMQ's fetch no longer hands its job over as expected; the claim on fetch is off`);
        assert.ok(claimed.includes("convergeFetchClaim(jobId)}"), file);
      }
    }
    assert.equal(claimingFetchScript("return 1"), null);
  });

  it("makes the claim's arguments from the job id as claimArgs does, for awkward ids", async () => {
    const client = new Redis(redis.url);
    open.push(client);
    const prefix = "pre:fix";
    const ctx = { keys: runtimeKeys(prefix) } as unknown as StoreContext;
    const stacks = ["s1", "ü stack|with bar", "日本", "e\u{1F600}moji", "a%20b", "tab\there"];
    const traversals = ["t-1", 'quo"te', "back\\slash", "new\nline\u0001\u007f", "\u{1F600}x", "é|%"];
    const messages: CheckMessage[] = [];
    for (const [i, stackId] of stacks.entries()) {
      const traversalId = traversals[i] as string;
      messages.push({ kind: "node", stackId, traversalId, rowId: String(i + 1), direction: "U" });
      messages.push({ kind: "node", stackId, traversalId, rowId: `r|${i}%`, direction: "C" });
      messages.push({ kind: "complete", stackId, traversalId });
    }
    for (const [i, message] of messages.entries()) {
      const id = `${jobIdBase(message)}|${i * 7}`;
      const parsed = parseJob({ id, name: jobName(message, null, null), data: message });
      const expected = claimArgs(ctx, parsed, 86_400_000, "attempt-1", "engine-1");
      const got = await client.eval(ARGS_LUA, 0, id, MARK, prefix, "attempt-1", "engine-1", "86400000");
      assert.deepEqual(got, [...expected.keys, ...expected.args], id);
    }
    // Not claimed on fetch: other kinds, ids of no check, calls without the claim's arguments.
    const watchdog = `${jobIdBase({ kind: "watchdog", stackId: "s", traversalId: "t" })}|0`;
    for (const id of [watchdog, "s|t|U%3A1", "s|t|U%3A1|x", "s%7B|t|U%3A1|0"]) assert.equal(await client.eval(ARGS_LUA, 0, id, MARK, prefix, "a", "e", "1"), null, id);
    assert.equal(await client.eval(ARGS_LUA, 0, "s|t|U%3A1|0", "other", prefix, "a", "e", "1"), null);
  });

  it("leaves a worker's deliveries no claim call of their own (and makes them when it is off)", async () => {
    const counts: number[] = [];
    for (const claimOnFetch of [true, false]) {
      const reality = new Reality();
      const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("fetchclaim"), logger: quiet, claimOnFetch });
      open.push(runtime);
      const worker = await startWorker({ runtime, types: [createScenarioType(reality)], logger: quiet, concurrency: 4 });
      open.push(worker);
      const engine = createEngine({ runtime, types: [createScenarioType(reality)], worker: false, logger: quiet });
      open.push(engine);
      const resources = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`r${i}`, { type: "test:scenario:Resource", properties: { a: String(i) } }]));
      counts.push(
        await claimCalls(async () => {
          await engine.createStack("web", { resources });
          assert.equal((await engine.waitForStack("web")).state, "CREATE_COMPLETE");
        }),
      );
      assert.equal(Object.values(reality.counts()).reduce((a, b) => a + b, 0), 12);
    }
    assert.deepEqual(counts, [0, 13]);
  });

  it("hands back a job its fetch claimed for an engine dead by its delivery: attempt ended, queued again only when a stack was claimed", async () => {
    const client = new Redis(redis.url);
    open.push(client);
    const keys = runtimeKeys(uniquePrefix("fetchclaim"));
    const deps = { ctx: { keys, client } } as unknown as HostDeps;
    // Manual mode's ends: each written at once, so the hash shows them.
    const ends = new AttemptEnds(() => client, quiet, true);
    const claims = new FetchedClaims();
    const slot = { dead: true, fetchedClaims: claims } as unknown as Slot;
    for (const [stackId, stackFields] of [["s-live", ["name", '"web"']], ["s-gone", []]] as const) {
      const message: CheckMessage = { kind: "node", stackId, traversalId: "t", rowId: "1", direction: "U" };
      const id = `${jobIdBase(message)}|0`;
      const stack = keys.stack(stackId);
      await client.hset(stack.attempts, "attempt-1", "engine-1");
      claims.put(id, { attempt: "attempt-1", reply: [stackFields, "", [0], 0] });
      const outcome = await runJob(deps, ends, slot, { id, name: jobName(message, null, null), data: message } as unknown as Job);
      assert.equal(outcome.kind, "handback");
      assert.equal(await client.hexists(stack.attempts, "attempt-1"), 0, stackId);
      assert.equal(await client.zscore(stack.queued, id) !== null, stackId === "s-live", stackId);
      assert.equal(claims.take(id), undefined);
    }
  });

  it("ends the claim of a corrupt job with the job: failed for good, no attempt left running", async () => {
    const prefix = uniquePrefix("fetchclaim");
    const runtime = createRedisRuntime({ connection: redis.url, prefix, logger: quiet });
    const reality = new Reality();
    const engine = createEngine({ runtime, types: [createScenarioType(reality)], worker: false, logger: quiet });
    const info = await engine.createStack("web", { resources: { a: { type: "test:scenario:Resource", properties: { a: "1" } } } });
    // A job whose id names a real check of the stack (so the fetch claims it) and whose payload is another's.
    const named: CheckMessage = { kind: "node", stackId: info.id, traversalId: info.traversalId, rowId: "999", direction: "U" };
    const payload: CheckMessage = { ...named, rowId: "998" };
    const jobId = `${jobIdBase(named)}|0`;
    await runtime.queue.add(jobName(payload, null, null), payload, { jobId });
    const worker = await startWorker({ runtime, types: [createScenarioType(reality)], logger: quiet, engineId: uniquePrefix("w") });
    assert.equal((await engine.waitForStack("web")).state, "CREATE_COMPLETE");
    while ((await runtime.queue.getJobState(jobId)) !== "failed") await new Promise((resolve) => setImmediate(resolve));
    // Ended attempts are removed within a few ms, and at the latest when the runtime closes.
    await worker.close();
    await engine.close();
    await runtime.close();
    const client = new Redis(redis.url);
    open.push(client);
    assert.deepEqual(await client.hgetall(runtimeKeys(prefix).stack(info.id).attempts), {});
  });
});
