/**
 * SCENARIOS.md "Updates without replacement": scenarios 5-13.
 */
import assert from "node:assert/strict";
import type { ScenarioHarness } from "../scenario-harness.js";
import type { Scenario } from "./helpers.js";
import {
  T0,
  activeRows,
  assertBefore,
  assertState,
  assertUntouched,
  assertVerified,
  convergedToTarget,
  createComplete,
  deleteComplete,
  liveCount,
  onlyId,
  onlyOp,
  reach,
  res,
  tpl,
  withResources,
  without,
} from "./helpers.js";

const T0_F = withResources(T0, { F: res({}, ["D", "E"]) });
const NAMES = ["A", "B", "C", "D", "E"] as const;

/** Physical ids of A-E. */
const idsOf = (h: ScenarioHarness): string[] => NAMES.map((n) => onlyId(h, n));

/** 5. Add F (after D, E) to a complete T0: A-E keep their physical ids, F is created after D, E converged. */
export const updateAdd: Scenario = {
  name: "05 update_add",
  async run(h) {
    const stack = "update_add";
    await createComplete(h, stack, T0);
    const ids = idsOf(h);
    const from = h.reality.log.length;
    await h.engine.updateStack(stack, T0_F);
    await reach(h, "F exists", () => liveCount(h, "F") === 1);
    for (const n of ["D", "E"]) assert.ok(await convergedToTarget(h, stack, n), `F was created before ${n} was converged to the new template`);
    await h.runUntilIdle();
    await assertState(h, stack, "UPDATE_COMPLETE", "after update");
    assertVerified(h, T0_F, "after update");
    assert.deepEqual(idsOf(h), ids, "A-E keep their physical ids");
    for (const n of NAMES) assertUntouched(h, n, from, "a no-change update calls no plugin");
  },
};

const abcOnly = (h: ScenarioHarness): boolean =>
  ["A", "B", "C"].every((n) => liveCount(h, n) === 1) && liveCount(h, "D") + liveCount(h, "E") === 0;

/** Scenario 6's steps (scenario 7 continues from its end). */
async function runUpdateAddConcurrent(h: ScenarioHarness, stack: string): Promise<void> {
  await h.engine.createStack(stack, T0);
  await reach(h, "A, B, C exist and D, E do not", () => abcOnly(h));
  const rowIds = async (n: string): Promise<string[]> => (await activeRows(h, stack, n)).map((r) => r.id);
  const [d, e] = [await rowIds("D"), await rowIds("E")];
  await h.engine.updateStack(stack, T0_F);
  assert.equal(h.reality.entries.size, 3, "right after the update starts exactly 3 resources are live");
  await h.runUntilIdle();
  await assertState(h, stack, "UPDATE_COMPLETE", "after update");
  assertVerified(h, T0_F, "after update");
  assert.deepEqual([await rowIds("D"), await rowIds("E")], [d, e], "the update reuses the not-yet-created rows of D and E");
  const f = onlyOp(h, "create", "F");
  assertBefore(h, onlyOp(h, "create", "D"), f, "D created before F");
  assertBefore(h, onlyOp(h, "create", "E"), f, "E created before F");
}

/** 6. Update to T0 + F while D and E are not created yet: their rows are reused, then F is created. */
export const updateAddConcurrent: Scenario = {
  name: "06 update_add_concurrent",
  run: (h) => runUpdateAddConcurrent(h, "update_add_concurrent"),
};

/** 7. Scenario 6, then delete: F; then D, E; then C; then A, B. */
export const basicUpdateDelete: Scenario = {
  name: "07 basic_update_delete",
  async run(h) {
    const stack = "basic_update_delete";
    await runUpdateAddConcurrent(h, stack);
    const from = h.reality.log.length;
    await deleteComplete(h, stack);
    const del = (n: string): number => onlyOp(h, "delete", n, undefined, from);
    for (const n of ["D", "E"]) assertBefore(h, del("F"), del(n), `F deleted before ${n}`);
    for (const n of ["D", "E"]) assertBefore(h, del(n), del("C"), `${n} deleted before C`);
    for (const n of ["A", "B"]) assertBefore(h, del("C"), del(n), `C deleted before ${n}`);
  },
};

