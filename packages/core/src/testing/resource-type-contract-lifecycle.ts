/**
 * Contract checks of a resource type's lifecycle, each through the real engine on a
 * manual-mode memory runtime: create then read, delete of what is already gone, in-place
 * update, replacement.
 */
import type { AnyResourceType } from "../plugin/types.js";
import { changedProperties } from "../protocol/node-inputs.js";
import { InvalidOptionsError } from "../errors.js";
import type { ResolvedCases } from "./resource-type-contract-cases.js";
import { caseProperties, parseCase } from "./resource-type-contract-cases.js";
import type { ContractStack } from "./resource-type-contract-harness.js";
import { SUBJECT, contractStack, existsNow, handlerContext, violation } from "./resource-type-contract-harness.js";
import { expectRead, expectReadGone } from "./resource-type-contract-read.js";
import { errorMessage } from "../error-message.js";

/** Check names, as registered. */
export const LIFECYCLE_CHECKS = {
  createRead: "create, then read returns the inputs",
  deleteMissing: "delete of a missing resource succeeds",
  update: "updates the updatable properties in place",
  replace: "replaces the resource when another property changes",
} as const;

/** Require the probe (when there is one) to say `want` about `physicalId`. */
async function expectExists(
  type: AnyResourceType,
  resolved: ResolvedCases,
  check: string,
  physicalId: string,
  properties: Readonly<Record<string, unknown>>,
  want: boolean,
  when: string,
): Promise<void> {
  const found = await existsNow(type, resolved, physicalId, properties);
  if (found !== undefined && found !== want) {
    violation(type, check, `${when}, resource ${physicalId} ${found ? "still exists" : "does not exist"}`);
  }
}

async function withStack(type: AnyResourceType, resolved: ResolvedCases, check: string, body: (stack: ContractStack) => Promise<void>): Promise<void> {
  const stack = contractStack(type, resolved, check);
  try {
    await body(stack);
  } finally {
    await stack.close();
  }
}

/** Create through the engine; the row, its attributes, the probe and `read` must agree with the inputs. */
export async function checkCreateRead(type: AnyResourceType, resolved: ResolvedCases): Promise<void> {
  const check = LIFECYCLE_CHECKS.createRead;
  const given = caseProperties(resolved.cases.create, "cases.create");
  const expected = parseCase(type, given, "cases.create");
  await withStack(type, resolved, check, async (stack) => {
    await stack.create(given, "cases.create");
    const row = await stack.row();
    if (row.physicalId === null || row.physicalId === "") violation(type, check, "the created row has no physical id");
    const undeclared = type.anyAttribute === true ? [] : Object.keys(row.attributes).filter((a) => !type.attributeNames.includes(a));
    if (undeclared.length > 0) violation(type, check, `create returned undeclared attributes ${undeclared.join(", ")} (declared: ${type.attributeNames.join(", ") || "none"})`);
    await expectExists(type, resolved, check, row.physicalId, expected, true, "after the create");
    const key = stack.idempotencyKey(row);
    await expectRead(type, resolved, check, row, key, expected, "after the create");
    await stack.remove();
    await expectExists(type, resolved, check, row.physicalId, expected, false, "after the stack delete");
    await expectReadGone(type, resolved, check, row, row.physicalId, key, expected, "after the stack delete");
  });
}

/** Delete of something never created, and of something already deleted, succeeds; so does the stack delete. */
export async function checkDeleteMissing(type: AnyResourceType, resolved: ResolvedCases): Promise<void> {
  const check = LIFECYCLE_CHECKS.deleteMissing;
  const given = caseProperties(resolved.cases.create, "cases.create");
  const expected = parseCase(type, given, "cases.create");
  const attempt = async (what: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      violation(type, check, `delete of ${what} threw: ${errorMessage(error)}`);
    }
  };
  await attempt("a resource never created (physicalId null)", () => type.delete({ ...handlerContext(), physicalId: null, properties: {} }));
  await withStack(type, resolved, check, async (stack) => {
    await stack.create(given, "cases.create");
    const row = await stack.row();
    const physicalId = row.physicalId as string;
    const ctx = { ...handlerContext({ rowId: row.id }), physicalId, properties: expected };
    await attempt(`resource ${physicalId}`, () => type.delete(ctx));
    await expectExists(type, resolved, check, physicalId, expected, false, "after a delete");
    await expectReadGone(type, resolved, check, row, physicalId, stack.idempotencyKey(row), expected, "after a delete");
    await attempt(`resource ${physicalId}, already deleted`, () => type.delete(ctx));
    await stack.remove();
  });
}

