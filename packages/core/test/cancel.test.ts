/**
 * Cancel (DESIGN.md section 6) while a plugin call is in flight: the call's AbortSignal fires;
 * a plugin that honours it stops early (row FAILED "aborted", unlocked), one that ignores it
 * finishes its call but cannot propagate in the cancelled traversal.
 */
import { describe, expect, it } from "vitest";
import { verify } from "@converge/core/testing";
import type { Kit } from "./support/protocol-kit.js";
import { res, setup, stepUntilBlocked, tpl } from "./support/protocol-kit.js";

const T1 = tpl({ A: res({ a: "1" }), B: res({ a: "1", c: { get_resource: "A" } }), C: res({ a: "1", c: { get_resource: "B" } }) });
const T2 = tpl({ A: res({ a: "2" }), B: res({ a: "2", c: { get_resource: "A" } }), C: res({ a: "2", c: { get_resource: "B" } }) });

async function blockedUpdate(honourAbort: boolean): Promise<{ kit: Kit; step: Promise<boolean>; release: () => void; before: string }> {
  const kit = setup({ type: { honourAbort } });
  await kit.engine.createStack("s", T1);
  await kit.runtime.runUntilIdle();
  const before = kit.reality.live("B")[0]?.physicalId ?? "";
  const release = kit.reality.block("update", "B");
  await kit.engine.updateStack("s", T2);
  const { step } = await stepUntilBlocked(kit);
  const [b] = await kit.rowsNamed("s", "B");
  expect(b?.action).toBe("UPDATE");
  expect(b?.status).toBe("IN_PROGRESS");
  expect(b?.lockHolder).toMatch(/^e1#/);
  return { kit, step, release, before };
}

describe("cancel with a plugin that honours the AbortSignal", () => {
  it("without rollback: the row is FAILED 'aborted' and unlocked, the stack UPDATE_FAILED 'cancelled'", async () => {
    const { kit, step, release } = await blockedUpdate(true);
    await kit.engine.cancelUpdate("s", { rollback: false });
    await step; // the plugin stopped early
    release();
    await kit.runtime.runUntilIdle();

    const stack = await kit.engine.getStack("s");
    expect(stack.state).toBe("UPDATE_FAILED");
    expect(stack.statusReason).toBe("Stack UPDATE cancelled");
    const [b] = await kit.rowsNamed("s", "B");
    expect(b?.status).toBe("FAILED");
    expect(b?.statusReason).toMatch(/^update aborted/);
    expect(b?.lockHolder).toBeNull();
    expect(kit.reality.live("B")[0]?.entry.properties.a).toBe("1");
    expect(kit.reality.live("C")[0]?.entry.properties.a).toBe("1"); // nothing ran after the cancel
    expect(kit.runtime.pending()).toEqual([]);
  });

  it("with rollback: the rollback converges back to the previous template", async () => {
    const { kit, step, release } = await blockedUpdate(true);
    await kit.engine.cancelUpdate("s", { rollback: true });
    await step;
    release();
    await kit.runtime.runUntilIdle();

    expect((await kit.engine.getStack("s")).state).toBe("ROLLBACK_COMPLETE");
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
    for (const name of ["A", "B", "C"]) {
      const rows = await kit.rowsNamed("s", name);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.lockHolder).toBeNull();
      expect(rows[0]?.status).toBe("COMPLETE");
    }
  });

  it("a cancelled create with rollback converges to empty", async () => {
    const kit = setup();
    const release = kit.reality.block("create", "B");
    await kit.engine.createStack("s", T1);
    const { step } = await stepUntilBlocked(kit);
    await kit.engine.cancelUpdate("s");
    await step;
    release();
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("ROLLBACK_COMPLETE");
    expect(kit.reality.entries.size).toBe(0);
    expect(kit.reality.log.filter((o) => o.op === "create").map((o) => o.name)).toEqual(["A"]);
  });
});

describe("cancel with a plugin that ignores the AbortSignal", () => {
  it("without rollback: the call finishes but does not propagate", async () => {
    const { kit, step, release, before } = await blockedUpdate(false);
    await kit.engine.cancelUpdate("s", { rollback: false });
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_FAILED");
    release();
    await step;
    await kit.runtime.runUntilIdle();

    const stack = await kit.engine.getStack("s");
    expect(stack.state).toBe("UPDATE_FAILED");
    expect(stack.statusReason).toBe("Stack UPDATE cancelled");
    expect(kit.reality.live("B")).toEqual([{ physicalId: before, entry: { name: "B", properties: { a: "2", c: kit.reality.live("A")[0]?.physicalId } } }]);
    expect(kit.reality.live("C")[0]?.entry.properties.a).toBe("1"); // C's update never ran
    const [b] = await kit.rowsNamed("s", "B");
    expect(b?.lockHolder).toBeNull();
    expect(kit.runtime.pending()).toEqual([]);
  });

  it("with rollback: the rollback parks on the row and is retriggered when the call ends", async () => {
    const { kit, step, release, before } = await blockedUpdate(false);
    await kit.engine.cancelUpdate("s", { rollback: true });
    await kit.runtime.runUntilIdle(); // the rollback reaches B, finds it locked by a live engine, parks
    expect((await kit.engine.getStack("s")).state).toBe("ROLLBACK_IN_PROGRESS");
    expect(kit.runtime.pending()).toEqual([]);
    release();
    await step;
    await kit.runtime.runUntilIdle();

    expect((await kit.engine.getStack("s")).state).toBe("ROLLBACK_COMPLETE");
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
    expect(kit.reality.live("B")[0]?.physicalId).toBe(before); // updated back in place
  });
});