const chain = (c: string, d: string) =>
  tpl({ A: res(), B: res({ a: "4alpha" }, ["A"]), C: res({ a: c }, ["B"]), D: res({ a: d }, ["C"]) });

/** 8. Update a chain while only A and B exist: C and D are created directly with the new values. */
export const updateInterruptCreate: Scenario = {
  name: "08 update_interrupt_create",
  async run(h) {
    const stack = "update_interrupt_create";
    const updated = chain("blarg", "wibble");
    await h.engine.createStack(stack, chain("foo", "bar"));
    await reach(h, "only A and B exist", () => liveCount(h, "A") === 1 && liveCount(h, "B") === 1 && liveCount(h, "C") === 0);
    await h.engine.updateStack(stack, updated);
    assert.equal(h.reality.entries.size, 2, "right after the update starts exactly 2 resources are live");
    await h.runUntilIdle();
    await assertState(h, stack, "UPDATE_COMPLETE", "after update");
    assertVerified(h, updated, "after update");
    for (const n of ["C", "D"]) {
      const calls = h.reality.calls.filter((c) => c.name === n).map((c) => c.op);
      assert.deepEqual(calls, ["create"], `${n} is created once, directly with the new values (never with the old template)`);
    }
  },
};

const T0_NO_E = without(T0, "E");

/** 9. Remove E: E is deleted (its cleanup is a leaf), C's cleanup waits for D's and E's. */
export const updateRemove: Scenario = {
  name: "09 update_remove",
  async run(h) {
    const stack = "update_remove";
    await createComplete(h, stack, T0);
    const [c] = await activeRows(h, stack, "C");
    const requirers = (await h.engine.listResources(stack)).filter((r) => c !== undefined && r.requires.includes(c.id)).map((r) => r.name);
    // The recorded `requires` is what orders C's cleanup after D's and E's.
    assert.deepEqual(requirers.sort(), ["D", "E"], "D's and E's rows record that they require C's row");
    const from = h.reality.log.length;
    await h.engine.updateStack(stack, T0_NO_E);
    const ended = async (): Promise<boolean> => (await h.engine.getStack(stack)).status !== "IN_PROGRESS";
    await reach(h, "the update ended", ended);
    assert.equal(liveCount(h, "E"), 0, "the update completed before E was deleted");
    await h.runUntilIdle();
    await assertState(h, stack, "UPDATE_COMPLETE", "after update");
    assertVerified(h, T0_NO_E, "after update");
    onlyOp(h, "delete", "E", undefined, from);
    for (const n of ["A", "B", "C", "D"]) assertUntouched(h, n, from, "no change");
  },
};

/** 10. Remove E, add it back with F, delete: E comes back as a new row. */
export const multipleUpdate: Scenario = {
  name: "10 multiple_update",
  async run(h) {
    const stack = "multiple_update";
    await createComplete(h, stack, T0);
    const [oldE] = await activeRows(h, stack, "E");
    const oldEId = onlyId(h, "E");
    await h.engine.updateStack(stack, T0_NO_E);
    await h.runUntilIdle();
    await assertState(h, stack, "UPDATE_COMPLETE", "after removing E");
    assertVerified(h, T0_NO_E, "after removing E");
    await h.engine.updateStack(stack, T0_F);
    await h.runUntilIdle();
    await assertState(h, stack, "UPDATE_COMPLETE", "after adding F");
    assertVerified(h, T0_F, "after adding F");
    const [newE] = await activeRows(h, stack, "E");
    assert.ok(newE !== undefined && oldE !== undefined && newE.id !== oldE.id, "E is re-created as a new row");
    assert.notEqual(onlyId(h, "E"), oldEId, "E is a new physical resource");
    await deleteComplete(h, stack);
  },
};

/**
 * 11. Add F (after A) and roll back once F was created: F is deleted, A-E keep their rows.
 * Heat observed the rollback while some D/E updates were still pending.
 */
