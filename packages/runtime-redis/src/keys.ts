/**
 * The one module that names Redis keys. Every key of a stack carries the stack's hash tag
 * `{<stackId>}`, so each script touches one cluster slot; the BullMQ queue's prefix is a hash
 * tag of its own (`{<prefix>}`), so all queue keys share a slot too.
 *
 *   <prefix>:{<stackId>}:stack                  hash   stack record (field -> JSON), _rowSeq, _rowLayout
 *   <prefix>:{<stackId>}:rows                   hash   row id -> packed row (codec.ts encodeRow)
 *   <prefix>:{<stackId>}:templates              hash   template id -> JSON
 *   <prefix>:{<stackId>}:graph:<traversal>      string graph JSON
 *   <prefix>:{<stackId>}:sync:<len>:<traversal>:<node>  hash  sender -> payload JSON
 *   <prefix>:{<stackId>}:syncs:<traversal>      set    sync point keys of the traversal
 *   <prefix>:{<stackId>}:counts:<traversal>     hash   node -> senders counted
 *   <prefix>:{<stackId>}:synctrash              set    sync-point index sets still to drain
 *   <prefix>:{<stackId>}:gens:<traversal>       hash   check -> job generation
 *   <prefix>:{<stackId>}:queued                 zset   job id -> enqueue time
 *   <prefix>:{<stackId>}:attempts               hash   running check attempt -> engine id
 *   <prefix>:{<stackId>}:events                 stream events
 *   <prefix>:{<stackId>}:stackmarks             stream the stack events' ids (what waitForStack waits on)
 *   <prefix>:{<stackId>}:tombstone              string a deleted stack's tombstone (TTL)
 *   <prefix>:names                              hash   stack name -> stack id
 *   <prefix>:lease:<engineId>                   string liveness lease (TTL)
 *   <prefix>:cancel                             pub/sub channel of cancellations
 *   {<prefix>}:<queueName>:...                  BullMQ's keys
 */
import { RuntimeError } from "@converge/core";

/** Keys of one stack. */
export interface StackKeys {
  readonly stack: string;
  readonly rows: string;
  readonly templates: string;
  readonly queued: string;
  readonly events: string;
  /** Stack-event marks: an entry of each stack event's id (`lua/appendEvents-3.lua`), what a waiter for the stack's state blocks on. */
  readonly stackMarks: string;
  /** The tombstone a completed delete leaves (its absence with no stack record = lost state). */
  readonly tombstone: string;
  /** Running check attempts of the stack (attempt token -> engine id). */
  readonly attempts: string;
  /** Sync-point index sets of traversals that are over, whose sync points are still to drop. */
  readonly syncTrash: string;
  graph(traversalId: string): string;
  sync(traversalId: string, node: string): string;
  syncIndex(traversalId: string): string;
  syncCounts(traversalId: string): string;
  gens(traversalId: string): string;
}

/** Keys and names of a runtime's prefix. */
export interface RuntimeKeys {
  /** The key prefix. */
  readonly prefix: string;
  /** Name index. */
  readonly names: string;
  /** Pub/sub channel of cancellations. */
  readonly cancelChannel: string;
  /** BullMQ prefix (a hash tag). */
  readonly queuePrefix: string;
  /** Liveness lease of an engine. */
  lease(engineId: string): string;
  /** Keys of a stack. */
  stack(stackId: string): StackKeys;
}

/** Whether `prefix` can prefix our keys (no hash-tag braces, no empty string). */
export function isValidPrefix(prefix: string): boolean {
  return prefix.length > 0 && prefix.length <= 100 && !/[{}\s]/.test(prefix);
}

/** The key builder of a prefix (validated by the runtime's options). */
export function runtimeKeys(prefix: string): RuntimeKeys {
  const cache = new Map<string, StackKeys>();
  return {
    prefix,
    names: `${prefix}:names`,
    cancelChannel: `${prefix}:cancel`,
    queuePrefix: `{${prefix}}`,
    lease: (engineId) => `${prefix}:lease:${engineId}`,
    stack(stackId) {
      let keys = cache.get(stackId);
      if (keys === undefined) {
        keys = stackKeys(prefix, stackId);
        if (cache.size > 1000) cache.clear();
        cache.set(stackId, keys);
      }
      return keys;
    },
  };
}

/**
 * Why a stack id cannot name Redis keys (it is the keys' hash tag, so it must be non-empty
 * and contain no braces), or null when it can.
 */
export function stackIdProblem(stackId: string): string | null {
  if (stackId.length > 0 && !/[{}]/.test(stackId)) return null;
  return `stack id ${JSON.stringify(stackId)} cannot be stored in Redis: it must be non-empty and contain no braces`;
}

/**
 * A traversal as sync point keys name it: "<UTF-16 length>:<id>" (the length keeps keys of
 * different traversals and nodes apart). Scripts that name sync points themselves get it as
 * an argument (`lua/includes/stackKeys.lua`).
 */
export function syncTraversal(traversalId: string): string {
  return `${traversalId.length}:${traversalId}`;
}

function stackKeys(prefix: string, stackId: string): StackKeys {
  const problem = stackIdProblem(stackId);
  if (problem !== null) throw new RuntimeError(problem);
  const base = `${prefix}:{${stackId}}`;
  return {
    stack: `${base}:stack`,
    rows: `${base}:rows`,
    templates: `${base}:templates`,
    queued: `${base}:queued`,
    attempts: `${base}:attempts`,
    syncTrash: `${base}:synctrash`,
    events: `${base}:events`,
    stackMarks: `${base}:stackmarks`,
    tombstone: `${base}:tombstone`,
    graph: (t) => `${base}:graph:${t}`,
    sync: (t, node) => `${base}:sync:${syncTraversal(t)}:${node}`,
    syncIndex: (t) => `${base}:syncs:${t}`,
    syncCounts: (t) => `${base}:counts:${t}`,
    gens: (t) => `${base}:gens:${t}`,
  };
}
