/**
 * `createStack` and `adoptStack`: a new stack record written atomically with the start of its
 * CREATE traversal (refused when the name is taken).
 */
import { randomUUID } from "../platform/node.js";
import { InvalidStackNameError, StackExistsError } from "../errors.js";
import type { StackOptions, StackRecord } from "../model/types.js";
import { startTraversal } from "../protocol/start-traversal.js";
import type { CompiledTemplate } from "../template/types.js";
import type { AbandonedStack } from "./abandon.js";
import { adoptionOptions, adoptionTemplate } from "./adopt.js";
import type { EngineDeps } from "./engine-deps.js";
import type { TemplateInput } from "./engine-types.js";
import type { StackOperationOptions } from "./options.js";
import { resolveStackOptions } from "./options.js";
import type { StackInfo } from "./stack-view.js";
import { storedOptions, withReconcile } from "./stored-options.js";

const STACK_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** @throws InvalidStackNameError when `name` is not a valid stack name. */
function checkName(name: string): void {
  if (typeof name !== "string" || !STACK_NAME.test(name)) throw new InvalidStackNameError(name);
}

/** The record of a stack being created. */
function newStackRecord(id: string, name: string, options: StackOptions, reason: string, now: number): StackRecord {
  return {
    id,
    name,
    currentTraversal: `init-${randomUUID()}`,
    templateId: randomUUID(),
    prevTemplateId: null,
    action: "CREATE",
    status: "IN_PROGRESS",
    statusReason: reason,
    options,
    deadline: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** Start the CREATE traversal of a new stack (createStack, adoptStack). @throws InvalidStackNameError, StackExistsError */
async function startCreate(deps: EngineDeps, name: string, compiled: CompiledTemplate, stackOptions: StackOptions, kind: "CREATE" | "ADOPT", id: string): Promise<StackInfo> {
  checkName(name);
  await deps.ready;
  const { store } = deps;
  const reason = kind === "ADOPT" ? "Stack CREATE started: adopting existing resources" : "Stack CREATE started";
  const stack = newStackRecord(id, name, stackOptions, reason, deps.runtime.now());
  // Checked before the timers are armed (the common refusal arms none); the record's
  // write below is the atomic test.
  const existing = await store.findStackId(name);
  if (existing !== null && (await store.loadStack(existing)) !== null) throw new StackExistsError(name);
  await startTraversal(deps.env, {
    stack,
    action: "CREATE",
    templateId: stack.templateId,
    template: compiled,
    storeTemplate: false,
    options: stackOptions,
    reason,
    createRecord: async () => {
      if (!(await store.createStack(stack, compiled))) throw new StackExistsError(name);
    },
  });
  // The template just stored under its id is the one in hand (a large one is costly to read back).
  return deps.info(await deps.load(name), { templateId: stack.templateId, template: compiled });
}

/** `Engine.createStack`: compile for the new stack's id, then start its CREATE traversal. */
export async function createStack(deps: EngineDeps, name: string, template: TemplateInput, opts: StackOperationOptions | undefined): Promise<StackInfo> {
  checkName(name);
  const id = randomUUID();
  const compiled = deps.compiler.compile(template, opts, { name, id, update: false });
  const stackOptions = storedOptions(resolveStackOptions(opts), compiled);
  return withReconcile(deps.env, stackOptions, startCreate(deps, name, compiled, stackOptions, "CREATE", id));
}

/** `Engine.adoptStack`: a create whose resources all carry their physical ids (imported, never created). */
export async function adoptStack(deps: EngineDeps, name: string, abandoned: AbandonedStack): Promise<StackInfo> {
  const { template, abandoned: parsed } = adoptionTemplate(abandoned, deps.types);
  return startCreate(deps, name, template, adoptionOptions(parsed), "ADOPT", randomUUID());
}
