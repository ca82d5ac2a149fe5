/**
 * The per-engine caches of immutable stored values a check reads: traversal graphs and
 * compiled templates (neither changes once stored).
 */
import type { TraversalGraph } from "../model/types.js";
import type { CompiledTemplate } from "../template/types.js";
import type { CheckEnv } from "./env.js";

/** Loads in flight per cache, shared by the checks that need the same value at once. */
const inFlight = new WeakMap<Map<string, unknown>, Map<string, Promise<unknown>>>();

/**
 * A value through a per-engine cache of immutable values (at most 64 kept): a hit at once
 * (no promise: this runs several times per check), a miss as a promise. Concurrent
 * checks that miss the cache for the same key share one load: the first checks of a
 * traversal all need its graph and template at the same moment.
 */
function cached<T>(cache: Map<string, T>, key: string, load: () => Promise<T | null>): T | Promise<T | null> {
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
        if (cache.size > 64) cache.delete(cache.keys().next().value as string);
        cache.set(key, value);
      }
      return value;
    })
    .finally(() => owned.delete(key));
  owned.set(key, loading);
  return loading;
}

/**
 * The cache key `${stackId}/${id}`, the same string each time for the same pair. A check looks
 * its graph and templates up several times; a key built anew each time is a new string the
 * map must hash again (73 characters for two uuids), ~4% of a memory-runtime check. The ids
 * are the stored ones, so a few pairs are live at a time: the memo is dropped when it holds
 * 256 stacks.
 */
const keys = new Map<string, Map<string, string>>();
function keyOf(stackId: string, id: string): string {
  let ofStack = keys.get(stackId);
  if (ofStack === undefined) {
    if (keys.size >= 256) keys.clear();
    ofStack = new Map();
    keys.set(stackId, ofStack);
  }
  let key = ofStack.get(id);
  if (key === undefined) {
    if (ofStack.size >= 256) ofStack.clear();
    key = `${stackId}/${id}`;
    ofStack.set(id, key);
  }
  return key;
}

/** Load a graph through the engine's cache (a hit is given at once, not as a promise: await either). */
export function loadGraph(env: CheckEnv, stackId: string, traversalId: string): TraversalGraph | Promise<TraversalGraph | null> {
  return cached(env.graphCache, keyOf(stackId, traversalId), () => env.store.loadGraph(stackId, traversalId));
}

/** Load a template through the engine's cache (a hit is given at once, not as a promise: await either). */
export function loadTemplate(env: Pick<CheckEnv, "store" | "templateCache">, stackId: string, templateId: string): CompiledTemplate | Promise<CompiledTemplate | null> {
  return cached(env.templateCache, keyOf(stackId, templateId), () => env.store.loadTemplate(stackId, templateId));
}

/** The template the engine's cache holds, if it does (no load, no wait). */
export function cachedTemplate(env: Pick<CheckEnv, "templateCache">, stackId: string, templateId: string): CompiledTemplate | undefined {
  return env.templateCache.get(keyOf(stackId, templateId));
}
