/**
 * The fuzzer's oracle: which template the stack must end at, and the end-state invariants.
 *
 * The {@link Tracker} watches the stack after every step and operation and knows, without
 * trusting the engine, (a) the template of every traversal started through the API, (b) the
 * last template whose traversal completed, and so (c) the target every rollback must have
 * (W-C: the last *completed* template, or empty). {@link expectedModel} turns a settled,
 * COMPLETE stack into the model reality must match. {@link checkExact} is the strict check
 * (verify + every live resource accounted for by exactly one current row, no stale row),
 * {@link checkConsistent} the weaker one for a FAILED stack (what the stack reports as
 * COMPLETE is real; every live resource belongs to a row that still exists).
 */
import { deepStrictEqual } from "node:assert/strict";
import { NESTED_STACK_TYPE } from "@converge/core";
import type { ResourceRow, StackRecord } from "@converge/core";
import { Reality, verify } from "@converge/core/testing";
import type { TemplateModel } from "./template-model.js";
import { flatModel, nodeNames, toTemplate } from "./template-model.js";
import type { World } from "./world.js";

const EMPTY: TemplateModel = { resources: [] };

/** API operations that start a traversal. */
export type ApiKind = "create" | "update" | "delete" | "rollback" | "cancel";
const isActive = (row: ResourceRow): boolean => !(row.action === "DELETE" && row.status === "COMPLETE");

/** Follows the stack's traversals; see the file comment. */
export class Tracker {
  /** Template models by stored template id (creates and updates issued). */
  private readonly models = new Map<string, TemplateModel>();
  /** Template ids that stand for the empty template (rollbacks of a never-completed stack). */
  private readonly empties = new Set<string>();
  private readonly completed = new Set<string>();
  private readonly rollbacks = new Map<string, string | null>();
  /** Last completed template id of the current stack incarnation. */
  lastCompleted: string | null = null;
  /** Last traversal started through the API. */
  lastApi: { traversalId: string; templateId: string } | null = null;
  /** What the last API operation that started a traversal was. */
  lastApiKind: ApiKind | null = null;
  private readonly stalled = new Set<string>();

  constructor(private readonly world: World) {}

  /** Record a traversal just started through the API (`model` for a create or update). */
  started(stack: StackRecord | null, model: TemplateModel | null, kind: ApiKind): void {
    if (stack === null) {
      this.world.violation(`the stack is gone right after a ${kind}`);
      return;
    }
    this.lastApi = { traversalId: stack.currentTraversal, templateId: stack.templateId };
    this.lastApiKind = kind;
    if (model !== null) this.models.set(stack.templateId, model);
  }

  /** The model of a stored template id: a requested one, or empty for a rollback to empty. */
  model(templateId: string): TemplateModel | undefined {
    return this.models.get(templateId) ?? (this.empties.has(templateId) ? EMPTY : undefined);
  }

  /** Look at the stack after a step or an operation. */
  async observe(): Promise<StackRecord | null> {
    const stack = await this.world.stack();
    if (stack === null) {
      this.lastCompleted = null;
      return null;
    }
    if (stack.statusReason.includes("Traversal lost") && !this.stalled.has(stack.currentTraversal)) {
      this.stalled.add(stack.currentTraversal);
      this.world.stats.lostTraversals += 1;
    }
    if (stack.statusReason.includes("Traversal stalled") && !this.stalled.has(stack.currentTraversal)) {
      // With every death followed by a redelivery, the watchdog must always find work to
      // resume. (A "Traversal lost" - its starting engine died before storing the graph - may
      // be failed: DESIGN.md W-D.)
      this.stalled.add(stack.currentTraversal);
      this.world.violation(`W-D: the watchdog gave up: ${stack.statusReason}`);
    }
    if (stack.action === "ROLLBACK" && stack.status !== "FAILED" && !this.rollbacks.has(stack.currentTraversal)) {
      this.rollbacks.set(stack.currentTraversal, this.lastCompleted);
      if (this.lastCompleted === null) {
        if (this.models.has(stack.templateId)) this.world.violation(`W-C: rollback of a never-completed stack targets a requested template, not empty`);
        this.empties.add(stack.templateId);
      } else if (stack.templateId !== this.lastCompleted) {
        this.world.violation(`W-C: rollback targets ${stack.templateId}, the last completed template is ${this.lastCompleted}`);
      }
    }
    if (stack.status === "COMPLETE" && !this.completed.has(stack.currentTraversal)) {
      this.completed.add(stack.currentTraversal);
      this.lastCompleted = stack.templateId;
      if (stack.prevTemplateId !== stack.templateId) this.world.violation(`completed stack has prevTemplateId ${stack.prevTemplateId ?? "null"} != templateId`);
    }
    return stack;
  }

  /** The model a COMPLETE stack must match (a violation and null when it cannot be explained). */
  expectedModel(stack: StackRecord): TemplateModel | null {
    if (stack.action === "ROLLBACK") {
      if (!this.rollbacks.has(stack.currentTraversal)) {
        this.world.violation("a completed rollback that was never seen starting");
        return null;
      }
    } else if (this.lastApi === null || stack.currentTraversal !== this.lastApi.traversalId) {
      this.world.violation(`completed ${stack.action} traversal is not the last one requested`);
      return null;
    }
    const model = this.model(stack.templateId);
    if (model === undefined) this.world.violation(`completed template ${stack.templateId} was never requested`);
    return model ?? null;
  }
}

