/**
 * What every engine operation shares (`createEngine` builds it once): the runtime, its store
 * and the traversal environment, the stack compiler, the worker's readiness, the lookup of a
 * stack by name (telling a deleted stack from lost state) and the retried traversal start.
 */
import { StackNotFoundError, StackStateError, StackStateLostError } from "../errors.js";
import type { StackRecord } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import type { TraversalEnv } from "../protocol/start-traversal.js";
import type { Runtime, RuntimeStore } from "../runtime/contract.js";
import type { CompiledTemplate } from "../template/types.js";
import { MAX_TEMPLATE_DEPTH } from "../template/nesting.js";
import { EMPTY_TEMPLATE } from "../template/types.js";
import type { ResolvedEngineOptions } from "./options.js";
import type { StackCompiler } from "./stack-compiler.js";
import { stackCompiler } from "./stack-compiler.js";
import type { StackInfo } from "./stack-view.js";
import { resolveOutputs, toStackInfo } from "./stack-view.js";

/**
 * How long after this engine last saw a stack its disappearance without a tombstone counts
 * as lost state: shorter than any runtime keeps tombstones (Redis: at least 1 h), so a
 * missing tombstone cannot just have expired.
 */
const LOST_WINDOW_MS = 3_600_000;

/** The engine's shared state and lookups, passed to each API operation. */
export interface EngineDeps {
  /** The engine's resolved options. */
  readonly resolved: ResolvedEngineOptions;
  /** The runtime. */
  readonly runtime: Runtime;
  /** The runtime's store. */
  readonly store: RuntimeStore;
  /** Known resource types. */
  readonly types: TypeRegistry;
  /** What a traversal start needs. */
  readonly env: TraversalEnv;
  /** The engine's template compiler. */
  readonly compiler: StackCompiler;
  /** Resolves once the worker is registered (operations that start traversals await it). */
  readonly ready: Promise<void>;
  /** The stack record by name. @throws StackNotFoundError, StackStateLostError */
  load(name: string): Promise<StackRecord>;
  /** The record this engine last saw under `name`, if within the lost-state window. */
  recent(name: string): StackRecord | undefined;
  /** Note a record as seen now. */
  remember(stack: StackRecord): void;
  /**
   * The API view of a stack record (outputs resolved). `known` is a template in hand with its
   * id (a create's own): used instead of loading it when the record still names that id (a
   * stored template never changes under its id) and the view's parts of it read back from
   * JSON as they are.
   */
  info(stack: StackRecord, known?: KnownTemplate): Promise<StackInfo>;
  /** Run a traversal start, re-reading the stack when a concurrent start won the CAS. @throws StackStateError after 10 losses */
  retryStart(name: string, start: (stack: StackRecord) => Promise<string | null>): Promise<StackInfo>;
}

/** A compiled template and the id it is stored under. */
export interface KnownTemplate {
  readonly templateId: string;
  readonly template: CompiledTemplate;
}

/**
 * Whether the template in hand is the one `stack` names and what a view reads of it (its
 * parameters and outputs) is what a store that keeps it as JSON reads back: plain data with no
 * -0, non-finite number or undefined (which JSON does not keep).
 */
function readsBackAsIs(known: KnownTemplate, stack: StackRecord): boolean {
  return known.templateId === stack.templateId && jsonStable(known.template.parameters ?? {}, 0) && jsonStable(known.template.outputs, 0);
}

/** Whether `value` reads back from its JSON text as itself (see {@link readsBackAsIs}). */
function jsonStable(value: unknown, depth: number): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== "object" || depth > MAX_TEMPLATE_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item) => jsonStable(item, depth + 1));
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value).every((item) => jsonStable(item, depth + 1));
}

/**
 * The last record seen per name (and when): waiting on a stack that just got deleted reports
 * the deletion, and a stack this engine saw that vanished without a tombstone was lost.
 */
function seenStacks(runtime: Runtime): Pick<EngineDeps, "recent" | "remember"> {
  const seen = new Map<string, { readonly record: StackRecord; readonly at: number }>();
  return {
    remember(stack) {
      if (seen.size > 1000 && !seen.has(stack.name)) seen.clear();
      seen.set(stack.name, { record: stack, at: runtime.now() });
    },
    recent(name) {
      const known = seen.get(name);
      return known !== undefined && runtime.now() - known.at <= LOST_WINDOW_MS ? known.record : undefined;
    },
  };
}

/** The shared state of an engine with `resolved` options whose worker settles `ready`. */
export function engineDeps(resolved: ResolvedEngineOptions, ready: Promise<void>): EngineDeps {
  const { runtime, types } = resolved;
  const store = runtime.store;
  const { recent, remember } = seenStacks(runtime);
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
  const info = async (stack: StackRecord, known?: KnownTemplate): Promise<StackInfo> => {
    const template = known !== undefined && readsBackAsIs(known, stack) ? known.template : ((await store.loadTemplate(stack.id, stack.templateId)) ?? EMPTY_TEMPLATE);
    // Rows are read only when there are outputs to resolve from them (a large stack's rows
    // are the costliest read of the API).
    const rows = Object.keys(template.outputs).length === 0 ? [] : await store.loadRows(stack.id);
    return toStackInfo(stack, resolveOutputs(stack, template, rows, types), false, template);
  };
  const retryStart = async (name: string, start: (stack: StackRecord) => Promise<string | null>): Promise<StackInfo> => {
    await ready;
    for (let attempt = 0; attempt < 10; attempt++) {
      const stack = await load(name);
      if ((await start(stack)) !== null) return info(await load(name));
    }
    throw new StackStateError(`stack "${name}" is being changed concurrently; try again`);
  };
  const env: TraversalEnv = { store, runtime, watchdogIntervalMs: resolved.watchdogIntervalMs };
  return { resolved, runtime, store, types, env, compiler: stackCompiler(resolved), ready, load, recent, remember, info, retryStart };
}
