/**
 * The engine's cache of traversal graphs (`EngineContext.graphCache`), keyed by
 * `${stackId}/${traversalId}`: at most one graph per stack.
 *
 * A stack has one current traversal, and a check loads a graph only for the traversal that
 * was current when it read the stack record (`processCheck` drops a stale message before it
 * loads anything). So once a graph of a newer traversal of a stack is cached, the older one
 * is of no use to a later check: keeping it only held a finished traversal's graph (~35 MiB
 * at 100k resources) until 64 newer graphs pushed it out. A check that read the stack just
 * before the newer traversal began may still ask for the older graph: it misses the cache
 * and loads it from the store (which answers null once the graph is gone) - a load more,
 * never a wrong graph, and the cache is only ever an accelerator (graphs never change).
 */
import type { TraversalGraph } from "../model/types.js";

/** The stack id of a `${stackId}/${traversalId}` key (traversal ids hold no `/`). */
function stackOf(key: string): string {
  return key.slice(0, key.lastIndexOf("/"));
}

/** A `Map` of graphs by `${stackId}/${traversalId}` that keeps the newest stored graph of each stack. */
export class GraphCache extends Map<string, TraversalGraph> {
  /** The key cached for each stack. */
  readonly #byStack = new Map<string, string>();

  /** Cache `graph` under `key`, dropping the graph cached for another traversal of the same stack. */
  override set(key: string, graph: TraversalGraph): this {
    const stack = stackOf(key);
    const previous = this.#byStack.get(stack);
    if (previous !== undefined && previous !== key) super.delete(previous);
    this.#byStack.set(stack, key);
    return super.set(key, graph);
  }

  override delete(key: string): boolean {
    const stack = stackOf(key);
    if (this.#byStack.get(stack) === key) this.#byStack.delete(stack);
    return super.delete(key);
  }

  override clear(): void {
    this.#byStack.clear();
    super.clear();
  }
}
