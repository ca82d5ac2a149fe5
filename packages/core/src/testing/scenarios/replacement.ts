/**
 * SCENARIOS.md "Replacement": scenarios 14-18 (replacement by the type); the renames of
 * 19-21 are in `user-replacement.ts`.
 */
import assert from "node:assert/strict";
import type { Template } from "../../template/types.js";
import type { ScenarioHarness } from "../scenario-harness.js";
import type { Scenario } from "./helpers.js";
import {
  assertBefore,
  assertState,
  assertVerified,
  createComplete,
  deleteComplete,
  liveCount,
  liveIds,
  liveProp,
  onlyId,
  onlyOp,
  opIndexes,
  r0,
  reach,
  res,
  tpl,
  withResources,
} from "./helpers.js";

const R0 = r0();
const R1 = r0("updated");
const withF = (t: Template): Template => withResources(t, { F: res({}, ["D", "E"]) });

/** The live C that is not `oldC` (the replacement), or undefined. */
const newC = (h: ScenarioHarness, oldC: string): string | undefined => liveIds(h, "C").find((id) => id !== oldC);

/**
 * 14. Update A's attribute that C replaces on: A updated in place, C' created, D and E
 * updated to it, then the old C deleted; later updates and the delete keep working.
 */
export const updateReplace: Scenario = {
  name: "14 update_replace",
  async run(h) {
    const stack = "update_replace";
    await createComplete(h, stack, R0);
    const oldC = onlyId(h, "C");
    const from = h.reality.log.length;
    await h.engine.updateStack(stack, R1);
    await reach(h, "two live C entries", () => liveCount(h, "C") === 2);
    await h.runUntilIdle();
    await assertState(h, stack, "UPDATE_COMPLETE", "after the replacing update");
    assertVerified(h, R1, "after the replacing update");
    const cNew = onlyId(h, "C");
    assert.notEqual(cNew, oldC, "C was replaced");
    const updA = onlyOp(h, "update", "A", undefined, from);
    const created = onlyOp(h, "create", "C", cNew, from);
    const updD = onlyOp(h, "update", "D", undefined, from);
    const updE = onlyOp(h, "update", "E", undefined, from);
    const deleted = onlyOp(h, "delete", "C", oldC, from);
    assertBefore(h, updA, created, "A updated in place before C' is created");
    assertBefore(h, created, updD, "C' created before D is updated");
    assertBefore(h, created, updE, "C' created before E is updated");
    assertBefore(h, updD, deleted, "old C deleted only after D was updated");
    assertBefore(h, updE, deleted, "old C deleted only after E was updated");
    await h.engine.updateStack(stack, withF(R1));
    await h.runUntilIdle();
    await assertState(h, stack, "UPDATE_COMPLETE", "after adding F");
    assertVerified(h, withF(R1), "after adding F");
    assert.notEqual(onlyId(h, "C"), oldC, "C's physical id differs from the original");
    await deleteComplete(h, stack);
  },
};

const INVERT_0 = tpl({ A: res({ "!a": "initial" }), B: res({ "!b": "first" }, ["A"]) });
const INVERT_1 = tpl({ A: res({ "!a": "updated" }, ["B"]), B: res({ "!b": "second" }) });

/** 15. Invert A <- B into B <- A while replacing both: B' first, then A' (requiring B'), old rows after. */
export const updateReplaceInvertDeps: Scenario = {
  name: "15 update_replace_invert_deps",
  async run(h) {
    const stack = "update_replace_invert_deps";
    await createComplete(h, stack, INVERT_0);
    const [oldA, oldB] = [onlyId(h, "A"), onlyId(h, "B")];
    const from = h.reality.log.length;
    await h.engine.updateStack(stack, INVERT_1);
    await reach(h, "A' exists and old A is not deleted", () => liveCount(h, "A") === 2);
    if (h.inOrder === true) assert.deepEqual(h.reality.counts(), { A: 2, B: 1 }, "mid-way live counts");
    await h.runUntilIdle();
    await assertState(h, stack, "UPDATE_COMPLETE", "after the update");
    assert.deepEqual(h.reality.counts(), { A: 1, B: 1 }, "live counts at the end");
    assertVerified(h, INVERT_1, "after the update");
    const [newA, newB] = [onlyId(h, "A"), onlyId(h, "B")];
    assert.ok(newA !== oldA && newB !== oldB, "both were replaced");
    const createB = onlyOp(h, "create", "B", newB, from);
    const deleteB = onlyOp(h, "delete", "B", oldB, from);
    const createA = onlyOp(h, "create", "A", newA, from);
    const deleteA = onlyOp(h, "delete", "A", oldA, from);
    assertBefore(h, createB, createA, "B' created before A' (A' requires B')");
    assertBefore(h, createB, deleteB, "B' created before old B is deleted");
    assertBefore(h, createA, deleteA, "A' created before old A is deleted");
    assertBefore(h, deleteB, deleteA, "old B deleted before old A (old B required old A)");
    if (h.inOrder === true) assertBefore(h, deleteB, createA, "in queue order, old B is deleted before A' is created");
    const end = h.reality.log.length;
    await deleteComplete(h, stack);
    assertBefore(h, onlyOp(h, "delete", "A", newA, end), onlyOp(h, "delete", "B", newB, end), "A' deleted before B'");
  },
};