export const updateAddRollback: Scenario = {
  name: "11 update_add_rollback",
  async run(h) {
    const stack = "update_add_rollback";
    const withF = withResources(T0, { F: res({}, ["A"]) });
    await createComplete(h, stack, T0);
    const rowIds = async (): Promise<string[]> => (await h.engine.listResources(stack)).filter((r) => r.name !== "F").map((r) => r.id);
    const before = await rowIds();
    const ids = idsOf(h);
    await h.engine.updateStack(stack, withF);
    await reach(h, "F was created", () => liveCount(h, "F") === 1);
    if (h.inOrder === true) {
      const pending = [!(await convergedToTarget(h, stack, "D")), !(await convergedToTarget(h, stack, "E"))];
      assert.ok(pending.some(Boolean), "in queue order, some of D/E updates are still pending when F exists");
    }
    const [f] = await activeRows(h, stack, "F");
    const [a] = await activeRows(h, stack, "A");
    assert.deepEqual(f?.requires, [a?.id], "F's requires = [A]: C(A) is ordered after C(F)");
    await h.engine.rollbackStack(stack);
    await h.runUntilIdle();
    await assertState(h, stack, "ROLLBACK_COMPLETE", "after rollback");
    assertVerified(h, T0, "after rollback");
    assert.deepEqual(await rowIds(), before, "A-E keep their rows");
    assert.deepEqual(idsOf(h), ids, "A-E keep their physical ids");
    onlyOp(h, "delete", "F");
  },
};

/** 12. Add F (after D) and roll back before F was created: F's create is dropped, F never existed. */
export const updateAddRollbackEarly: Scenario = {
  name: "12 update_add_rollback_early",
  async run(h) {
    const stack = "update_add_rollback_early";
    await createComplete(h, stack, T0);
    const ids = idsOf(h);
    await h.engine.updateStack(stack, withResources(T0, { F: res({}, ["D"]) }));
    await reach(h, "D converged, F not created yet", async () => liveCount(h, "F") === 0 && (await convergedToTarget(h, stack, "D")));
    await h.engine.rollbackStack(stack);
    await h.runUntilIdle();
    await assertState(h, stack, "ROLLBACK_COMPLETE", "after rollback");
    assertVerified(h, T0, "after rollback");
    assert.deepEqual(h.reality.calls.filter((c) => c.name === "F"), [], "F never existed: no plugin call");
    assert.deepEqual(idsOf(h), ids, "A-E keep their physical ids");
    assert.deepEqual(await activeRows(h, stack, "F"), [], "F's INIT row was removed");
  },
};

const NO_B = tpl({ A: res(), C: res({ a: "4alpha" }, ["A"]), D: res({ c: { get_resource: "C" } }), E: res({ ca: { get_attr: ["C", "a"] } }) });

/** 13. Remove B and roll back once C was updated but B not yet deleted: B is reused, not re-created. */
export const updateRemoveRollback: Scenario = {
  name: "13 update_remove_rollback",
  async run(h) {
    const stack = "update_remove_rollback";
    await createComplete(h, stack, T0);
    const b = onlyId(h, "B");
    const from = h.reality.log.length;
    await h.engine.updateStack(stack, NO_B);
    await reach(h, "C updated, B not yet deleted", async () => liveCount(h, "B") === 1 && (await convergedToTarget(h, stack, "C")));
    await h.engine.rollbackStack(stack);
    await h.runUntilIdle();
    await assertState(h, stack, "ROLLBACK_COMPLETE", "after rollback");
    assertVerified(h, T0, "after rollback");
    assert.equal(onlyId(h, "B"), b, "B is reused (same physical id)");
    assertUntouched(h, "B", from, "B is neither deleted nor re-created");
    const [c] = await activeRows(h, stack, "C");
    const [rowA] = await activeRows(h, stack, "A");
    const [rowB] = await activeRows(h, stack, "B");
    assert.deepEqual([...(c?.requires ?? [])].sort(), [rowA?.id, rowB?.id].sort(), "C is updated back: it requires A and B again");
  },
};

/** The update scenarios, in SCENARIOS.md order. */
export const updateScenarios: readonly Scenario[] = [
  updateAdd,
  updateAddConcurrent,
  basicUpdateDelete,
  updateInterruptCreate,
  updateRemove,
  multipleUpdate,
  updateAddRollback,
  updateAddRollbackEarly,
  updateRemoveRollback,
];