/** `cases.update` changes updatable properties only, and the engine updates the row in place. */
export async function checkUpdateInPlace(type: AnyResourceType, resolved: ResolvedCases): Promise<void> {
  const check = LIFECYCLE_CHECKS.update;
  const given = caseProperties(resolved.cases.create, "cases.create");
  const before = parseCase(type, given, "cases.create");
  const next = caseProperties(resolved.cases.update ?? {}, "cases.update");
  const after = parseCase(type, next, "cases.update");
  const changed = changedProperties(before, after);
  if (changed.length === 0) throw new InvalidOptionsError("cases.update", "changes no property of cases.create");
  const fixed = changed.filter((p) => !type.isUpdatable(p));
  if (fixed.length > 0) violation(type, check, `the update changes ${fixed.join(", ")}, which the type does not declare updatable`);
  if (type.diff?.(before, after) === "replace") violation(type, check, `diff asks to replace for a change of ${changed.join(", ")}`);
  await withStack(type, resolved, check, async (stack) => {
    await stack.create(given, "cases.create");
    const old = await stack.row();
    const preview = await stack.engine.previewUpdate(stack.name, stack.template(next));
    const predicted = preview.resources.find((r) => r.name === SUBJECT)?.action;
    if (predicted !== "update") violation(type, check, `previewUpdate predicts "${String(predicted)}" for an in-place update`);
    await stack.update(next, "cases.update");
    const row = await stack.row();
    if (row.id !== old.id || row.physicalId !== old.physicalId) {
      violation(type, check, `the resource was replaced (physical id ${old.physicalId} → ${row.physicalId}) instead of updated in place`);
    }
    const events = await stack.events();
    if (!events.some((e) => e.rowId === row.id && e.action === "UPDATE" && e.status === "COMPLETE")) {
      violation(type, check, "the engine recorded no UPDATE_COMPLETE: the change was not applied");
    }
    await expectExists(type, resolved, check, row.physicalId as string, after, true, "after the update");
    const key = stack.idempotencyKey(row);
    await expectRead(type, resolved, check, row, key, after, "after the update");
    await stack.remove();
    await expectReadGone(type, resolved, check, row, row.physicalId as string, key, after, "after the stack delete");
  });
}

/** `cases.replace` makes a new resource (created first), and the old one is deleted. */
export async function checkReplace(type: AnyResourceType, resolved: ResolvedCases): Promise<void> {
  const check = LIFECYCLE_CHECKS.replace;
  const given = caseProperties(resolved.cases.create, "cases.create");
  const before = parseCase(type, given, "cases.create");
  const next = caseProperties(resolved.cases.replace ?? {}, "cases.replace");
  const after = parseCase(type, next, "cases.replace");
  if (changedProperties(before, after).length === 0) throw new InvalidOptionsError("cases.replace", "changes no property of cases.create");
  await withStack(type, resolved, check, async (stack) => {
    await stack.create(given, "cases.create");
    const old = await stack.row();
    const preview = await stack.engine.previewUpdate(stack.name, stack.template(next));
    const predicted = preview.resources.find((r) => r.name === SUBJECT)?.action;
    if (predicted !== "replace") {
      violation(type, check, `previewUpdate predicts "${String(predicted)}": declare the changed property non-updatable, or let diff answer "replace", so previews are truthful`);
    }
    await stack.update(next, "cases.replace");
    const row = await stack.row();
    if (row.id === old.id) violation(type, check, "the resource was updated in place, not replaced");
    const events = await stack.events();
    const created = events.findIndex((e) => e.rowId === row.id && e.action === "CREATE" && e.status === "COMPLETE");
    const deleting = events.findIndex((e) => e.rowId === old.id && e.action === "DELETE" && e.status === "IN_PROGRESS");
    if (created < 0 || deleting < 0 || deleting < created) violation(type, check, "the replacement was not created before the old resource was deleted");
    const physicalId = row.physicalId as string;
    await expectExists(type, resolved, check, physicalId, after, true, "after the replacement (and the delete of the old resource)");
    if (old.physicalId !== null && old.physicalId !== physicalId) {
      await expectExists(type, resolved, check, old.physicalId, before, false, "after the replacement, the old");
      await expectReadGone(type, resolved, check, old, old.physicalId, stack.idempotencyKey(old), before, "after the replacement, the old");
    }
    const key = stack.idempotencyKey(row);
    await expectRead(type, resolved, check, row, key, after, "after the replacement");
    await stack.remove();
    await expectExists(type, resolved, check, physicalId, after, false, "after the stack delete");
    await expectReadGone(type, resolved, check, row, physicalId, key, after, "after the stack delete");
  });
}
