/**
 * The per-engine caches of immutable stored values a check reads: traversal graphs and
 * compiled templates (neither changes once stored).
 */
import type { TraversalGraph } from "../model/types.js";
import type { CompiledTemplate } from "../template/types.js";
import type { CheckEnv } from "./env.js";

/** Loads in flight per cache, shared by the checks that need the same value at once. */
const inFlight = new WeakMap<Map<string, unknown>, Map<string, Promise<unknown>>>();

/** Graphs kept per engine; templates kept per engine, and at most per stack. */
const GRAPHS_KEPT = 64;
const TEMPLATES_KEPT = 64;
const TEMPLATES_KEPT_PER_STACK = 4;

/**
 * A value through a per-engine cache of immutable values (at most `limit` kept): a hit at
 * once (no promise: this runs several times per check), a miss as a promise. Concurrent
 * checks that miss the cache for the same key share one load: the first checks of a
 * traversal all need its graph and template at the same moment.
 */
function cached<T>(cache: Map<string, T>, key: string, limit: number, load: () => Promise<T | null>): T | Promise<T | null> {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let loads = inFlight.get(cache);
  if (loads === undefined) {
    loads = new Map();
    inFlight.set(cache, loads);
  }
  const running = loads.get(key) as Promise<T | null> | undefined;
  if (running !== undefined) return running;
  const owned = loads;
  const loading = load()
    .then((value) => {
      if (value !== null) {
        if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
        cache.set(key, value);
      }
      return value;
    })
    .finally(() => owned.delete(key));
  owned.set(key, loading);
  return loading;
}

/** Load a graph through the engine's cache (a hit is given at once, not as a promise: await either). */
export function loadGraph(env: CheckEnv, stackId: string, traversalId: string): TraversalGraph | Promise<TraversalGraph | null> {
  return cached(env.graphCache, traversalId, GRAPHS_KEPT, () => env.store.loadGraph(stackId, traversalId));
}

/** Template loads in flight per engine cache, by `${stackId}/${templateId}` (a key made on a miss only). */
const templateLoads = new WeakMap<Map<string, Map<string, CompiledTemplate>>, Map<string, Promise<CompiledTemplate | null>>>();

/**
 * Load a template through the engine's cache (a hit is given at once, not as a promise:
 * await either). The cache has two levels, stack id then template id, not one key
 * `${stackId}/${templateId}`: a check looks templates up two or three times, and a key of two
 * ids concatenated had to be built, flattened and hashed each time. Concurrent misses of one
 * template share one load.
 */
export function loadTemplate(env: Pick<CheckEnv, "store" | "templateCache">, stackId: string, templateId: string): CompiledTemplate | Promise<CompiledTemplate | null> {
  const hit = cachedTemplate(env, stackId, templateId);
  if (hit !== undefined) return hit;
  const stacks = env.templateCache;
  let loads = templateLoads.get(stacks);
  if (loads === undefined) {
    loads = new Map();
    templateLoads.set(stacks, loads);
  }
  const key = `${stackId}/${templateId}`;
  const running = loads.get(key);
  if (running !== undefined) return running;
  const owned = loads;
  const loading = env.store
    .loadTemplate(stackId, templateId)
    .then((template) => {
      if (template !== null) keepTemplate(stacks, stackId, templateId, template);
      return template;
    })
    .finally(() => owned.delete(key));
  owned.set(key, loading);
  return loading;
}

/**
 * Keep a loaded template: its stack becomes the most recent one; at most
 * {@link TEMPLATES_KEPT_PER_STACK} per stack and {@link TEMPLATES_KEPT} in all (the least
 * recent stacks' go first).
 */
function keepTemplate(stacks: Map<string, Map<string, CompiledTemplate>>, stackId: string, templateId: string, template: CompiledTemplate): void {
  const templates = stacks.get(stackId) ?? new Map<string, CompiledTemplate>();
  stacks.delete(stackId);
  stacks.set(stackId, templates);
  if (templates.size >= TEMPLATES_KEPT_PER_STACK) templates.delete(templates.keys().next().value as string);
  templates.set(templateId, template);
  let total = 0;
  for (const kept of stacks.values()) total += kept.size;
  for (const [id, kept] of stacks) {
    if (total <= TEMPLATES_KEPT || id === stackId) break;
    total -= kept.size;
    stacks.delete(id);
  }
}

/** The template the engine's cache holds, if it does (no load, no wait). */
export function cachedTemplate(env: Pick<CheckEnv, "templateCache">, stackId: string, templateId: string): CompiledTemplate | undefined {
  return env.templateCache.get(stackId)?.get(templateId);
}
