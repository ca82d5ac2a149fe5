/**
 * SCENARIOS.md "Replacement", scenarios 19-21: replacement by renaming C (user replacement),
 * and a replacement abandoned by a rollback before it was created.
 */
import assert from "node:assert/strict";
import type { Template } from "../../template/types.js";
import type { Scenario } from "./helpers.js";
import {
  activeRows,
  assertBefore,
  assertDeleted,
  assertState,
  assertUntouched,
  assertVerified,
  createComplete,
  deleteComplete,
  EMPTY,
  liveCount,
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

/** R0 with C renamed newC (same definition, D and E pointing at it) and A updated. */
const RENAMED = tpl({
  A: res({ a: "updated" }),
  B: res(),
  newC: res({ "!a": { get_attr: ["A", "a"] } }, ["B"]),
  D: res({ c: { get_resource: "newC" } }),
  E: res({ ca: { get_attr: ["newC", "!a"] } }),
});

/** 19. Rename C to newC: newC created after A and B, D and E move to it, old C deleted after them. */
export const updateUserReplace: Scenario = {
  name: "19 update_user_replace",
  async run(h) {
    const stack = "update_user_replace";
    await createComplete(h, stack, R0);
    const oldC = onlyId(h, "C");
    const from = h.reality.log.length;
    await h.engine.updateStack(stack, RENAMED);
    await h.runUntilIdle();
    await assertState(h, stack, "UPDATE_COMPLETE", "after the rename");
    assertVerified(h, RENAMED, "after the rename");
    const created = onlyOp(h, "create", "newC", undefined, from);
    assertBefore(h, onlyOp(h, "update", "A", undefined, from), created, "newC created after A was updated");
    const updD = onlyOp(h, "update", "D", undefined, from);
    const updE = onlyOp(h, "update", "E", undefined, from);
    assertBefore(h, created, updD, "D updated to newC after it was created");
    assertBefore(h, created, updE, "E updated to newC after it was created");
    const deleted = onlyOp(h, "delete", "C", oldC, from);
    assertBefore(h, updD, deleted, "old C deleted after D's cleanup");
    assertBefore(h, updE, deleted, "old C deleted after E's cleanup");
    const withF = withResources(RENAMED, { F: res({}, ["D", "E"]) });
    await h.engine.updateStack(stack, withF);
    await h.runUntilIdle();
    await assertState(h, stack, "UPDATE_COMPLETE", "after adding F");
    assertVerified(h, withF, "after adding F");
    assert.notEqual(onlyId(h, "newC"), oldC, "newC's physical id differs from the old C's");
    await deleteComplete(h, stack);
  },
};

/**
 * 20. Roll back the rename once newC exists and one of D/E points at it (Heat: D, not yet E):
 * the original C is kept unchanged, A and D go back, newC is deleted after D's cleanup.
 */
export const updateUserReplaceRollback: Scenario = {
  name: "20 update_user_replace_rollback",
  async run(h) {
    const stack = "update_user_replace_rollback";
    await createComplete(h, stack, R0);
    const oldC = onlyId(h, "C");
    const start = h.reality.log.length;
    await h.engine.updateStack(stack, RENAMED);
    const dMoved = (): boolean => liveCount(h, "newC") === 1 && liveProp(h, "D", "c") === onlyId(h, "newC");
    const eMoved = (): boolean => liveProp(h, "E", "ca") === "updated";
    await reach(h, "newC exists and exactly one of D/E was updated", () => liveCount(h, "newC") === 1 && Number(dMoved()) + Number(eMoved()) === 1);
    if (h.inOrder === true) assert.ok(dMoved() && !eMoved(), "in queue order, D points at newC and E is not updated yet");
    await h.engine.rollbackStack(stack);
    const from = h.reality.log.length;
    await h.runUntilIdle();
    await assertState(h, stack, "ROLLBACK_COMPLETE", "after rollback");
    assertVerified(h, R0, "after rollback");
    assert.equal(onlyId(h, "C"), oldC, "the original C is kept");
    assertUntouched(h, "C", start, "the original C needs no change");
    const deleted = onlyOp(h, "delete", "newC", undefined, from);
    for (const i of opIndexes(h, "update", "D", undefined, from)) assertBefore(h, i, deleted, "newC deleted after D was updated back");
    await deleteComplete(h, stack);
  },
};

/** Scenario 21's base: R0, but C has `b` and no explicit dependency. */
const base = (a: string, b: string): Template =>
  tpl({
    A: res({ a }),
    B: res(),
    C: res({ "!a": { get_attr: ["A", "a"] }, b }),
    D: res({ c: { get_resource: "C" } }),
    E: res({ ca: { get_attr: ["C", "!a"] } }),
  });

/**
 * 21. Roll back once C's replacement row was made but not created: the replacement's create,
 * arriving in the rollback, marks it deleted and retriggers the original C, which is kept.
 * Then an in-place update of C, verified mid-traversal, superseded by a delete.
 */
export const updateUserReplaceRollbackUpdate: Scenario = {
  name: "21 update_user_replace_rollback_update",
  async run(h) {
    const stack = "update_user_replace_rollback_update";
    const T = base("initial", "val1");
    await createComplete(h, stack, T);
    const c = onlyId(h, "C");
    const [row] = await activeRows(h, stack, "C");
    await h.engine.updateStack(stack, base("updated", "val1"));
    await reach(h, "A updated, C's replacement row made but not created", async () => {
      if (liveProp(h, "A", "a") !== "updated") return false;
      return (await activeRows(h, stack, "C")).some((r) => r.replaces !== null && r.action === "INIT");
    });
    await h.engine.rollbackStack(stack);
    await h.runUntilIdle();
    await assertState(h, stack, "ROLLBACK_COMPLETE", "after rollback");
    assertVerified(h, T, "after rollback");
    assert.deepEqual((await activeRows(h, stack, "C")).map((r) => r.id), [row?.id], "C keeps its original row");
    assert.deepEqual(h.reality.calls.filter((x) => x.name === "C").map((x) => x.op), ["create"], "the replacement was never created");
    assert.equal(onlyId(h, "C"), c, "C keeps its physical id");

    const T2 = base("initial", "val2");
    await h.engine.updateStack(stack, T2);
    await reach(h, "C was updated", () => liveProp(h, "C", "b") === "val2");
    assertVerified(h, T2, "as soon as C was updated");
    assert.equal(onlyId(h, "C"), c, "C keeps its physical id (updated in place)");
    for (let i = 0; i < 3; i++) await h.step();
    await h.engine.deleteStack(stack);
    await h.runUntilIdle();
    await assertDeleted(h, stack, "after delete");
    assertVerified(h, EMPTY, "after delete");
    assert.deepEqual(opIndexes(h, "create", "C").length, 1, "C was created once in the whole scenario");
  },
};

/** The user-replacement scenarios 19-21. */
export const userReplacementScenarios: readonly Scenario[] = [updateUserReplace, updateUserReplaceRollback, updateUserReplaceRollbackUpdate];
