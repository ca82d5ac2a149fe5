/**
 * Import and adopt (Heat's `external_id` and `stack adopt`, Terraform's `import`): take over
 * resources that exist. Both are traversals to a template whose resources carry the
 * physical ids as `externalId`, so the protocol does the work - each update node imports
 * through the type's `read` (no create call) - with supersession, fencing and failure
 * handling as for any update.
 */
import { randomUUID } from "../platform/node.js";
import { z } from "zod";
import { AbandonedStackError, ImportError, TemplateValidationError } from "../errors.js";
import { DependencyGraph } from "../graph/dependency-graph.js";
import { compiledTemplateSchema } from "../memory/snapshot-schema.js";
import type { ResourceRow, StackOptions, StackRecord } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import { isActiveRow } from "../protocol/best-existing.js";
import { startTraversal } from "../protocol/start-traversal.js";
import type { RuntimeStore } from "../runtime/contract.js";
import type { CompiledResource, CompiledTemplate } from "../template/types.js";
import type { AbandonDeps, AbandonedStack } from "./abandon.js";
import { ABANDONED_STACK_VERSION } from "./abandon.js";
import type { StackInfo } from "./stack-view.js";

/** Rows of `name` that stand for a resource that exists or may exist (anything but INIT and deleted). */
function liveRows(rows: readonly ResourceRow[], name: string): ResourceRow[] {
  return rows.filter((r) => r.name === name && isActiveRow(r) && r.action !== "INIT");
}

/**
 * Refuse a template that changes the `external_id` of a resource the stack already manages
 * (as Heat does): a resource with a live row may keep its external id, drop it (the stack
 * keeps managing the resource), or gain one equal to its physical id - nothing else.
 * @throws TemplateValidationError at `resources.NAME.external_id`.
 */
export async function checkExternalIds(store: RuntimeStore, stack: StackRecord, target: CompiledTemplate): Promise<void> {
  const named = Object.entries(target.resources).filter(([, r]) => r.externalId !== undefined);
  if (named.length === 0) return;
  const current = await store.loadTemplate(stack.id, stack.templateId);
  let rows: ResourceRow[] | undefined;
  for (const [name, resource] of named) {
    if (current?.resources[name]?.externalId === resource.externalId) continue;
    rows ??= await store.loadRows(stack.id);
    const other = liveRows(rows, name).find((r) => r.physicalId !== null && r.physicalId !== resource.externalId);
    if (other !== undefined) {
      throw new TemplateValidationError(
        `resources.${name}.external_id`,
        `external_id cannot be changed: resource ${name} already manages ${other.physicalId ?? ""} (remove external_id to keep managing it)`,
      );
    }
  }
}

/**
 * Adopt the existing resource `physicalId` as resource `name` of the stack, whose current
 * template already names it and which has no row for it that may exist (one with a physical
 * id, or in progress): an update traversal to the
 * current template where that resource carries the physical id as its `externalId`.
 * Resolves once the traversal started; `waitForStack` ends it.
 * @throws StackNotFoundError, ImportError (unknown resource, a type without `read`, a live row)
 */
export async function importResource(deps: AbandonDeps, stackName: string, name: string, physicalId: string, startOptions: (stack: StackRecord) => StackOptions): Promise<StackInfo> {
  if (typeof physicalId !== "string" || physicalId === "") throw new ImportError(name, String(physicalId), "the physical id must be a non-empty string");
  return deps.retryStart(stackName, async (stack) => {
    const template = await deps.store.loadTemplate(stack.id, stack.templateId);
    const resource = template?.resources[name];
    if (template === null || resource === undefined) {
      throw new ImportError(name, physicalId, `stack "${stackName}" has no resource ${name} in its template; add it to the template first`);
    }
    if (deps.types.get(resource.type)?.read === undefined) throw new ImportError(name, physicalId, `type ${resource.type} has no read`);
    // A failed create that recorded no physical id made nothing: its row is replaced by the import.
    const live = liveRows(await deps.store.loadRows(stack.id), name).find((r) => r.physicalId !== null || r.status === "IN_PROGRESS");
    if (live !== undefined) {
      throw new ImportError(name, physicalId, `stack "${stackName}" already manages it (${live.action}_${live.status}${live.physicalId === null ? "" : `, ${live.physicalId}`})`);
    }
    const target: CompiledTemplate = { ...template, resources: { ...template.resources, [name]: { ...resource, externalId: physicalId } } };
    return startTraversal(deps.env, {
      stack,
      action: "UPDATE",
      templateId: randomUUID(),
      template: target,
      storeTemplate: true,
      options: startOptions(stack),
      reason: `Stack UPDATE started: importing ${name}`,
    });
  });
}

