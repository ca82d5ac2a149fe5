/**
 * The engine API (`createEngine`): start traversals like Heat's API does (returning once the
 * leaves are queued), read stacks, resources and events, and - unless disabled - process
 * checks as a worker of the runtime.
 */
import { randomUUID } from "../platform/node.js";
import { InvalidOptionsError, InvalidStackNameError, StackExistsError, StackNotFoundError, StackStateError, StackStateLostError } from "../errors.js";
import type { StackOptions, StackRecord } from "../model/types.js";
import { AbortRegistry } from "../protocol/abort-registry.js";
import type { EngineContext } from "../protocol/env.js";
import { startRollback } from "../protocol/rollback.js";
import { startCheck } from "../protocol/check-stack.js";
import { processCheck } from "../protocol/process-check.js";
import { scheduleReconcile } from "../protocol/reconcile.js";
import { loadTargetMatch, startTraversal } from "../protocol/start-traversal.js";
import type { WorkerRegistration } from "../runtime/contract.js";
import { openRecord } from "../secrets/sealing-store.js";
import { openParameters, sealParameters } from "../secrets/template-secrets.js";
import type { CompiledTemplate } from "../template/types.js";
import { EMPTY_TEMPLATE } from "../template/types.js";
import type { AbandonDeps } from "./abandon.js";
import { abandonResource, abandonStack } from "./abandon.js";
import { adoptionOptions, adoptionTemplate, checkExternalIds, importResource } from "./adopt.js";
import { checkImmutableParameters } from "./immutable-parameters.js";
import type { EngineOptions, StackOperationOptions } from "./options.js";
import { resolveEngineOptions, resolveStackOptions } from "./options.js";
import { stackCompiler } from "./stack-compiler.js";
import { followEvents } from "./follow-events.js";
import { storedEnvironment } from "./stored-environment.js";
import type { EnvironmentInput } from "../template/compose/environment.js";
import { previewUpdate } from "./preview.js";
import { observeForPreview } from "./preview-observe.js";
import type { StackInfo } from "./stack-view.js";
import { nestedStackInfo, splitStackName } from "./nested-view.js";
import { NESTED_SEPARATOR } from "../template/compose/paths.js";
import { displayTypes, resolveOutputs, toResourceInfo, toStackInfo } from "./stack-view.js";
import { PAUSE_TYPE } from "../template/compose/pause-type.js";

export type { Engine, EventsOptions, TemplateInput } from "./engine-types.js";
import type { Engine } from "./engine-types.js";

const STACK_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/**
 * How long after this engine last saw a stack its disappearance without a tombstone counts
 * as lost state: shorter than any runtime keeps tombstones (Redis: at least 1 h), so a
 * missing tombstone cannot just have expired.
 */
const LOST_WINDOW_MS = 3_600_000;

/** @throws InvalidStackNameError when `name` is not a valid stack name. */
function checkName(name: string): void {
  if (typeof name !== "string" || !STACK_NAME.test(name)) throw new InvalidStackNameError(name);
}

/** Options as the stack record stores them: the template's hidden parameter values sealed. */
function storedOptions(options: StackOptions, compiled: CompiledTemplate): StackOptions {
  const withEnvironment = options.environment === undefined ? options : { ...options, environment: storedEnvironment(options.environment as EnvironmentInput) };
  return compiled.secrets === undefined ? withEnvironment : { ...withEnvironment, parameters: sealParameters(options.parameters, compiled) };
}

/** A stored policy in the form of the options (what `updateStack` keeps when not given). */
function storedReconcile(options: StackOptions): StackOperationOptions["reconcile"] {
  const policy = options.reconcile;
  return policy === undefined || policy === null ? null : { every: policy.everyMs, mode: policy.mode };
}

