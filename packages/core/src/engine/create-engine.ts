/**
 * The engine API (`createEngine`): start traversals like Heat's API does (returning once the
 * leaves are queued), read stacks, resources and events, and - unless disabled - process
 * checks as a worker of the runtime. This file only wires the operations, each in its own
 * file of `engine/`, to one shared {@link EngineDeps}.
 */
import { abandonResource, abandonStack } from "./abandon.js";
import { importResource } from "./adopt.js";
import { cancelUpdate } from "./cancel-update.js";
import { checkStack } from "./check-stack.js";
import { adoptStack, createStack } from "./create-stack.js";
import { deleteStack } from "./delete-stack.js";
import { engineDeps } from "./engine-deps.js";
import { startEngineWorker } from "./engine-worker.js";
import { followEvents } from "./follow-events.js";
import type { EngineOptions } from "./options.js";
import { resolveEngineOptions } from "./options.js";
import { previewStack } from "./preview-stack.js";
import { getStack, listResources } from "./read-stack.js";
import { rollbackStack } from "./rollback-stack.js";
import { updateStack } from "./update-stack.js";
import { waitForStack } from "./wait-for-stack.js";

export type { Engine, EventsOptions, TemplateInput } from "./engine-types.js";
import type { Engine } from "./engine-types.js";

/** Create an engine over a runtime. @throws InvalidOptionsError for bad options */
export function createEngine(options: EngineOptions): Engine {
  const resolved = resolveEngineOptions(options);
  const worker = startEngineWorker(resolved);
  const deps = engineDeps(resolved, worker.ready);
  return {
    engineId: resolved.engineId,
    validateTemplate: (template, opts) => deps.compiler.compile(template, opts),
    createStack: (name, template, opts) => createStack(deps, name, template, opts),
    updateStack: (name, template, opts) => updateStack(deps, name, template, opts),
    checkStack: (name) => checkStack(deps, name),
    deleteStack: (name) => deleteStack(deps, name),
    rollbackStack: (name) => rollbackStack(deps, name),
    cancelUpdate: (name, opts) => cancelUpdate(deps, name, opts),
    previewUpdate: (name, template, opts) => previewStack(deps, name, template, opts),
    getStack: (name) => getStack(deps, name),
    listStacks: () => deps.store.listStackNames(),
    listResources: (name) => listResources(deps, name),
    events: (name, opts) => followEvents(deps, name, opts ?? {}),
    waitForStack: (name, opts) => waitForStack(deps, name, opts),
    importResource: (stackName, name, physicalId) => importResource(deps, stackName, name, physicalId, (stack) => stack.options),
    abandonStack: (name) => abandonStack(deps, name),
    abandonResource: (stackName, name) => abandonResource(deps, stackName, name, (stack) => stack.options),
    adoptStack: (name, abandoned) => adoptStack(deps, name, abandoned),
    ready: () => worker.ready,
    close: () => worker.close(),
  };
}
