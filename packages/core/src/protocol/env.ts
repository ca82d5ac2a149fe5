/**
 * What protocol code needs to run one check: the runtime, the store of this delivery, the
 * engine's identity, the resource types and resolved engine options.
 */
import type { NewStackEvent, ResourceRow, RowAction, StackRecord, Status, TraversalGraph } from "../model/types.js";
import type { Logger } from "../plugin/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import type { Runtime, RuntimeStore } from "../runtime/contract.js";
import type { CompiledTemplate } from "../template/types.js";
import type { AbortRegistry } from "./abort-registry.js";

/** Retry behaviour for retryable plugin errors. */
export interface RetryPolicy {
  /** Attempts in total (first call included). */
  readonly maxAttempts: number;
  /** Delay before the first retry, ms. */
  readonly initialDelayMs: number;
  /** Cap of a single delay, ms. */
  readonly maxDelayMs: number;
  /** Multiplier applied per retry. */
  readonly backoffFactor: number;
}

/** Shared, per-engine protocol environment. */
export interface EngineContext {
  /** The runtime. */
  readonly runtime: Runtime;
  /** This engine's id (lock holder name, liveness lease). */
  readonly engineId: string;
  /** Known resource types. */
  readonly types: TypeRegistry;
  /** Engine logger. */
  readonly logger: Logger;
  /** Retry policy for retryable plugin errors. */
  readonly retry: RetryPolicy;
  /** Interval of the stalled-traversal watchdog, ms. */
  readonly watchdogIntervalMs: number;
  /** Abort controllers of in-flight plugin calls. */
  readonly aborts: AbortRegistry;
  /** Per-engine cache of traversal graphs (they never change once stored). */
  readonly graphCache: Map<string, TraversalGraph>;
  /** Per-engine cache of compiled templates by `${stackId}/${templateId}` (immutable). */
  readonly templateCache: Map<string, CompiledTemplate>;
}

/** The environment of one check: engine context plus the delivery's store. */
export interface CheckEnv extends EngineContext {
  /** Store to use for this check (may be wrapped by the runtime). */
  readonly store: RuntimeStore;
}

/** Load a graph through the engine's cache. */
export async function loadGraph(env: CheckEnv, stackId: string, traversalId: string): Promise<TraversalGraph | null> {
  const cached = env.graphCache.get(traversalId);
  if (cached !== undefined) return cached;
  const graph = await env.store.loadGraph(stackId, traversalId);
  if (graph !== null) {
    if (env.graphCache.size > 64) env.graphCache.delete(env.graphCache.keys().next().value as string);
    env.graphCache.set(traversalId, graph);
  }
  return graph;
}

/** Load a template through the engine's cache. */
export async function loadTemplate(env: CheckEnv, stackId: string, templateId: string): Promise<CompiledTemplate | null> {
  const key = `${stackId}/${templateId}`;
  const cached = env.templateCache.get(key);
  if (cached !== undefined) return cached;
  const template = await env.store.loadTemplate(stackId, templateId);
  if (template !== null) {
    if (env.templateCache.size > 64) env.templateCache.delete(env.templateCache.keys().next().value as string);
    env.templateCache.set(key, template);
  }
  return template;
}

/** Append a resource event for a row. */
export async function rowEvent(
  env: CheckEnv,
  stack: StackRecord,
  traversalId: string,
  row: Pick<ResourceRow, "id" | "name" | "physicalId">,
  action: RowAction,
  status: Status,
  reason: string,
): Promise<void> {
  const event: NewStackEvent = {
    time: env.runtime.now(),
    kind: "resource",
    stackName: stack.name,
    traversalId,
    resourceName: row.name,
    rowId: row.id,
    physicalId: row.physicalId,
    action,
    status,
    reason,
  };
  await env.store.appendEvents(stack.id, [event]);
}

/** Append a stack event. */
export async function stackEvent(
  env: Pick<CheckEnv, "store" | "runtime">,
  stack: Pick<StackRecord, "id" | "name">,
  traversalId: string,
  action: StackRecord["action"],
  status: Status,
  reason: string,
): Promise<void> {
  await env.store.appendEvents(stack.id, [
    { time: env.runtime.now(), kind: "stack", stackName: stack.name, traversalId, action, status, reason },
  ]);
}