const abandonedResourceSchema = z.object({
  name: z.string().min(1),
  type: z.string().min(1),
  physicalId: z.string().min(1),
  properties: z.record(z.string(), z.unknown()),
  attributes: z.record(z.string(), z.unknown()),
});

const abandonedStackSchema = z.object({
  version: z.literal(ABANDONED_STACK_VERSION),
  stackName: z.string(),
  template: compiledTemplateSchema,
  parameters: z.record(z.string(), z.unknown()),
  options: z.object({ disableRollback: z.boolean(), timeoutMs: z.number().int().positive().nullable() }),
  resources: z.array(abandonedResourceSchema),
});

/** `issue.path` as a dotted path (`resources[2].physicalId`). */
function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`), "");
}

/**
 * Check an {@link AbandonedStack} and turn it into the template a create converges to:
 * every abandoned resource carries its physical id as `externalId`.
 * @throws AbandonedStackError naming the offending path.
 */
export function adoptionTemplate(value: unknown, types: TypeRegistry): { readonly template: CompiledTemplate; readonly abandoned: AbandonedStack } {
  const parsed = abandonedStackSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AbandonedStackError(issuePath(issue?.path ?? []), issue?.message ?? "not an abandoned stack");
  }
  const abandoned = parsed.data as AbandonedStack;
  const source = abandoned.template;
  const resources: Record<string, CompiledResource> = { ...source.resources };
  for (const [name, resource] of Object.entries(source.resources)) {
    const type = types.get(resource.type);
    if (type === undefined) throw new AbandonedStackError(`template.resources.${name}.type`, `type ${resource.type} is not registered with this engine`);
    for (const dep of resource.dependsOn) {
      if (!(dep in source.resources)) throw new AbandonedStackError(`template.resources.${name}.dependsOn`, `unknown resource ${dep}`);
    }
  }
  const seen = new Set<string>();
  abandoned.resources.forEach((r, i) => {
    const resource = resources[r.name];
    const at = `resources[${i}]`;
    if (seen.has(r.name)) throw new AbandonedStackError(`${at}.name`, `resource ${r.name} is listed twice`);
    seen.add(r.name);
    if (resource === undefined) throw new AbandonedStackError(`${at}.name`, `resource ${r.name} is not in the template`);
    if (resource.type !== r.type) throw new AbandonedStackError(`${at}.type`, `resource ${r.name} is ${resource.type} in the template, not ${r.type}`);
    if (types.get(r.type)?.read === undefined) throw new AbandonedStackError(`${at}.type`, `type ${r.type} has no read, so ${r.name} cannot be adopted`);
    resources[r.name] = { ...resource, externalId: r.physicalId };
  });
  const cycle = DependencyGraph.fromDependencies(Object.entries(source.resources).map(([n, r]) => [n, r.dependsOn] as const)).findCycle();
  if (cycle !== null) throw new AbandonedStackError("template.resources", `dependency cycle ${cycle.join(" -> ")}`);
  // Rows the abandoned stack forgot belong to no stack now: the adopted one forgets nothing.
  const rest: CompiledTemplate = { ...source, resources };
  delete (rest as { forget?: readonly string[] }).forget;
  return { template: rest, abandoned };
}

/** The options an adopted stack starts with: never a rollback (it would delete what was adopted). */
export function adoptionOptions(abandoned: AbandonedStack): StackOptions {
  return { disableRollback: true, timeoutMs: abandoned.options.timeoutMs, parameters: abandoned.parameters };
}
