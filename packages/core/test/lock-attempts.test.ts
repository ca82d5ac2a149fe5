/**
 * Row locks know which attempt (one delivery of a check) holds them (issue 9, item 1). A
 * lock write whose reply is lost and that the client sends again is refused as "changed";
 * the reloaded row is locked by this very attempt, which proceeds. A lock left behind by an
 * attempt of a live engine that is no longer running is stale: the next check steals it and
 * resumes. No stack stays IN_PROGRESS while its lock holder is alive and idle.
 */
import { describe, expect, it } from "vitest";
import { parseLockHolder } from "@converge/core";
import type { RowWrite, StepOptions } from "@converge/core";
import { verify } from "@converge/core/testing";
import type { Kit } from "./support/protocol-kit.js";
import { res, setup, tpl } from "./support/protocol-kit.js";

const T = tpl({ A: res({ a: "1" }), B: res({ c: { get_resource: "A" } }) });

/** True for the write that takes the lock of an unlocked row (the first lock write of a create). */
function isLockWrite(operation: string, args: readonly unknown[]): boolean {
  if (operation !== "writeRow" && operation !== "writeRowWithEvent") return false;
  const write = args[0] as RowWrite;
  return write.ifHolder === null && typeof write.setHolder === "string";
}

/** Create the stack, losing the reply of the first lock write (of A's create) once. */
async function createLosingLockReply(kit: Kit, then: "resend" | "fail"): Promise<void> {
  await kit.engine.createStack("s", T);
  let lost = false;
  const loseReply: StepOptions["loseReply"] = {
    match: (operation, args) => {
      if (lost || !isLockWrite(operation, args)) return false;
      lost = true;
      return true;
    },
    then,
  };
  while (!lost && kit.runtime.pending().length > 0) await kit.runtime.step({ loseReply });
  expect(lost).toBe(true);
}

/** Creates per row id: a logical create must make one physical resource. */
function createsPerRow(kit: Kit): number[] {
  const counts = new Map<string, number>();
  for (const op of kit.reality.log) if (op.op === "create" && op.rowId !== undefined) counts.set(op.rowId, (counts.get(op.rowId) ?? 0) + 1);
  return [...counts.values()];
}

describe("a lock knows the attempt that holds it", () => {
  it("a lock write whose reply was lost and re-sent is recognised as this attempt's own", async () => {
    const kit = setup({ engines: ["e1"] });
    await createLosingLockReply(kit, "resend");
    await kit.settle("s");
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(verify(kit.reality, T)).toEqual({ ok: true, problems: [] });
    expect(createsPerRow(kit)).toEqual([1, 1]);
    expect((await kit.rows("s")).every((r) => r.lockHolder === null)).toBe(true);
    await kit.engine.deleteStack("s");
    await kit.settle("s");
    expect(await kit.stack("s")).toBeNull();
    expect(kit.reality.entries.size).toBe(0);
  });

  it("a lock left by an attempt that ended (its engine alive) is stale: stolen and resumed", async () => {
    const kit = setup({ engines: ["e1"] });
    await createLosingLockReply(kit, "fail");
    // The check failed after its lock write was made: A is locked by e1, which is alive and idle.
    const [a] = await kit.rowsNamed("s", "A");
    expect(a).toMatchObject({ action: "CREATE", status: "IN_PROGRESS" });
    expect(parseLockHolder(a?.lockHolder ?? "").engineId).toBe("e1");
    expect(kit.runtime.liveEngines()).toEqual(["e1"]);
    await kit.settle("s");
    expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
    expect(verify(kit.reality, T)).toEqual({ ok: true, problems: [] });
    expect(createsPerRow(kit)).toEqual([1, 1]);
    await kit.engine.deleteStack("s");
    await kit.settle("s");
    expect(await kit.stack("s")).toBeNull();
    expect(kit.reality.entries.size).toBe(0);
  });

  it("a lock of a running attempt of a live engine still parks other checks", async () => {
    const kit = setup({ engines: ["e1", "e2"] });
    const release = kit.reality.block("create", "A");
    await kit.engine.createStack("s", T);
    const step = kit.runtime.step({ engineId: "e1" });
    for (let i = 0; i < 50 && kit.reality.calls.length === 0; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    const [a] = await kit.rowsNamed("s", "A");
    expect(parseLockHolder(a?.lockHolder ?? "").attempt).not.toBeNull();
    // A newer traversal meets A's lock: it parks (the holder is running), it does not steal.
    await kit.engine.updateStack("s", tpl({ A: res({ a: "2" }), B: res({ c: { get_resource: "A" } }) }));
    await kit.runtime.runUntilIdle();
    expect((await kit.rowsNamed("s", "A"))[0]?.lockHolder).toBe(a?.lockHolder);
    expect(kit.reality.calls.filter((c) => c.op === "create" && c.name === "A")).toHaveLength(1);
    release();
    await step;
    await kit.settle("s");
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(kit.reality.counts()).toEqual({ A: 1, B: 1 });
  });
});
