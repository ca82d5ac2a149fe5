/**
 * Protocol bugs the fuzzer found once its templates composed (issue 12): a resource whose
 * type changes (it becomes a nested stack) while an operation on it was interrupted. Each
 * test failed before its fix.
 */
import { describe, expect, it } from "vitest";
import { res, setup, stepUntilBlocked, tpl } from "./support/protocol-kit.js";

describe("an interrupted create whose resource's type then changes (fuzz seed 285, issue 12)", () => {
  it("is resumed as the type it began as, then replaced: nothing is orphaned", async () => {
    const kit = setup({ engines: ["e1", "e2"], type: { withRead: false, idempotent: true } });
    await kit.engine.createStack("s", tpl({ r: res({ a: "1" }) }));
    const release = kit.reality.block("create", "r");
    const held = await stepUntilBlocked(kit, "e1");
    await kit.runtime.killEngine("e1");
    release();
    await held.step.catch(() => undefined);
    // The dead engine's create happened; its row is still an interrupted create.
    expect(kit.reality.live("r")).toHaveLength(1);
    // Now `r` becomes a nested stack (another type): the interrupted create must not be
    // "resumed" as the nested stack's node, leaving the scenario resource behind.
    const nested = { resources: { r: { type: "OS::Heat::Stack", properties: { template: tpl({ x: res({ a: "2" }) }) } } } };
    await kit.engines[1]?.updateStack("s", nested);
    await kit.settle("s");
    expect((await kit.stack("s"))?.status).toBe("COMPLETE");
    expect(kit.reality.live("r")).toEqual([]);
    expect(kit.reality.live("r/x")).toHaveLength(1);
  });
});

describe("an interrupted update whose resource's type then changes (fuzz seed 871, issue 12)", () => {
  it("is not re-applied with the new type: the row is failed and replaced, nothing is orphaned", async () => {
    const kit = setup({ engines: ["e1", "e2"], type: { withRead: false, idempotent: true } });
    await kit.engine.createStack("s", tpl({ r: res({ a: "1" }) }));
    await kit.settle("s");
    await kit.engine.updateStack("s", tpl({ r: res({ a: "2" }) }));
    const release = kit.reality.block("update", "r");
    const held = await stepUntilBlocked(kit, "e1");
    await kit.runtime.killEngine("e1");
    release();
    await held.step.catch(() => undefined);
    const nested = { resources: { r: { type: "OS::Heat::Stack", properties: { template: tpl({ x: res({ a: "3" }) }) } } } };
    await kit.engines[1]?.updateStack("s", nested);
    await kit.settle("s");
    expect((await kit.stack("s"))?.status).toBe("COMPLETE");
    expect(kit.reality.live("r")).toEqual([]);
    expect(kit.reality.live("r/x")).toHaveLength(1);
  });
});
