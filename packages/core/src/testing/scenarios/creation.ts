/**
 * SCENARIOS.md "Creation": scenarios 1-4.
 */
import assert from "node:assert/strict";
import type { ScenarioHarness } from "../scenario-harness.js";
import type { Scenario } from "./helpers.js";
import {
  EMPTY,
  T0,
  assertBefore,
  assertDeleted,
  assertState,
  assertVerified,
  liveCount,
  onlyOp,
  reach,
  res,
  tpl,
} from "./helpers.js";

/** 1. Create T0: A and B first, C after both, D and E after C. */
export const basicCreate: Scenario = {
  name: "01 basic_create",
  async run(h) {
    await h.engine.createStack("basic_create", T0);
    await h.runUntilIdle();
    await assertState(h, "basic_create", "CREATE_COMPLETE", "after create");
    assertVerified(h, T0, "after create");
    const [a, b, c, d, e] = ["A", "B", "C", "D", "E"].map((n) => onlyOp(h, "create", n)) as [number, number, number, number, number];
    assertBefore(h, a, c, "A created before C");
    assertBefore(h, b, c, "B created before C");
    assertBefore(h, c, d, "C created before D");
    assertBefore(h, c, e, "C created before E");
  },
};

const DISJOINT = tpl({
  A: res(),
  B: res(),
  C: res({ a: "4alpha" }, ["A"]),
  D: res({ c: { get_resource: "C" } }),
  E: res(),
});

/** 2. Two components plus isolated nodes: completes only after every root (B, D, E) reported. */
export const disjointCreate: Scenario = {
  name: "02 disjoint_create",
  async run(h) {
    await h.engine.createStack("disjoint_create", DISJOINT);
    const completed = async (): Promise<boolean> => (await h.engine.getStack("disjoint_create")).status !== "IN_PROGRESS";
    await reach(h, "the create ended", completed);
    // The first moment the stack is no longer in progress, every root exists.
    assert.deepEqual(["B", "D", "E"].map((n) => liveCount(h, n)), [1, 1, 1], "the stack completed before all roots (B, D, E) reported");
    await h.runUntilIdle();
    await assertState(h, "disjoint_create", "CREATE_COMPLETE", "after create");
    assertVerified(h, DISJOINT, "after create");
    assertBefore(h, onlyOp(h, "create", "A"), onlyOp(h, "create", "C"), "A created before C");
    assertBefore(h, onlyOp(h, "create", "C"), onlyOp(h, "create", "D"), "C created before D");
  },
};

const abcExist = (h: ScenarioHarness): boolean => ["A", "B", "C"].every((n) => liveCount(h, n) === 1);

/**
 * 3. Roll back a create when A, B, C and one of D/E exist: the other's queued create is
 * dropped and its INIT row removed without a plugin call; the rest is deleted dependents first.
 */
export const basicCreateRollback: Scenario = {
  name: "03 basic_create_rollback",
  async run(h) {
    const stack = "basic_create_rollback";
    await h.engine.createStack(stack, T0);
    await reach(h, "A, B, C and exactly one of D/E exist", () => abcExist(h) && liveCount(h, "D") + liveCount(h, "E") === 1);
    const [made, other] = liveCount(h, "D") === 1 ? ["D", "E"] : ["E", "D"];
    await h.engine.rollbackStack(stack);
    await h.runUntilIdle();
    await assertState(h, stack, "ROLLBACK_COMPLETE", "after rollback");
    assertVerified(h, EMPTY, "after rollback");
    assert.deepEqual(h.reality.calls.filter((c) => c.name === other), [], `${other} was never created: no plugin call at all`);
    const del = (n: string): number => onlyOp(h, "delete", n);
    assertBefore(h, del(made), del("C"), `${made} deleted before C`);
    assertBefore(h, del("C"), del("A"), "C deleted before A");
    assertBefore(h, del("C"), del("B"), "C deleted before B");
  },
};

/**
 * 4. Delete while creating, when A, B, C exist and D, E do not: D and E are removed without
 * plugin calls; C is deleted before A and B; the stack is gone.
 */
export const createEarlyDelete: Scenario = {
  name: "04 create_early_delete",
  async run(h) {
    const stack = "create_early_delete";
    await h.engine.createStack(stack, T0);
    await reach(h, "A, B, C exist and D, E do not", () => abcExist(h) && liveCount(h, "D") + liveCount(h, "E") === 0);
    await h.engine.deleteStack(stack);
    await h.runUntilIdle();
    await assertDeleted(h, stack, "after delete");
    assertVerified(h, EMPTY, "after delete");
    for (const n of ["D", "E"]) assert.deepEqual(h.reality.calls.filter((c) => c.name === n), [], `${n}: no plugin call`);
    const del = (n: string): number => onlyOp(h, "delete", n);
    assertBefore(h, del("C"), del("A"), "C deleted before A");
    assertBefore(h, del("C"), del("B"), "C deleted before B");
  },
};

/** The creation scenarios, in SCENARIOS.md order. */
export const creationScenarios: readonly Scenario[] = [basicCreate, disjointCreate, basicCreateRollback, createEarlyDelete];
