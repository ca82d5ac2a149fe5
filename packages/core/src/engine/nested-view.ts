/**
 * The view of one nested stack of a composed stack (`getStack("stack/app")`): its parameters,
 * outputs and a status derived from its resources' rows.
 */
import { StackNotFoundError } from "../errors.js";
import type { ResourceRow, StackEvent, StackRecord } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import { NESTED_SEPARATOR, parentStackPath } from "../template/compose/paths.js";
import type { CompiledTemplate, NestedStackKind } from "../template/types.js";
import type { StackInfo } from "./stack-view.js";
import { liveRowsByName, resolveOutputs, toStackInfo } from "./stack-view.js";

/** One nested stack as `getStack("stack/path")` reports it. */
export interface NestedStackInfo extends StackInfo {
  /** Name of the top-level stack it belongs to. */
  readonly parent: string;
  /** Its path in the top-level stack (`app`, `group/3`): the name of its node resource. */
  readonly path: string;
  /** The type that made it (`db.yaml`, `OS::Heat::ResourceGroup`, ...). */
  readonly type: string;
  /** Its kind. */
  readonly kind: NestedStackKind;
  /** Names (paths) of its direct members. */
  readonly members: readonly string[];
}

/** Split `stack/path` into the stack name and the nested path (null for a plain name). */
export function splitStackName(name: string): { readonly stack: string; readonly path: string | null } {
  const at = typeof name === "string" ? name.indexOf(NESTED_SEPARATOR) : -1;
  return at < 0 ? { stack: name, path: null } : { stack: name.slice(0, at), path: name.slice(at + 1) };
}

/**
 * The view of nested stack `path` of `stack` (converging to `template`).
 * Status: FAILED when one of its live rows failed (the reason names it), IN_PROGRESS while the
 * stack's traversal has not yet completed its node, else COMPLETE; the action is the stack's.
 * @throws StackNotFoundError when the template has no nested stack at `path`.
 */
export function nestedStackInfo(stack: StackRecord, template: CompiledTemplate, rows: readonly ResourceRow[], types: TypeRegistry, path: string): NestedStackInfo {
  const nested = template.nested?.[path];
  if (nested === undefined) throw new StackNotFoundError(`${stack.name}${NESTED_SEPARATOR}${path}`);
  const live = liveRowsByName(stack, template, rows);
  const prefix = `${path}${NESTED_SEPARATOR}`;
  let failed: ResourceRow | undefined;
  for (const [name, row] of live) {
    if (name.startsWith(prefix) && row.status === "FAILED" && failed === undefined) failed = row;
  }
  const node = live.get(path);
  const done = node !== undefined && node.status === "COMPLETE" && node.templateId === stack.templateId;
  const status = failed !== undefined ? "FAILED" : stack.status === "IN_PROGRESS" && !done ? "IN_PROGRESS" : "COMPLETE";
  const reason = failed !== undefined ? `${failed.name}: ${failed.statusReason}` : status === "COMPLETE" ? `Nested stack ${stack.action} completed` : `Nested stack ${stack.action} in progress`;
  const outputs = resolveOutputs(stack, { ...template, outputs: nested.outputs }, rows, types);
  const base = toStackInfo({ ...stack, status, statusReason: reason }, outputs, false, { ...template, parameters: nested.parameters });
  return {
    ...base,
    id: nested.stackId,
    name: `${stack.name}${NESTED_SEPARATOR}${path}`,
    parent: stack.name,
    path,
    type: nested.type,
    kind: nested.kind,
    members: nested.members,
  };
}

/**
 * `event` with `nestedStack` set for a resource of a nested stack, or null when `path` (a
 * nested stack) is given and the event is a resource event outside it.
 */
export function withNestedStack(event: StackEvent, path: string | null): StackEvent | null {
  const name = event.resourceName;
  if (name === undefined) return event;
  if (path !== null && !name.startsWith(`${path}${NESTED_SEPARATOR}`)) return null;
  const nestedStack = parentStackPath(name);
  return nestedStack === null ? event : { ...event, nestedStack };
}
