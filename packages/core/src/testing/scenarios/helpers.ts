/**
 * Shared pieces of the scenario suite: template builders (T0, R0), assertions on reality and
 * on the stack, and readers of the fake cloud's operation log. Assertions use
 * `node:assert/strict` so any test runner can run the suite.
 */
import assert from "node:assert/strict";
import type { ResourceInfo } from "../../engine/stack-view.js";
import type { ResourceDefinition, Template } from "../../template/types.js";
import type { RealityOp } from "../reality.js";
import type { ScenarioHarness } from "../scenario-harness.js";
import { SCENARIO_TYPE, verify } from "../scenario-type.js";

/** One scenario of the suite. */
export interface Scenario {
  /** Name, as in SCENARIOS.md (`basic_create`, ...), prefixed with its number. */
  readonly name: string;
  /** Drive the harness through the scenario; throws (AssertionError) when it does not hold. */
  run(h: ScenarioHarness): Promise<void>;
}

/** A scenario resource with these properties and explicit dependencies. */
export function res(properties: Record<string, unknown> = {}, dependsOn?: readonly string[]): ResourceDefinition {
  return { type: SCENARIO_TYPE, properties, ...(dependsOn === undefined ? {} : { depends_on: dependsOn }) };
}

/** A template of these resources. */
export function tpl(resources: Record<string, ResourceDefinition>): Template {
  return { resources };
}

/** `template` with resources added or replaced. */
export function withResources(template: Template, extra: Record<string, ResourceDefinition>): Template {
  return tpl({ ...template.resources, ...extra });
}

/** `template` without the named resources. */
export function without(template: Template, ...names: string[]): Template {
  return tpl(Object.fromEntries(Object.entries(template.resources ?? {}).filter(([name]) => !names.includes(name))));
}

/** The empty template (what a deleted or fully rolled-back stack must leave in reality). */
export const EMPTY: Template = tpl({});

/** T0: A, B -> C -> D, E. */
export const T0: Template = tpl({
  A: res(),
  B: res(),
  C: res({ a: "4alpha" }, ["A", "B"]),
  D: res({ c: { get_resource: "C" } }),
  E: res({ ca: { get_attr: ["C", "a"] } }),
});

/** R0: like T0, C depends on A through an attribute (a replacement property) and on B explicitly. */
export function r0(a = "initial"): Template {
  return tpl({
    A: res({ a }),
    B: res(),
    C: res({ "!a": { get_attr: ["A", "a"] } }, ["B"]),
    D: res({ c: { get_resource: "C" } }),
    E: res({ ca: { get_attr: ["C", "!a"] } }),
  });
}

/** Assert that reality matches `template` (SCENARIOS.md `verify`), listing the problems. */
export function assertVerified(h: ScenarioHarness, template: Template, when: string): void {
  const result = verify(h.reality, template);
  assert.ok(result.ok, `${when}: reality does not match the template:\n  ${result.problems.join("\n  ")}\n${dump(h)}`);
}

/** Assert the stack's state (`UPDATE_COMPLETE`, ...). */
export async function assertState(h: ScenarioHarness, stack: string, state: string, when: string): Promise<void> {
  const info = await h.engine.getStack(stack);
  assert.equal(info.state, state, `${when}: stack ${stack} is ${info.state} (${info.statusReason}), expected ${state}`);
}

/** Assert the stack is gone (a completed delete removes it). */
export async function assertDeleted(h: ScenarioHarness, stack: string, when: string): Promise<void> {
  const names = await h.engine.listStacks();
  assert.ok(!names.includes(stack), `${when}: stack ${stack} still exists (${await stateOf(h, stack)})`);
}

/** Create a stack, run it to the end, and assert CREATE_COMPLETE and reality. */
export async function createComplete(h: ScenarioHarness, stack: string, template: Template): Promise<void> {
  await h.engine.createStack(stack, template);
  await h.runUntilIdle();
  await assertState(h, stack, "CREATE_COMPLETE", "after create");
  assertVerified(h, template, "after create");
}

/** Delete a stack, run to the end, and assert it is gone and reality is empty. */
export async function deleteComplete(h: ScenarioHarness, stack: string): Promise<void> {
  await h.engine.deleteStack(stack);
  await h.runUntilIdle();
  await assertDeleted(h, stack, "after delete");
  assertVerified(h, EMPTY, "after delete");
}

