/**
 * The engine's reads: `getStack` and `listResources`, of a stack or of one nested stack
 * (`"stack/app"`), built from the stored record, template and rows (`stack-view.ts`,
 * `nested-view.ts`).
 */
import type { ResourceInfo, StackInfo } from "./stack-view.js";
import { displayTypes, toResourceInfo } from "./stack-view.js";
import { nestedStackInfo, splitStackName } from "./nested-view.js";
import { NESTED_SEPARATOR } from "../template/compose/paths.js";
import { PAUSE_TYPE } from "../template/compose/pause-type.js";
import { EMPTY_TEMPLATE } from "../template/types.js";
import type { EngineDeps } from "./engine-deps.js";

/** `Engine.getStack`. @throws StackNotFoundError */
export async function getStack(deps: EngineDeps, name: string): Promise<StackInfo> {
  const { stack: stackName, path } = splitStackName(name);
  const stack = await deps.load(stackName);
  if (path === null) return deps.info(stack);
  const template = (await deps.store.loadTemplate(stack.id, stack.templateId)) ?? EMPTY_TEMPLATE;
  return nestedStackInfo(stack, template, await deps.store.loadRows(stack.id), deps.types, path);
}

/** `Engine.listResources`: every row (all incarnations), oldest first; pause rows left out. @throws StackNotFoundError */
export async function listResources(deps: EngineDeps, name: string): Promise<ResourceInfo[]> {
  const { store } = deps;
  const { stack: stackName, path } = splitStackName(name);
  const stack = await deps.load(stackName);
  const prefix = path === null ? "" : `${path}${NESTED_SEPARATOR}`;
  const rows = (await store.loadRows(stack.id)).filter((r) => r.name.startsWith(prefix) && r.type !== PAUSE_TYPE);
  const display = await displayTypes(rows, (id) => store.loadTemplate(stack.id, id));
  return rows
    .sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id))
    .map((r) => toResourceInfo(r, deps.types, display.get(r.id)));
}
