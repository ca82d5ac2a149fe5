/**
 * The engine's caches of immutable stored values (`EngineContext.graphCache` and
 * `templateCache`, read through `protocol/engine-cache.ts`): `Map`s that forget what no later
 * check of a stack will read, so that a finished 100k traversal's graph (~35-55 MiB) and its
 * templates (~15-20 MiB each) do not stay in memory until 64 newer entries push them out.
 *
 * - Graphs, by `${stackId}/${traversalId}`: at most one per stack. A stack has one current
 *   traversal, and a check loads a graph only for the traversal that was current when it read
 *   the stack record (`processCheck` drops a stale message before it loads anything), so once
 *   a newer traversal's graph is cached the older one is of no use.
 * - Templates, by `${stackId}/${templateId}`: when a newer traversal's graph of a stack is
 *   cached, the stack's templates other than that traversal's target and the previous
 *   traversal's target (the stack's `prevTemplateId`, which every check reads for its secrets)
 *   are dropped. An older template a cleanup still needs (a row left by an older traversal)
 *   is loaded again once and kept until the next traversal.
 * - When a `complete` check ends, its traversal's graph is dropped, and the stack's templates
 *   but the traversal's target (`finished`): a finished traversal's graph is read by no check.
 *
 * Only ever a load more, never a wrong value: a check that read the stack just before a newer
 * traversal began may still ask for an older graph or template; it misses the cache and loads
 * it from the store (graphs and templates never change once stored; a store answers null
 * once one is gone).
 */
import type { TraversalGraph } from "../model/types.js";
import type { CompiledTemplate } from "../template/types.js";

/** The stack id of a `${stackId}/${id}` key (graph and template ids hold no `/`). */
function stackOf(key: string): string {
  return key.slice(0, key.lastIndexOf("/"));
}

/** A `Map` of templates by `${stackId}/${templateId}` that can drop a stack's templates but some. */
export class TemplateCache extends Map<string, CompiledTemplate> {
  /** The keys cached for each stack. */
  readonly #byStack = new Map<string, Set<string>>();

  override set(key: string, template: CompiledTemplate): this {
    const stack = stackOf(key);
    let keys = this.#byStack.get(stack);
    if (keys === undefined) {
      keys = new Set();
      this.#byStack.set(stack, keys);
    }
    keys.add(key);
    return super.set(key, template);
  }

  override delete(key: string): boolean {
    const stack = stackOf(key);
    const keys = this.#byStack.get(stack);
    if (keys !== undefined && keys.delete(key) && keys.size === 0) this.#byStack.delete(stack);
    return super.delete(key);
  }

  override clear(): void {
    this.#byStack.clear();
    super.clear();
  }

  /** Drop the templates of `stackId` but those with the ids in `keep`. */
  keepOnly(stackId: string, keep: ReadonlyArray<string | undefined>): void {
    const keys = this.#byStack.get(stackId);
    if (keys === undefined) return;
    for (const key of [...keys]) if (!keep.includes(key.slice(stackId.length + 1))) this.delete(key);
  }
}

/**
 * A `Map` of graphs by `${stackId}/${traversalId}` that keeps the newest stored graph of each
 * stack, and trims the stack's cached templates when a newer traversal's graph comes in.
 */
export class GraphCache extends Map<string, TraversalGraph> {
  /** The key cached for each stack. */
  readonly #byStack = new Map<string, string>();

  /** @param templates the engine's template cache, trimmed when a stack's traversal changes */
  constructor(private readonly templates?: TemplateCache) {
    super();
  }

  /** Cache `graph` under `key`, dropping the graph cached for another traversal of the same stack. */
  override set(key: string, graph: TraversalGraph): this {
    const stack = stackOf(key);
    const previous = this.#byStack.get(stack);
    if (previous !== key) {
      const older = previous === undefined ? undefined : super.get(previous);
      if (previous !== undefined) super.delete(previous);
      this.#byStack.set(stack, key);
      this.templates?.keepOnly(stack, [graph.templateId, older?.templateId]);
    }
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

  /**
   * A `complete` check of the traversal ended: drop its graph, and the stack's templates but
   * its target. A completed traversal keeps only its target template in the store and makes it
   * the stack's previous one, so no later check reads the others; a completion that stopped
   * short (a row still held, or superseded) is retriggered, and its check loads the graph again.
   */
  finished(stackId: string, traversalId: string): void {
    const key = `${stackId}/${traversalId}`;
    const graph = super.get(key);
    if (graph === undefined) return;
    this.delete(key);
    this.templates?.keepOnly(stackId, [graph.templateId]);
  }
}
