/**
 * The plan an `apply` or a `delete` shows before it changes anything: what happens to each
 * resource (the engine's preview; all creates for a new stack), counted into a summary line -
 * "3 to create, 1 to update, 1 to replace, 2 to delete" - and whether the plan changes anything
 * at all and whether it destroys something (a delete or a replacement).
 */
import { templateDependencyGraph } from "@converge/core";
import type { CompiledTemplate, PreviewAction, PreviewEntry, StackOperationOptions } from "@converge/core";
import type { Session } from "./session-types.js";
import type { TemplateTree } from "./tree/template-tree.js";
import { withTemplateTree } from "./tree/tree-locate.js";

/** What an operation would do, before it runs. */
export interface Plan {
  /** Stack name. */
  readonly stackName: string;
  /** Whether the stack exists (an apply of a new stack creates everything). */
  readonly exists: boolean;
  /** One entry per resource, in dependency order, deletes last. */
  readonly resources: readonly PreviewEntry[];
  /** Entries per action. */
  readonly counts: Readonly<Record<PreviewAction, number>>;
  /** Whether running it changes anything (false: "No changes."). */
  readonly changes: boolean;
  /** Whether it deletes or replaces a resource (or deletes the stack). */
  readonly destructive: boolean;
  /** Why it runs although no resource changes (the stack failed, the outputs change), or null. */
  readonly note: string | null;
}

const ACTIONS: readonly PreviewAction[] = ["create", "import", "update", "replace", "delete", "no_change", "unknown"];

function countActions(entries: readonly PreviewEntry[]): Record<PreviewAction, number> {
  const counts = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<PreviewAction, number>;
  for (const entry of entries) counts[entry.action] += 1;
  return counts;
}

/** The preview of creating a stack that does not exist yet: every resource is created (or imported). */
export function previewCreate(template: CompiledTemplate): PreviewEntry[] {
  return templateDependencyGraph(template)
    .topologicalOrder()
    .flatMap((name): PreviewEntry[] => {
      const resource = template.resources[name];
      if (resource === undefined) return [];
      if (resource.externalId !== undefined) {
        return [{ name, type: resource.type, action: "import", changed: [], reason: `imports existing resource ${resource.externalId}` }];
      }
      return [{ name, type: resource.type, action: "create", changed: [], reason: "new stack" }];
    });
}

function plan(stackName: string, exists: boolean, resources: readonly PreviewEntry[], note: string | null, changes?: boolean): Plan {
  const counts = countActions(resources);
  return {
    stackName,
    exists,
    resources,
    counts,
    changes: changes ?? (note !== null || resources.some((r) => r.action !== "no_change")),
    destructive: counts.delete + counts.replace > 0,
    note,
  };
}

/**
 * The plan of applying `source` to the stack `name` with the options the update will get
 * (parameters, environments, files, `converge`, …). A stack that is not COMPLETE (failed, in progress) always runs
 * again; one whose outputs change runs although no resource changes.
 */
export async function applyPlan(session: Session, name: string, tree: TemplateTree, compiled: CompiledTemplate, options: StackOperationOptions): Promise<Plan> {
  const store = session.runtime.store;
  const id = await store.findStackId(name);
  const stack = id === null ? null : await store.loadStack(id);
  if (stack === null) return plan(name, false, previewCreate(compiled), null, true);
  const preview = await withTemplateTree(tree, () => session.engine.previewUpdate(name, tree.source.template, options));
  const current = await store.loadTemplate(stack.id, stack.templateId);
  const state = `${stack.action}_${stack.status}`;
  const note =
    stack.status !== "COMPLETE" ? `the stack is ${state}: the apply runs again`
    : JSON.stringify(current?.outputs ?? {}) !== JSON.stringify(compiled.outputs) ? "the outputs change"
    : settingsChange(stack.options, options);
  return plan(name, true, preview.resources, note);
}

/** What the update changes of the stack's own settings (timeout, rollback), or null. */
function settingsChange(stack: { readonly timeoutMs: number | null; readonly disableRollback: boolean }, options: StackOperationOptions): string | null {
  const changed: string[] = [];
  if (options.timeoutMs !== undefined && options.timeoutMs !== stack.timeoutMs) changed.push("timeout");
  if (options.disableRollback !== undefined && options.disableRollback !== stack.disableRollback) changed.push("rollback policy");
  return changed.length === 0 ? null : `the stack's ${changed.join(" and ")} change${changed.length === 1 ? "s" : ""}`;
}

/** The plan of deleting the stack `name`: every resource left is deleted. @throws StackNotFoundError */
export async function deletePlan(session: Session, name: string): Promise<Plan> {
  const rows = await session.engine.listResources(name);
  const entries = new Map<string, PreviewEntry>();
  for (const row of rows) {
    if (row.state === "DELETE_COMPLETE" || row.state === "INIT_COMPLETE") continue;
    entries.set(row.name, { name: row.name, type: row.type, action: "delete", changed: [], reason: "the stack is deleted" });
  }
  return { ...plan(name, true, [...entries.values()], null, true), destructive: true };
}

/** "3 to create, 1 to update, 1 to replace, 2 to delete" (imports and unknowns only when there are some). */
export function planSummary(plan: Plan): string {
  const c = plan.counts;
  return [
    `${c.create} to create`,
    ...(c.import > 0 ? [`${c.import} to import`] : []),
    `${c.update} to update`,
    `${c.replace} to replace`,
    `${c.delete} to delete`,
    ...(c.unknown > 0 ? [`${c.unknown} decided during the update`] : []),
  ].join(", ");
}
