/**
 * Converge on update (issue 13, Heat's `--converge`): each update node reads reality first,
 * so a drifted resource is updated back (or replaced, per the type's rules) and a missing one
 * re-created through replacement, even when the template did not change.
 */
import { describe, expect, it } from "vitest";
import { InvalidOptionsError } from "@converge/core";
import { verify } from "@converge/core/testing";
import type { Kit } from "./support/protocol-kit.js";
import { res, setup, tpl } from "./support/protocol-kit.js";

const T1 = tpl({
  A: res({ a: "1", b: "1" }),
  B: res({ a: "1", "!a": "x" }),
  C: res({ a: "1" }),
  D: res({ a: "1", c: { get_resource: "C" } }),
});

async function created(kit: Kit): Promise<void> {
  await kit.engine.createStack("s", T1);
  await kit.runtime.runUntilIdle();
  expect((await kit.engine.getStack("s")).state).toBe("CREATE_COMPLETE");
}

const physicalId = (kit: Kit, name: string): string => kit.reality.live(name)[0]?.physicalId ?? "";
const ops = (kit: Kit, from: number): string[] => kit.reality.log.slice(from).map((o) => `${o.op} ${o.name}`);

describe("updateStack with converge", () => {
  it("an update without converge leaves drift alone; with converge it updates the drifted resource back", async () => {
    const kit = setup();
    await created(kit);
    kit.reality.tamper(physicalId(kit, "A"), { b: "edited", c: "added" });
    let from = kit.reality.log.length;
    await kit.engine.updateStack("s", T1);
    await kit.runtime.runUntilIdle();
    expect(ops(kit, from)).toEqual([]);
    expect(verify(kit.reality, T1).ok).toBe(false);

    from = kit.reality.log.length;
    await kit.engine.updateStack("s", T1, { converge: true });
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(ops(kit, from)).toEqual(["update A"]);
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
    const [a] = await kit.rowsNamed("s", "A");
    expect([a?.checkStatus, a?.driftedProperties]).toEqual(["IN_SYNC", []]);
    const reasons: string[] = [];
    for await (const e of kit.engine.events("s")) if (e.action === "CHECK") reasons.push(`${e.resourceName}: ${e.reason}`);
    expect(reasons).toEqual(["A: DRIFTED: b, c (converging)"]);
    expect((await kit.stack("s"))?.converge).toBe(true);
    // Not kept: the next update without the option does not read reality.
    await kit.engine.updateStack("s", T1);
    expect((await kit.stack("s"))?.converge).toBe(false);
    await kit.runtime.runUntilIdle();
  });

  it("re-creates a missing resource through replacement (create before delete) and updates its dependents", async () => {
    const kit = setup();
    await created(kit);
    const oldC = physicalId(kit, "C");
    kit.reality.vanish(oldC);
    const from = kit.reality.log.length;
    await kit.engine.updateStack("s", T1, { converge: true });
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
    expect(ops(kit, from)).toEqual(["create C", "update D"]);
    expect(physicalId(kit, "C")).not.toBe(oldC);
    const c = await kit.rowsNamed("s", "C");
    expect(c).toHaveLength(1);
    expect(c[0]?.physicalId).toBe(physicalId(kit, "C"));
    // The old row was recorded deleted without a delete call (its resource is gone; a call
    // could remove the replacement of a resource whose id comes from its properties).
    expect((await kit.rows("s")).filter((r) => r.physicalId === oldC)).toEqual([]);
    expect(kit.reality.calls.filter((call) => call.op === "delete")).toEqual([]);
  });

  it("replaces a resource whose drifted property cannot change in place", async () => {
    const kit = setup();
    await created(kit);
    const oldB = physicalId(kit, "B");
    kit.reality.tamper(oldB, { "!a": "edited" });
    const from = kit.reality.log.length;
    await kit.engine.updateStack("s", T1, { converge: true });
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(ops(kit, from)).toEqual(["create B", "delete B"]);
    expect(verify(kit.reality, T1)).toEqual({ ok: true, problems: [] });
  });

  it("types without read converge as a plain update", async () => {
    const kit = setup({ type: { withRead: false } });
    await created(kit);
    kit.reality.tamper(physicalId(kit, "A"), { b: "edited" });
    const from = kit.reality.log.length;
    await kit.engine.updateStack("s", T1, { converge: true });
    await kit.runtime.runUntilIdle();
    expect((await kit.engine.getStack("s")).state).toBe("UPDATE_COMPLETE");
    expect(ops(kit, from)).toEqual([]);
  });

  it("a read that fails fails the update with the reason", async () => {
    const kit = setup({ retry: { maxAttempts: 1 } });
    await created(kit);
    kit.reality.failRead("A", "cannot read A");
    await kit.engine.updateStack("s", T1, { converge: true, disableRollback: true });
    await kit.runtime.runUntilIdle();
    const stack = await kit.engine.getStack("s");
    expect(stack.state).toBe("UPDATE_FAILED");
    expect(stack.statusReason).toBe("Resource A: read failed: cannot read A");
  });

  it("rejects a converge option that is not a boolean", async () => {
    const kit = setup();
    await created(kit);
    await expect(kit.engine.updateStack("s", T1, { converge: "yes" as unknown as boolean })).rejects.toBeInstanceOf(InvalidOptionsError);
  });
});

describe("previewUpdate with converge", () => {
  it("shows the update of a drifted resource and the replacement of a missing one", async () => {
    const kit = setup();
    await created(kit);
    kit.reality.tamper(physicalId(kit, "A"), { b: "edited" });
    kit.reality.vanish(physicalId(kit, "C"));
    const plain = await kit.engine.previewUpdate("s", T1);
    expect(plain.resources.map((r) => `${r.name} ${r.action}`)).toEqual(["A no_change", "B no_change", "C no_change", "D no_change"]);
    const calls = kit.reality.calls.length;
    const converging = await kit.engine.previewUpdate("s", T1, { converge: true });
    const lines = Object.fromEntries(converging.resources.map((r) => [r.name, [r.action, r.changed]]));
    expect(lines).toEqual({ A: ["update", ["b"]], B: ["no_change", []], C: ["replace", []], D: ["unknown", ["c"]] });
    expect(kit.reality.calls.length).toBe(calls);
  });
});