/** Create an engine over a runtime. */
export function createEngine(options: EngineOptions): Engine {
  const resolved = resolveEngineOptions(options);
  const { runtime, types } = resolved;
  const store = runtime.store;
  const context: EngineContext = {
    runtime,
    engineId: resolved.engineId,
    types,
    logger: resolved.logger,
    retry: resolved.retry,
    watchdogIntervalMs: resolved.watchdogIntervalMs,
    aborts: new AbortRegistry(),
    graphCache: new Map(),
    templateCache: new Map(),
  };
  const env = { store, runtime, watchdogIntervalMs: resolved.watchdogIntervalMs };
  let registration: WorkerRegistration | null = null;
  let unsubscribe: (() => void) | null = null;
  const ready: Promise<void> = resolved.worker
    ? (async () => {
        unsubscribe = runtime.onCancel((stackId, traversalId) => context.aborts.abort(stackId, traversalId, "cancelled"));
        registration = await runtime.registerWorker(resolved.engineId, (d) => processCheck(context, d), {
          concurrency: resolved.concurrency,
        });
      })()
    : Promise.resolve();
  // A failed registration is reported by every operation that awaits `ready`, not as an
  // unhandled rejection of the process.
  ready.catch(() => undefined);

  const { compile, composition } = stackCompiler(resolved);

  /**
   * Last record seen per name (and when): waiting on a stack that just got deleted reports
   * the deletion, and a stack this engine saw that vanished without a tombstone was lost.
   */
  const seen = new Map<string, { readonly record: StackRecord; readonly at: number }>();
  const remember = (stack: StackRecord): void => {
    if (seen.size > 1000 && !seen.has(stack.name)) seen.clear();
    seen.set(stack.name, { record: stack, at: runtime.now() });
  };
  const recent = (name: string): StackRecord | undefined => {
    const known = seen.get(name);
    return known !== undefined && runtime.now() - known.at <= LOST_WINDOW_MS ? known.record : undefined;
  };
  /** The error for a stack that is not (or no longer) stored: not found, or lost when it existed and has no tombstone. */
  const missing = async (name: string, stackId: string | null): Promise<Error> => {
    const id = stackId ?? recent(name)?.id ?? null;
    if (id === null || (await store.loadTombstone(id)) !== null) return new StackNotFoundError(name);
    return new StackStateLostError({ name, id });
  };
  const load = async (name: string): Promise<StackRecord> => {
    const id = await store.findStackId(name);
    const stack = id === null ? null : await store.loadStack(id);
    if (stack === null) throw await missing(name, id);
    remember(stack);
    return stack;
  };
  const info = async (stack: StackRecord): Promise<StackInfo> => {
    const template = (await store.loadTemplate(stack.id, stack.templateId)) ?? EMPTY_TEMPLATE;
    // Rows are read only when there are outputs to resolve from them (a large stack's rows
    // are the costliest read of the API).
    const rows = Object.keys(template.outputs).length === 0 ? [] : await store.loadRows(stack.id);
    return toStackInfo(stack, resolveOutputs(stack, template, rows, types), false, template);
  };
  /** Run a traversal start, re-reading the stack when a concurrent start won the CAS. */
  const retryStart = async (name: string, start: (stack: StackRecord) => Promise<string | null>): Promise<StackInfo> => {
    await ready;
    for (let attempt = 0; attempt < 10; attempt++) {
      const stack = await load(name);
      if ((await start(stack)) !== null) return info(await load(name));
    }
    throw new StackStateError(`stack "${name}" is being changed concurrently; try again`);
  };

  const adoption: AbandonDeps = { store, runtime, env, types, load, retryStart };

  const engine: Engine = {
    engineId: resolved.engineId,
    validateTemplate: (template, opts) => compile(template, opts),
    async createStack(name, template, opts) {
      checkName(name);
      const id = randomUUID();
      const compiled = compile(template, opts, { name, id, update: false });
      const stackOptions = storedOptions(resolveStackOptions(opts), compiled);
      return withReconcile(stackOptions, startCreate(name, compiled, stackOptions, "CREATE", id));
    },
    async updateStack(name, template, opts) {
      const previous = await load(name);
      const merged: StackOperationOptions = {
        parameters: opts?.parameters ?? openParameters(previous.options.parameters),
        disableRollback: opts?.disableRollback ?? previous.options.disableRollback,
        timeoutMs: opts?.timeoutMs === undefined ? previous.options.timeoutMs : opts.timeoutMs,
        reconcile: opts?.reconcile === undefined ? storedReconcile(previous.options) : opts.reconcile,
        ...composition(previous, opts),
      };
      const compiled = compile(template, merged, { name, id: previous.id, update: true });
      const stackOptions = storedOptions(resolveStackOptions(merged), compiled);
      const templateId = randomUUID();
      const converge = opts?.converge ?? false;
      if (typeof converge !== "boolean") throw new InvalidOptionsError("converge", "must be a boolean");
      return withReconcile(stackOptions, retryStart(name, async (stack) => {
        checkImmutableParameters(await store.loadTemplate(stack.id, stack.templateId), compiled);
        await checkExternalIds(store, stack, compiled);
        return startTraversal(env, {
          stack,
          action: "UPDATE",
          templateId,
          template: compiled,
          storeTemplate: true,
          options: stackOptions,
          reason: converge ? "Stack UPDATE started (converge)" : "Stack UPDATE started",
          converge,
        });
      }));
    },
    async checkStack(name) {
      return retryStart(name, async (stack) => {
        if (stack.status === "IN_PROGRESS") {
          throw new StackStateError(`stack "${name}" is ${stack.action}_IN_PROGRESS; wait for it to end before checking it`);
        }
        return startCheck(env, stack);
      });
    },
    async deleteStack(name) {
      const templateId = randomUUID();
      return retryStart(name, (stack) =>
        startTraversal(env, { stack, action: "DELETE", templateId, template: EMPTY_TEMPLATE, storeTemplate: true, options: stack.options, reason: "Stack DELETE started" }),
      );
    },
    async rollbackStack(name) {
      return retryStart(name, async (stack) => {
        if (stack.status === "COMPLETE" || stack.action === "DELETE" || stack.action === "CHECK") {
          throw new StackStateError(`stack "${name}" is ${stack.action}_${stack.status}; only a FAILED or IN_PROGRESS create/update can be rolled back`);
        }
        return startRollback(env, stack, "Rollback requested");
      });
    },
    async cancelUpdate(name, opts) {
      const rollback = opts?.rollback ?? true;
      return retryStart(name, async (stack) => {
        if (stack.status !== "IN_PROGRESS" || stack.action === "DELETE") {
          throw new StackStateError(`stack "${name}" is ${stack.action}_${stack.status}; only a create, update or rollback in progress can be cancelled`);
        }
        // A check changes nothing: cancelling it only stops it (CHECK_FAILED "cancelled").
        const started = rollback && stack.action !== "ROLLBACK" && stack.action !== "CHECK"
          ? await startRollback(env, stack, `Stack ${stack.action} cancelled; rolling back`)
          : await cancelWithoutRollback(stack);
        if (started !== null) await runtime.publishCancel(stack.id, stack.currentTraversal);
        return started;
      });
    },
    async previewUpdate(name, template, opts) {
      const stack = await load(name);
      const compiled = compile(
        template,
        { parameters: opts?.parameters ?? openParameters(stack.options.parameters), ...composition(stack, opts) },
        { name, id: stack.id, update: true },
      );
      const rows = (await store.loadRows(stack.id)).map((r) => ({ ...r, properties: openRecord(r.properties), attributes: openRecord(r.attributes) }));
      const match = await loadTargetMatch(store, stack.id, rows, compiled, "preview");
      const current = await store.loadTemplate(stack.id, stack.templateId);
      checkImmutableParameters(current, compiled);
      const observed = opts?.converge === true ? await observeForPreview(stack, rows, types, resolved.logger) : undefined;
      return previewUpdate(stack, compiled, rows, types, current, match, observed);
    },
    async getStack(name) {
      const { stack: stackName, path } = splitStackName(name);
      const stack = await load(stackName);
      if (path === null) return info(stack);
      const template = (await store.loadTemplate(stack.id, stack.templateId)) ?? EMPTY_TEMPLATE;
      return nestedStackInfo(stack, template, await store.loadRows(stack.id), types, path);
    },
    listStacks: () => store.listStackNames(),
    async listResources(name) {
      const { stack: stackName, path } = splitStackName(name);
      const stack = await load(stackName);
      const prefix = path === null ? "" : `${path}${NESTED_SEPARATOR}`;
      const rows = (await store.loadRows(stack.id)).filter((r) => r.name.startsWith(prefix) && r.type !== PAUSE_TYPE);
      const display = await displayTypes(rows, (id) => store.loadTemplate(stack.id, id));
      return rows
        .sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id))
        .map((r) => toResourceInfo(r, types, display.get(r.id)));
    },
    events(name, opts) {
      return followEvents({ store, load }, name, opts ?? {});
    },
    async waitForStack(name, opts) {
      const known = recent(name);
      const stack = await load(name).catch((error: unknown) => {
        if (known !== undefined && error instanceof StackNotFoundError) return known;
        throw error;
      });
      let after: string | null = null;
      let reload = true;
      for (;;) {
        opts?.signal?.throwIfAborted();
        if (reload) {
          const current = await store.loadStack(stack.id);
          if (current === null) {
            // Deleted only when its delete completed (a tombstone); otherwise the store lost it.
            if ((await store.loadTombstone(stack.id)) === null) throw new StackStateLostError({ name, id: stack.id });
            return toStackInfo({ ...stack, action: "DELETE", status: "COMPLETE", statusReason: "Stack deleted" }, {}, true);
          }
          remember(current);
          if (current.status !== "IN_PROGRESS") return info(current);
        }
        const batch = await store.readEvents(stack.id, after, { blockMs: 1000, ...(opts?.signal ? { signal: opts.signal } : {}) });
        // Only a stack event (or a quiet second) can mean the traversal ended: resource events
        // need no reload of the stack record.
        reload = batch.length === 0 || batch.some((event) => event.kind === "stack");
        const last = batch[batch.length - 1];
        if (last !== undefined) after = last.seq;
      }
    },
    importResource: (stackName, name, physicalId) => importResource(adoption, stackName, name, physicalId, (stack) => stack.options),
    abandonStack: (name) => abandonStack(adoption, name),
    abandonResource: (stackName, name) => abandonResource(adoption, stackName, name, (stack) => stack.options),
    async adoptStack(name, abandoned) {
      const { template, abandoned: parsed } = adoptionTemplate(abandoned, types);
      return startCreate(name, template, adoptionOptions(parsed), "ADOPT");
    },
    ready: () => ready,
    async close() {
      await ready.catch(() => undefined);
      unsubscribe?.();
      await registration?.close();
    },
  };

  /** After a start: schedule the stack's reconciliation when its options have a policy. */
  async function withReconcile(options: StackOptions, started: Promise<StackInfo>): Promise<StackInfo> {
    const stack = await started;
    await scheduleReconcile(env, stack.id, options.reconcile);
    return stack;
  }

  /** Start the CREATE traversal of a new stack (createStack, adoptStack). */
  async function startCreate(name: string, compiled: CompiledTemplate, stackOptions: StackOptions, kind: "CREATE" | "ADOPT", id = randomUUID()): Promise<StackInfo> {
    checkName(name);
    await ready;
    const now = runtime.now();
    const reason = kind === "ADOPT" ? "Stack CREATE started: adopting existing resources" : "Stack CREATE started";
    const stack: StackRecord = {
      id,
      name,
      currentTraversal: `init-${randomUUID()}`,
      templateId: randomUUID(),
      prevTemplateId: null,
      action: "CREATE",
      status: "IN_PROGRESS",
      statusReason: reason,
      options: stackOptions,
      deadline: null,
      createdAt: now,
      updatedAt: now,
    };
    // Checked before the timers are armed (the common refusal arms none); the record's
    // write below is the atomic test.
    const existing = await store.findStackId(name);
    if (existing !== null && (await store.loadStack(existing)) !== null) throw new StackExistsError(name);
    await startTraversal(env, {
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
    return info(await load(name));
  }

  async function cancelWithoutRollback(stack: StackRecord): Promise<string | null> {
    const traversalId = randomUUID();
    const reason = `Stack ${stack.action} cancelled`;
    const ok = await store.beginTraversal({
      stackId: stack.id,
      expectedTraversal: stack.currentTraversal,
      stack: { ...stack, currentTraversal: traversalId, status: "FAILED", statusReason: reason, deadline: null, updatedAt: runtime.now() },
    });
    if (!ok) return null;
    await store.appendEvents(stack.id, [{ time: runtime.now(), kind: "stack", stackName: stack.name, traversalId, action: stack.action, status: "FAILED", reason }]);
    return traversalId;
  }

  return engine;
}
