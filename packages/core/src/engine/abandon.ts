/**
 * Abandon (Heat's `stack abandon`, Terraform's `state rm`): stop managing resources without
 * deleting them, and return what was let go as plain JSON that `adoptStack` takes back.
 */
import { randomUUID } from "../platform/node.js";
import { StackStateError } from "../errors.js";
import type { ResourceRow, StackOptions, StackRecord } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import { isActiveRow } from "../protocol/best-existing.js";
import type { TraversalEnv } from "../protocol/start-traversal.js";
import { startTraversal } from "../protocol/start-traversal.js";
import type { Runtime, RuntimeStore } from "../runtime/contract.js";
import { isPlainObject } from "../template/plain-data.js";
import type { CompiledTemplate } from "../template/types.js";
import { EMPTY_TEMPLATE } from "../template/types.js";
import type { StackInfo } from "./stack-view.js";

/** Version of the {@link AbandonedStack} format. */
export const ABANDONED_STACK_VERSION = 1;

/** A resource a stack stopped managing: what `read` needs to adopt it again. */
export interface AbandonedResource {
  /** Logical name. */
  readonly name: string;
  /** Resource type name. */
  readonly type: string;
  /** Physical id of the resource left in place. */
  readonly physicalId: string;
  /** Properties recorded for it, as the stack stores them (secrets sealed). */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Attribute values recorded for it, as the stack stores them. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A whole stack let go by `abandonStack`: plain JSON, versioned; `adoptStack` takes it back. */
export interface AbandonedStack {
  /** Format version ({@link ABANDONED_STACK_VERSION}). */
  readonly version: typeof ABANDONED_STACK_VERSION;
  /** Name of the abandoned stack. */
  readonly stackName: string;
  /** The stack's compiled template, as stored (hidden values sealed). */
  readonly template: CompiledTemplate;
  /** Parameter values, as the stack stores them (hidden ones sealed). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The stack's rollback and timeout options. */
  readonly options: { readonly disableRollback: boolean; readonly timeoutMs: number | null };
  /** One entry per resource that exists. */
  readonly resources: readonly AbandonedResource[];
}

/** What abandoning needs from the engine. */
export interface AbandonDeps {
  readonly store: RuntimeStore;
  readonly runtime: Runtime;
  readonly env: TraversalEnv;
  readonly types: TypeRegistry;
  /** The stack record by name. @throws StackNotFoundError */
  load(name: string): Promise<StackRecord>;
  /** Run a traversal start, retried when a concurrent start won the CAS. */
  retryStart(name: string, start: (stack: StackRecord) => Promise<string | null>): Promise<StackInfo>;
}

/**
 * The live rows of a settled stack, one per resource name (rows with no physical id are
 * left out: nothing of theirs exists).
 * @throws StackStateError while a traversal is in progress, or when a name has several
 *   incarnations (a replacement that did not finish) or a row is mid-operation.
 */
async function settledRows(deps: AbandonDeps, stack: StackRecord, what: string): Promise<ResourceRow[]> {
  if (stack.status === "IN_PROGRESS") {
    throw new StackStateError(`stack "${stack.name}" is ${stack.action}_IN_PROGRESS; wait for it (or cancel it) before ${what}`);
  }
  const rows = (await deps.store.loadRows(stack.id)).filter((r) => isActiveRow(r) && r.action !== "INIT");
  const byName = new Map<string, ResourceRow>();
  for (const row of rows) {
    if (row.status === "IN_PROGRESS" || row.lockHolder !== null) {
      throw new StackStateError(`resource ${row.name} of stack "${stack.name}" is ${row.action}_IN_PROGRESS; converge the stack before ${what}`);
    }
    if (row.physicalId === null) continue;
    if (byName.has(row.name)) {
      throw new StackStateError(`resource ${row.name} of stack "${stack.name}" has several incarnations (a replacement did not finish); update or roll back the stack before ${what}`);
    }
    byName.set(row.name, row);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function abandonedResource(row: ResourceRow): AbandonedResource {
  return { name: row.name, type: row.type, physicalId: row.physicalId as string, properties: { ...row.properties }, attributes: { ...row.attributes } };
}

/**
 * Stop managing a stack without deleting anything: its records are removed in one atomic
 * step that leaves a tombstone (as a completed delete does, so it is not reported as lost
 * state), and no plugin is called.
 * @throws StackNotFoundError, StackStateError (in progress, or not settled enough to say what exists)
 */
export async function abandonStack(deps: AbandonDeps, name: string): Promise<AbandonedStack> {
  const stack = await deps.load(name);
  const rows = await settledRows(deps, stack, "abandoning it");
  const template = (await deps.store.loadTemplate(stack.id, stack.templateId)) ?? EMPTY_TEMPLATE;
  const reason = `Stack abandoned: ${rows.length} resource(s) left in place, no longer managed`;
  await deps.store.appendEvents(stack.id, [
    { time: deps.runtime.now(), kind: "stack", stackName: stack.name, traversalId: stack.currentTraversal, action: "DELETE", status: "COMPLETE", reason },
  ]);
  // The CAS on the traversal: a traversal started since the rows were read wins, and nothing is removed.
  if (!(await deps.store.deleteStack(stack.id, stack.currentTraversal, deps.runtime.now()))) {
    throw new StackStateError(`stack "${name}" changed while it was being abandoned; nothing was abandoned, try again`);
  }
  return {
    version: ABANDONED_STACK_VERSION,
    stackName: stack.name,
    template,
    parameters: { ...stack.options.parameters },
    options: { disableRollback: stack.options.disableRollback, timeoutMs: stack.options.timeoutMs },
    resources: rows.map(abandonedResource),
  };
}

/**
 * Stop managing one resource without deleting it (Terraform's `state rm`): an update
 * traversal to the stack's current template without the resource, whose cleanup of that
 * resource's row forgets it (removes the row, calls no plugin). Resolves once the traversal
 * started; `waitForStack` ends it. A later update whose template names the resource again
 * creates a new one.
 * @throws StackStateError when the stack is in progress or failed, the resource is unknown or has no
 *   physical resource, or other resources or outputs still refer to it.
 */
export async function abandonResource(deps: AbandonDeps, stackName: string, name: string, startOptions: (stack: StackRecord) => StackOptions): Promise<AbandonedResource> {
  const stack = await deps.load(stackName);
  if (stack.status === "FAILED") {
    // The traversal would also retry what failed, and its rollback would make the resource again.
    throw new StackStateError(`stack "${stackName}" is ${stack.action}_FAILED; update or roll it back before abandoning ${name}`);
  }
  const row = (await settledRows(deps, stack, `abandoning ${name}`)).find((r) => r.name === name);
  if (row === undefined) throw new StackStateError(`stack "${stackName}" has no resource ${name} that exists`);
  const template = (await deps.store.loadTemplate(stack.id, stack.templateId)) ?? EMPTY_TEMPLATE;
  const target = withoutResource(template, name, stackName, row.id);
  await deps.retryStart(stackName, async (current) => {
    if (current.currentTraversal !== stack.currentTraversal) {
      throw new StackStateError(`stack "${stackName}" changed while ${name} was being abandoned; nothing was abandoned, try again`);
    }
    return startTraversal(deps.env, {
      stack: current,
      action: "UPDATE",
      templateId: randomUUID(),
      template: target,
      storeTemplate: true,
      options: startOptions(current),
      reason: `Stack UPDATE started: abandoning ${name}`,
    });
  });
  return abandonedResource(row);
}

/** `template` without resource `name`, forgetting row `rowId`. @throws StackStateError when anything refers to it. */
function withoutResource(template: CompiledTemplate, name: string, stackName: string, rowId: string): CompiledTemplate {
  if (!Object.prototype.hasOwnProperty.call(template.resources, name)) {
    // Not in the template (a row left by a failed update): forgetting it is all there is to do.
    return { ...template, forget: [rowId] };
  }
  const users = Object.entries(template.resources).filter(([, r]) => r.dependsOn.includes(name)).map(([n]) => `resource ${n}`);
  users.push(...Object.entries(template.outputs).filter(([, o]) => mentions(o.value, name)).map(([n]) => `output ${n}`));
  if (users.length > 0) {
    throw new StackStateError(`resource ${name} of stack "${stackName}" is used by ${users.join(", ")}; change or abandon those first`);
  }
  const resources = Object.fromEntries(Object.entries(template.resources).filter(([n]) => n !== name));
  const attributeRefs = Object.fromEntries(Object.entries(template.attributeRefs).filter(([n]) => n !== name));
  return { ...template, resources, attributeRefs, forget: [rowId] };
}

/** Whether a compiled value refers to resource `name` (`get_resource` / `get_attr`). */
function mentions(value: unknown, name: string): boolean {
  if (Array.isArray(value)) return value.some((v) => mentions(v, name));
  if (!isPlainObject(value)) return false;
  const ref = value.get_resource ?? (Array.isArray(value.get_attr) ? (value.get_attr as unknown[])[0] : undefined);
  if (ref === name) return true;
  return Object.values(value).some((v) => mentions(v, name));
}