/**
 * Reality without the resources no engine can know about (see `World.exempt`), and with the
 * properties its row records for a resource whose late update no engine can know of (`World.diverged`).
 */
function knowable(world: World, rows: readonly ResourceRow[]): Reality {
  const copy = new Reality();
  for (const [id, entry] of world.reality.entries) {
    if (world.exempt(id)) continue;
    const row = world.diverged.has(id) ? rows.find((r) => r.physicalId === id) : undefined;
    copy.entries.set(id, row === undefined ? entry : { ...entry, properties: row.properties });
  }
  return copy;
}

function sameProperties(a: unknown, b: unknown): boolean {
  try {
    deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

/**
 * Strict end state of a COMPLETE stack (or of a deleted one, with the empty model): reality
 * equals the template; each name has exactly one row, COMPLETE, unlocked, whose resource is
 * live with the row's properties; no other row; every live resource is some row's.
 */
export async function checkExact(world: World, model: TemplateModel, label: string): Promise<void> {
  const problems: string[] = [];
  const rows = await world.rows();
  const live = knowable(world, rows);
  const flat = flatModel(model);
  problems.push(...verify(live, toTemplate(flat)).problems);
  const nodes = new Set(nodeNames(model));
  const names = new Set([...flat.resources.map((r) => r.name), ...nodes]);
  const owners = new Map<string, string>();
  for (const row of rows) {
    if (!names.has(row.name)) {
      problems.push(`row ${row.id} of ${row.name} (${row.action}_${row.status}) outside the target`);
      continue;
    }
    const state = `${row.action}_${row.status}`;
    if (state !== "CREATE_COMPLETE" && state !== "UPDATE_COMPLETE") problems.push(`row ${row.id} of ${row.name} is ${state}`);
    if (row.lockHolder !== null) problems.push(`row ${row.id} of ${row.name} still locked by ${row.lockHolder}`);
    if (row.physicalId === null || nodes.has(row.name)) continue;
    if (owners.has(row.physicalId)) problems.push(`rows ${owners.get(row.physicalId) ?? "?"} and ${row.id} claim ${row.physicalId}`);
    owners.set(row.physicalId, row.id);
    const entry = live.entries.get(row.physicalId);
    if (entry === undefined) problems.push(`row ${row.id} of ${row.name} lists ${row.physicalId}, which is gone`);
    else if (entry.name !== row.name || !sameProperties(entry.properties, row.properties)) {
      problems.push(`row ${row.id} of ${row.name} stores ${JSON.stringify(row.properties)}, reality has ${JSON.stringify(entry.properties)}`);
    }
  }
  for (const name of names) {
    const n = rows.filter((r) => r.name === name).length;
    if (n !== 1) problems.push(`${n} rows for ${name}`);
  }
  for (const id of live.entries.keys()) if (!owners.has(id)) problems.push(`orphan: live ${live.entries.get(id)?.name ?? "?"} (${id}) belongs to no row`);
  for (const p of problems) world.violation(`${label}: ${p}`);
}

/**
 * Consistency of a FAILED stack: every row the stack reports CREATE/UPDATE_COMPLETE is live
 * with its properties; no DELETE_COMPLETE row's resource is live; every live resource was
 * made by a row that still exists and does not list another physical id.
 */
export async function checkConsistent(world: World, label: string): Promise<void> {
  const problems: string[] = [];
  const rows = await world.rows();
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const row of rows) {
    // A nested stack's node holds no resource of reality.
    if (row.physicalId === null || row.type === NESTED_STACK_TYPE) continue;
    const entry = world.reality.entries.get(row.physicalId);
    if (row.status === "COMPLETE" && (row.action === "CREATE" || row.action === "UPDATE")) {
      if (entry === undefined) problems.push(`row ${row.id} of ${row.name} is ${row.action}_COMPLETE but ${row.physicalId} is gone`);
      else if (!world.diverged.has(row.physicalId) && !sameProperties(entry.properties, row.properties)) {
        problems.push(`row ${row.id} of ${row.name} stores ${JSON.stringify(row.properties)}, reality has ${JSON.stringify(entry.properties)}`);
      }
    }
    if (!isActive(row) && entry !== undefined) problems.push(`row ${row.id} of ${row.name} is DELETE_COMPLETE but ${row.physicalId} is live`);
  }
  for (const [id, entry] of world.reality.entries) {
    if (world.exempt(id)) continue;
    const creator = world.createdBy.get(id);
    const row = creator?.generation === world.generation ? byId.get(creator.rowId) : undefined;
    if (row === undefined || !isActive(row)) problems.push(`orphan: live ${entry.name} (${id}) has no active row`);
    else if (row.physicalId !== null && row.physicalId !== id) problems.push(`orphan: live ${entry.name} (${id}), its row ${row.id} lists ${row.physicalId}`);
  }
  for (const p of problems) world.violation(`${label}: ${p}`);
}
