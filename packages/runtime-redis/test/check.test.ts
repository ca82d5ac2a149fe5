/**
 * The CHECK traversal on Redis (issue 13): per-row results are stored in the row hash and
 * read back through the codec; rows stored before the check fields existed read as never
 * checked.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { RuntimeError, createEngine } from "@converge/core";
import { nextReconcileDue } from "@converge/core/internal";
import { Reality, createScenarioType, silentLogger, verify } from "@converge/core/testing";
import { createRedisRuntime } from "@converge/runtime-redis";
import { redisScenarioHarness, uniquePrefix } from "@converge/runtime-redis/testing";
import { decodeRow, pack, ROW_FIELDS } from "../src/codec.js";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

const T = "test:scenario:Resource";
const template = { resources: { A: { type: T, properties: { a: "1", b: "1" } }, B: { type: T, properties: { a: "1" } }, C: { type: T, properties: { a: "1" } } } };

describe("checkStack on Redis", () => {
  it("runs as BullMQ jobs and records IN_SYNC / DRIFTED / MISSING per row", async () => {
    const reality = new Reality();
    const harness = await redisScenarioHarness({ connection: redis.url })(reality);
    try {
      await harness.engine.createStack("s", template);
      await harness.runUntilIdle();
      assert.equal((await harness.engine.getStack("s")).state, "CREATE_COMPLETE");
      reality.tamper(reality.live("A")[0]?.physicalId ?? "", { b: "edited" });
      reality.vanish(reality.live("C")[0]?.physicalId ?? "");
      await harness.engine.checkStack("s");
      await harness.runUntilIdle();
      const stack = await harness.engine.getStack("s");
      assert.equal(stack.state, "CHECK_COMPLETE");
      const rows = Object.fromEntries((await harness.engine.listResources("s")).map((r) => [r.name, [r.checkStatus, r.driftedProperties, r.checkedAt !== null]]));
      assert.deepEqual(rows, { A: ["DRIFTED", ["b"], true], B: ["IN_SYNC", [], true], C: ["MISSING", [], true] });
      const reasons: string[] = [];
      for await (const e of harness.engine.events("s")) if (e.action === "CHECK" && e.kind === "resource") reasons.push(`${e.resourceName}: ${e.reason}`);
      assert.deepEqual(reasons.sort(), ["A: DRIFTED: b", "B: IN_SYNC", "C: MISSING"]);
      // An update after the check: the rows written by the check are still valid rows.
      await harness.engine.updateStack("s", template);
      await harness.runUntilIdle();
      assert.equal((await harness.engine.getStack("s")).state, "UPDATE_COMPLETE");
    } finally {
      await harness.close();
    }
  });
});

describe("updateStack with converge on Redis", () => {
  it("repairs drift and re-creates a missing resource; the flag is stored on the stack record", async () => {
    const reality = new Reality();
    const harness = await redisScenarioHarness({ connection: redis.url })(reality);
    try {
      await harness.engine.createStack("s", template);
      await harness.runUntilIdle();
      reality.tamper(reality.live("A")[0]?.physicalId ?? "", { b: "edited" });
      reality.vanish(reality.live("C")[0]?.physicalId ?? "");
      await harness.engine.updateStack("s", template, { converge: true });
      await harness.runUntilIdle();
      assert.equal((await harness.engine.getStack("s")).state, "UPDATE_COMPLETE");
      assert.deepEqual(verify(reality, template), { ok: true, problems: [] });
      assert.deepEqual(reality.counts(), { A: 1, B: 1, C: 1 });
    } finally {
      await harness.close();
    }
  });
});

describe("reconcile jobs on Redis", () => {
  it("one delayed job per run (a second schedule of the run is absorbed), not counted in activity", async () => {
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("rcj"), mode: "manual", logger: silentLogger });
    const engine = createEngine({ runtime, types: [createScenarioType(new Reality())], logger: silentLogger });
    try {
      const info = await engine.createStack("s", template, { reconcile: { every: "10m", mode: "report" } });
      await engine.updateStack("s", template); // keeps the policy: schedules the same run again
      await runtime.runUntilIdle();
      assert.equal((await engine.getStack("s")).state, "UPDATE_COMPLETE");
      const delayed = (await runtime.queue.getDelayed()).filter((job) => (job.data as { kind?: string }).kind === "reconcile");
      const due = nextReconcileDue(info.id, 600_000, Date.now());
      assert.deepEqual(delayed.map((job) => job.data as unknown), [{ kind: "reconcile", stackId: info.id, traversalId: `reconcile@${due}`, due }]);
      // Always pending, it belongs to no traversal: a stalled traversal must still look idle to the watchdog.
      assert.deepEqual(await runtime.activity(info.id), { queued: 0, running: 0 });
    } finally {
      await engine.close();
      await runtime.close();
    }
  });
});

describe("codec of rows stored before check fields existed", () => {
  const old = ROW_FIELDS.filter((f) => !["checkStatus", "driftedProperties", "checkedAt"].includes(f));
  const values: Record<string, string> = {
    id: '"1"', name: '"A"', type: '"t"', templateId: '"x"', physicalId: '"p"', properties: "{}", attributes: "{}",
    action: '"CREATE"', status: '"COMPLETE"', statusReason: '""', requires: "[]", replaces: "null", replacedBy: "null",
    createdTraversal: '"x"', deletionPolicy: '"delete"', lockHolder: "null", version: "1", updatedAt: "0",
  };
  it("decodeRow reads them as never checked", () => {
    const row = decodeRow("k", "1", ROW_FIELDS.map((f) => values[f] ?? null));
    assert.deepEqual([row.checkStatus, row.driftedProperties, row.checkedAt], [null, [], null]);
  });
  it("loadRows reads them as never checked", async () => {
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("oldrow"), mode: "manual", checkPermissions: false });
    try {
      await runtime.client.hset(`${runtime.prefix}:{s1}:rows`, "1", pack(old.map((f) => values[f] as string)));
      const [row] = await runtime.store.loadRows("s1");
      assert.deepEqual([row?.name, row?.checkStatus, row?.driftedProperties, row?.checkedAt], ["A", null, [], null]);
    } finally {
      await runtime.close();
    }
  });
  it("a stack stored with one hash field per row property (an older layout) is refused, naming the way out", async () => {
    const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("oldlayout"), mode: "manual", checkPermissions: false });
    try {
      const engine = createEngine({ runtime, types: [], worker: false, logger: silentLogger });
      const info = await engine.createStack("old", { resources: {} });
      await runtime.client.hdel(`${runtime.prefix}:{${info.id}}:stack`, "_rowLayout");
      await assert.rejects(runtime.store.loadStack(info.id), (e: unknown) => e instanceof RuntimeError && /older @converge\/runtime-redis/.test(e.message) && /state export/.test(e.message));
      await engine.close();
    } finally {
      await runtime.close();
    }
  });
  it("a row missing a field that always existed is still corrupt", () => {
    assert.throws(() => decodeRow("k", "1", ROW_FIELDS.map((f) => (f === "status" ? null : values[f] ?? null))), /has no status/);
  });
});
