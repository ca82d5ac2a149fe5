/**
 * Plugin failures (DESIGN.md section 7): a failed node fails its row and the stack; with
 * rollback enabled the stack converges back to the last completed template (or to empty);
 * a failed rollback leaves the stack updatable and deletable; retryable errors are retried
 * with backoff up to the limit.
 */
import { describe, expect, it } from "vitest";
import { verify } from "@converge/core/testing";
import { res, setup, tpl } from "./support/protocol-kit.js";

const T1 = tpl({ A: res({ a: "1" }), B: res({ a: "1", c: { get_resource: "A" } }) });
const T2 = tpl({ A: res({ a: "2" }), B: res({ a: "2", c: { get_resource: "A" } }) });
const T3 = tpl({ A: res({ a: "3" }), B: res({ a: "3", ca: { get_attr: ["A", "a"] } }) });

describe("plugin failure", () => {
  it("without rollback: the stack is UPDATE_FAILED and the row keeps the plugin's message", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    await kit.runtime.runUntilIdle();
    const before = kit.reality.live("B")[0];
    kit.reality.fail({ op: "update", name: "B", message: "quota exceeded for B" });
    await kit.engine.updateStack("s", T2, { disableRollback: true });
    await kit.runtime.runUntilIdle();

    const stack = await kit.engine.getStack("s");
    expect(stack.state).toBe("UPDATE_FAILED");
    expect(stack.statusReason).toContain("quota exceeded for B");
    const [b] = await kit.rowsNamed("s", "B");
    expect(b?.action).toBe("UPDATE");
    expect(b?.status).toBe("FAILED");
    expect(b?.statusReason).toBe("quota exceeded for B");
    expect(b?.properties).toMatchObject({ a: "1" }); // a failed update keeps the old values
    expect(b?.lockHolder).toBeNull();
    // A was updated, B was not touched in reality.
    expect(kit.reality.live("A")[0]?.entry.properties).toEqual({ a: "2" });
    expect(kit.reality.live("B")).toEqual([before]);
  });

  it("with rollback: the stack is ROLLBACK_COMPLETE and reality is the previous template", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    await kit.runtime.runUntilIdle();
    const a = kit.reality.live("A")[0]?.physicalId;
    kit.reality.fail({ op: "update", name: "B", times: 1 });
    await kit.engine.updateStack("s", T2);
    await kit.runtime.runUntilIdle();

    const stack = await kit.engine.getStack("s");
    expect(stack.state).toBe("ROLLBACK_COMPLETE");
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
    expect(kit.reality.live("A")[0]?.physicalId).toBe(a); // updated back in place
    const events = [];
    for await (const e of kit.engine.events("s")) if (e.kind === "stack") events.push(`${e.action}_${e.status}`);
    expect(events).toEqual(["CREATE_IN_PROGRESS", "CREATE_COMPLETE", "UPDATE_IN_PROGRESS", "UPDATE_FAILED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]);
  });

  it("a failed create rolls back to the empty template", async () => {
    const kit = setup();
    kit.reality.fail({ op: "create", name: "B" });
    await kit.engine.createStack("s", T1);
    await kit.runtime.runUntilIdle();

    expect((await kit.engine.getStack("s")).state).toBe("ROLLBACK_COMPLETE");
    expect(kit.reality.entries.size).toBe(0);
    expect(kit.reality.log.filter((o) => o.op === "create").map((o) => o.name)).toEqual(["A"]);
    expect(await kit.rows("s")).toEqual([]); // everything purged
  });

  it("a failed rollback is ROLLBACK_FAILED, and the stack can still be updated and deleted", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    await kit.runtime.runUntilIdle();
    kit.reality.fail({ op: "update", name: "B", times: 1 });
    kit.reality.fail({ op: "create", name: "B", message: "no capacity" }); // the rollback replaces the failed B
    await kit.engine.updateStack("s", T2);
    await kit.runtime.runUntilIdle();

    const failed = await kit.engine.getStack("s");
    expect(failed.state).toBe("ROLLBACK_FAILED");
    expect(failed.statusReason).toContain("no capacity");

    kit.reality.clearFailures();
    await kit.engine.updateStack("s", T3);
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T3)).toEqual({ ok: true, problems: [] });
    expect(kit.reality.counts()).toEqual({ A: 1, B: 1 });

    await kit.engine.deleteStack("s");
    await kit.runtime.runUntilIdle();
    expect(await kit.stack("s")).toBeNull();
    expect(kit.reality.entries.size).toBe(0);
  });

  it("a failed rollback can be deleted directly", async () => {
    const kit = setup();
    await kit.engine.createStack("s", T1);
    await kit.runtime.runUntilIdle();
    kit.reality.fail({ op: "update", name: "A", times: 1 });
    kit.reality.fail({ op: "update", name: "B", times: 1 });
    kit.reality.fail({ op: "update", name: "A", times: 1 }); // the rollback's update of A back to "1"
    await kit.engine.updateStack("s", tpl({ A: res({ a: "2" }), B: res({ a: "1", c: { get_resource: "A" } }) }));
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("ROLLBACK_FAILED");
    await kit.engine.deleteStack("s");
    await kit.runtime.runUntilIdle();
    expect(await kit.stack("s")).toBeNull();
    expect(kit.reality.entries.size).toBe(0);
  });
});

describe("retryable errors", () => {
  it("are retried with exponential backoff and then succeed", async () => {
    const kit = setup({ retry: { maxAttempts: 4, initialDelayMs: 200, backoffFactor: 2 } });
    kit.reality.fail({ op: "create", name: "A", times: 3, retryable: true });
    const start = kit.runtime.now();
    await kit.engine.createStack("s", tpl({ A: res({ a: "x" }) }));
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(kit.runtime.now() - start).toBe(200 + 400 + 800); // three waits, on the virtual clock
    expect(kit.reality.log.filter((o) => o.op === "create")).toHaveLength(1);
    expect(verify(kit.reality, tpl({ A: res({ a: "x" }) })).ok).toBe(true);
  });

  it("fail the node once the attempts are exhausted", async () => {
    const kit = setup({ retry: { maxAttempts: 3, initialDelayMs: 100, backoffFactor: 3 } });
    kit.reality.fail({ op: "create", name: "A", retryable: true, message: "throttled" });
    const start = kit.runtime.now();
    await kit.engine.createStack("s", tpl({ A: res({ a: "x" }) }), { disableRollback: true });
    await kit.runtime.runUntilIdle();
    expect(kit.runtime.now() - start).toBe(100 + 300);
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_FAILED");
    const [a] = await kit.rowsNamed("s", "A");
    expect(a?.status).toBe("FAILED");
    expect(a?.statusReason).toBe("throttled");
    expect(kit.reality.entries.size).toBe(0);
  });

  it("terminal errors are not retried", async () => {
    const kit = setup({ retry: { maxAttempts: 5, initialDelayMs: 100 } });
    kit.reality.fail({ op: "create", name: "A", times: 1 });
    const start = kit.runtime.now();
    await kit.engine.createStack("s", tpl({ A: res({ a: "x" }) }), { disableRollback: true });
    await kit.runtime.runUntilIdle();
    expect(kit.runtime.now()).toBe(start);
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_FAILED");
  });
});
