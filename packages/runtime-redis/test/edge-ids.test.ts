/**
 * Ids and names at the edges, on a real Redis: a job whose ids do not fit the key scheme (a
 * stack id with braces, which would break the stack's hash tag, a string that cannot be
 * encoded into a job id, an id longer than the message schema allows) is failed once as corrupt - in manual and in auto mode - with one
 * log line naming the job and why; and names that are members of `Object.prototype`
 * (`__proto__`, `constructor`) round-trip through the Redis store.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { z } from "zod";
import { createEngine, defineResourceType, parseTemplate } from "@converge/core";
import type { Logger } from "@converge/core";
import { Reality, createScenarioType } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

/** The retry options the runtime gives its own jobs (kept after failing, to inspect them). */
const RETRIED = { attempts: 5, backoff: { type: "exponential", delay: 10 } } as const;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A logger that keeps the errors (with their job ids) and drops the rest. */
function recording(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (message, fields) => void errors.push(`${message} ${JSON.stringify(fields ?? {})}`),
  };
  return { logger, errors };
}

/** Jobs whose payload passes the message schema but whose ids do not fit the key scheme. */
const BAD_IDS = [
  { jobId: "a%7Bb%7D|t-1|complete|0", stackId: "a{b}", why: /stack id "a\{b\}" .*braces/ },
  { jobId: "surrogate|t-1|complete|0", stackId: "x\ud800y", why: /cannot be encoded/ },
  { jobId: `${"s".repeat(201)}|t-1|complete|0`, stackId: "s".repeat(201), why: /corrupt check message: .*200/ },
];

describe("jobs whose ids do not fit the key scheme", () => {
  it("are failed once as corrupt in manual mode, with a log line naming the job", async () => {
    const { logger, errors } = recording();
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("edge"), mode: "manual", logger });
    const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], engineId: `edge-${uniquePrefix("e")}`, logger });
    try {
      for (const bad of BAD_IDS) {
        await runtime.queue.add("complete", { kind: "complete", stackId: bad.stackId, traversalId: "t-1" }, { jobId: bad.jobId, ...RETRIED });
      }
      // The engine registers its worker once the runtime's start-up checks passed.
      for (let i = 0; i < 500 && runtime.liveEngines().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(await runtime.runUntilIdle(), BAD_IDS.length, "each bad job is delivered exactly once");
      for (const bad of BAD_IDS) {
        const job = await runtime.queue.getJob(bad.jobId);
        assert.equal(await job?.getState(), "failed");
        assert.equal(job?.attemptsMade, 1, `job ${bad.jobId} was retried`);
        assert.match(job?.failedReason ?? "", bad.why);
        assert.equal(errors.filter((e) => e.includes(bad.jobId)).length, 1, `one error line names ${bad.jobId}: ${errors.join("; ")}`);
      }
      assert.equal(errors.length, BAD_IDS.length);
    } finally {
      await engine.close();
      await runtime.close();
    }
  });

  it("are failed once as corrupt by an auto-mode worker (not retried with back-off)", async () => {
    const { logger, errors } = recording();
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("edge-auto"), logger, retryDelayMs: 10 });
    const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], logger });
    try {
      const bad = BAD_IDS[0] as (typeof BAD_IDS)[number];
      await runtime.queue.add("complete", { kind: "complete", stackId: bad.stackId, traversalId: "t-1" }, { jobId: bad.jobId, ...RETRIED });
      // Wait for the first attempt to end, whatever its outcome (a retry would make it delayed or waiting).
      const end = Date.now() + 15_000;
      let job = await runtime.queue.getJob(bad.jobId);
      while ((job?.attemptsMade ?? 0) < 1 || (await job?.getState()) === "active") {
        if (Date.now() > end) throw new Error("the bad job was not attempted within 15 s");
        await sleep(10);
        job = await runtime.queue.getJob(bad.jobId);
      }
      assert.equal(await job?.getState(), "failed", "the corrupt job is scheduled for a retry");
      assert.equal(job?.attemptsMade, 1);
      assert.match(job?.failedReason ?? "", bad.why);
      assert.equal(errors.filter((e) => e.includes(bad.jobId)).length, 1);
    } finally {
      await engine.close();
      await runtime.close();
    }
  });
});

/** A type that accepts any property and reports `v` as an attribute. */
const Echo = defineResourceType({
  type: "test:echo:Resource",
  properties: z.object({ v: z.unknown().optional() }).loose(),
  attributes: ["v"],
  create: async (ctx) => ({ physicalId: `echo-${ctx.resourceName}`, attributes: { v: ctx.properties.v ?? null } }),
  delete: async () => undefined,
});

describe("names that are members of Object.prototype", () => {
  it("round-trip through the Redis store: resources, outputs and keys named __proto__", async () => {
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("proto"), mode: "manual" });
    const engine = createEngine({ runtime, types: [Echo] });
    // JSON text: in a JavaScript object literal `__proto__:` would set the prototype.
    const text = `{
      "resources": {
        "__proto__": { "type": "${Echo.type}", "properties": { "v": { "__proto__": 1, "k": 2 } } },
        "constructor": { "type": "${Echo.type}", "properties": { "v": { "get_attr": ["__proto__", "v"] } } }
      },
      "outputs": {
        "__proto__": { "value": { "get_resource": "__proto__" } },
        "constructor": { "value": { "get_attr": ["constructor", "v"] } }
      }
    }`;
    try {
      await engine.createStack("s", parseTemplate(text, "json"));
      await runtime.runUntilIdle();
      const stack = await engine.getStack("s");
      assert.equal(stack.state, "CREATE_COMPLETE");
      assert.equal(JSON.stringify(stack.outputs), '{"__proto__":"echo-__proto__","constructor":{"__proto__":1,"k":2}}');
      const names = (await engine.listResources("s")).map((r) => r.name).sort();
      assert.deepEqual(names, ["__proto__", "constructor"]);
    } finally {
      await engine.close();
      await runtime.close();
    }
  });
});