/**
 * 16. Roll back a replacing update once C' exists and one of D/E points at it (Heat: D, not
 * yet E): the original C is reused unchanged, A and D go back, and C' is deleted.
 */
export const updateReplaceRollback: Scenario = {
  name: "16 update_replace_rollback",
  async run(h) {
    const stack = "update_replace_rollback";
    await createComplete(h, stack, R0);
    const oldC = onlyId(h, "C");
    await h.engine.updateStack(stack, R1);
    const dOnC = (): boolean => liveProp(h, "D", "c") === newC(h, oldC) && newC(h, oldC) !== undefined;
    const eUpdated = (): boolean => liveProp(h, "E", "ca") === "updated";
    await reach(h, "C' exists and exactly one of D/E was updated", () => newC(h, oldC) !== undefined && Number(dOnC()) + Number(eUpdated()) === 1);
    if (h.inOrder === true) assert.ok(dOnC() && !eUpdated(), "in queue order, D points at C' and E is not updated yet");
    const replacement = newC(h, oldC) as string;
    await h.engine.rollbackStack(stack);
    assert.equal(liveCount(h, "C"), 2, "right after the rollback starts: two live C");
    const from = h.reality.log.length;
    await h.runUntilIdle();
    await assertState(h, stack, "ROLLBACK_COMPLETE", "after rollback");
    assertVerified(h, R0, "after rollback");
    assert.equal(onlyId(h, "C"), oldC, "the original C is reused");
    assert.deepEqual(opIndexes(h, "update", "C", oldC, from), [], "the original C needs no change");
    const deleted = onlyOp(h, "delete", "C", replacement, from);
    for (const i of opIndexes(h, "update", "D", undefined, from)) assertBefore(h, i, deleted, "D points back to C before C' is deleted");
    await deleteComplete(h, stack);
  },
};

/** Scenarios 17 and 18 up to their second action: C replaced, D and E updated, old C not deleted. */
async function replacedNotCleaned(h: ScenarioHarness, stack: string): Promise<{ oldC: string; cNew: string }> {
  await createComplete(h, stack, R0);
  const oldC = onlyId(h, "C");
  await h.engine.updateStack(stack, R1);
  await reach(
    h,
    "C replaced, D and E updated, old C not deleted",
    () => newC(h, oldC) !== undefined && liveProp(h, "D", "c") === newC(h, oldC) && liveProp(h, "E", "ca") === "updated" && liveIds(h, "C").includes(oldC),
  );
  return { oldC, cNew: newC(h, oldC) as string };
}

/** 17. Update again before the old C was cleaned up: the new traversal deletes it after C'. */
export const updateReplaceMissedCleanup: Scenario = {
  name: "17 update_replace_missed_cleanup",
  async run(h) {
    const stack = "update_replace_missed_cleanup";
    const { oldC, cNew } = await replacedNotCleaned(h, stack);
    await h.engine.updateStack(stack, withF(R1));
    assert.equal(liveCount(h, "C"), 2, "right after the second update starts: two live C");
    const from = h.reality.log.length;
    await h.runUntilIdle();
    await assertState(h, stack, "UPDATE_COMPLETE", "after the second update");
    assertVerified(h, withF(R1), "after the second update");
    assert.equal(onlyId(h, "C"), cNew, "C' stays");
    const deleted = onlyOp(h, "delete", "C", oldC, from);
    if (h.inOrder === true) assertBefore(h, onlyOp(h, "create", "F", undefined, from), deleted, "in queue order, the old C is deleted near the end (after F)");
    await deleteComplete(h, stack);
  },
};

/** 18. Delete before the old C was cleaned up: D, E -> C' -> old C -> A, B. */
export const updateReplaceMissedCleanupDelete: Scenario = {
  name: "18 update_replace_missed_cleanup_delete",
  async run(h) {
    const stack = "update_replace_missed_cleanup_delete";
    const { oldC, cNew } = await replacedNotCleaned(h, stack);
    const from = h.reality.log.length;
    await deleteComplete(h, stack);
    const del = (n: string, id?: string): number => onlyOp(h, "delete", n, id, from);
    for (const n of ["D", "E"]) assertBefore(h, del(n), del("C", cNew), `${n} deleted before C'`);
    assertBefore(h, del("C", cNew), del("C", oldC), "C' deleted before the old C");
    for (const n of ["A", "B"]) assertBefore(h, del("C", oldC), del(n), `old C deleted before ${n}`);
  },
};

/** The replacement scenarios 14-18. */
export const replacementScenarios: readonly Scenario[] = [
  updateReplace,
  updateReplaceInvertDeps,
  updateReplaceRollback,
  updateReplaceMissedCleanup,
  updateReplaceMissedCleanupDelete,
];