/** Run until `pred` holds; fail (naming `what`) when the queue runs dry first. */
export async function reach(h: ScenarioHarness, what: string, pred: () => boolean | Promise<boolean>): Promise<void> {
  assert.ok(await h.runUntil(pred), `the state "${what}" was never reached\n${dump(h)}`);
}

/** Physical ids of the live entries named `name`. */
export function liveIds(h: ScenarioHarness, name: string): string[] {
  return h.reality.live(name).map((e) => e.physicalId);
}

/** Number of live entries named `name`. */
export function liveCount(h: ScenarioHarness, name: string): number {
  return h.reality.live(name).length;
}

/** The only live physical id named `name` (asserts there is exactly one). */
export function onlyId(h: ScenarioHarness, name: string): string {
  const ids = liveIds(h, name);
  assert.equal(ids.length, 1, `expected exactly one live ${name}, found ${ids.length}`);
  return ids[0] as string;
}

/** A live entry's property (undefined when no single live entry). */
export function liveProp(h: ScenarioHarness, name: string, property: string): unknown {
  const live = h.reality.live(name);
  return live.length === 1 ? live[0]?.entry.properties[property] : undefined;
}

/** Position in the log of the operations matching (from `from` on). */
export function opIndexes(h: ScenarioHarness, op: RealityOp["op"], name: string, physicalId?: string, from = 0): number[] {
  return h.reality.log
    .filter((o) => o.seq >= from && o.op === op && o.name === name && (physicalId === undefined || o.physicalId === physicalId))
    .map((o) => o.seq);
}

/** Position of the only matching operation from `from` on (asserts there is exactly one). */
export function onlyOp(h: ScenarioHarness, op: RealityOp["op"], name: string, physicalId?: string, from = 0): number {
  const found = opIndexes(h, op, name, physicalId, from);
  assert.equal(found.length, 1, `expected exactly one ${op} of ${name}${physicalId === undefined ? "" : ` (${physicalId})`} since log position ${from}, found ${found.length}\n${dump(h)}`);
  return found[0] as number;
}

/** Assert log position `a` comes before `b`. */
export function assertBefore(h: ScenarioHarness, a: number, b: number, what: string): void {
  assert.ok(a >= 0 && b >= 0 && a < b, `expected ${what} (log ${a} before ${b})\n${dump(h)}`);
}

/** Assert no operation touched `name` from log position `from` on. */
export function assertUntouched(h: ScenarioHarness, name: string, from: number, why: string): void {
  const ops = h.reality.log.filter((o) => o.seq >= from && o.name === name);
  assert.deepEqual(ops.map((o) => `${o.op} ${o.physicalId}`), [], `${name} should not be touched (${why})`);
}

/** The rows of a stack named `name` that are not DELETE_COMPLETE. */
export async function activeRows(h: ScenarioHarness, stack: string, name: string): Promise<ResourceInfo[]> {
  const rows = await h.engine.listResources(stack);
  return rows.filter((r) => r.name === name && r.state !== "DELETE_COMPLETE");
}

/** True when the row standing for `name` was converged with the stack's current target. */
export async function convergedToTarget(h: ScenarioHarness, stack: string, name: string): Promise<boolean> {
  const target = (await h.engine.getStack(stack)).templateId;
  const rows = await activeRows(h, stack, name);
  return rows.some((r) => r.templateId === target && (r.action === "CREATE" || r.action === "UPDATE") && r.status === "COMPLETE");
}

async function stateOf(h: ScenarioHarness, stack: string): Promise<string> {
  try {
    const info = await h.engine.getStack(stack);
    return `${info.state}: ${info.statusReason}`;
  } catch {
    return "gone";
  }
}

/** Reality and its log, for assertion messages. */
export function dump(h: ScenarioHarness): string {
  const live = [...h.reality.entries].map(([id, e]) => `  ${id} ${e.name} ${JSON.stringify(e.properties)}`);
  const log = h.reality.log.map((o) => `  #${o.seq} ${o.op} ${o.physicalId}`);
  return `reality:\n${live.join("\n") || "  (empty)"}\nlog:\n${log.join("\n") || "  (empty)"}`;
}
