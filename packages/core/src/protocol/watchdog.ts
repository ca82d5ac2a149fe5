/**
 * Timers (W-D): the stack timeout, fired by a scheduled message rather than by the next check
 * that happens to arrive, and the watchdog that finds a traversal with nothing queued or
 * running and resumes it from sync-point state - or fails it with a clear reason.
 */
import type { CheckMessage, StackRecord, SyncKey, SyncPayload } from "../model/types.js";
import { STACK_NODE, graphNodes } from "../model/types.js";
import { loadGraph } from "./engine-cache.js";
import type { CheckEnv } from "./env.js";
import { failTraversal } from "./fail.js";
import { nodeMessage } from "./report.js";

/** Fail the traversal because its deadline passed, aborting in-flight plugin calls. */
export async function timeOut(env: CheckEnv, stack: StackRecord): Promise<void> {
  const reason = `Stack ${stack.action} timed out after ${stack.options.timeoutMs ?? 0} ms`;
  await env.runtime.publishCancel(stack.id, stack.currentTraversal);
  await failTraversal(env, stack.id, stack.currentTraversal, reason);
}

/** Handle a `timeout` message of the current traversal. */
export async function checkTimeout(env: CheckEnv, stack: StackRecord): Promise<void> {
  if (stack.deadline === null) return;
  if (env.runtime.now() < stack.deadline) {
    await env.runtime.schedule({ kind: "timeout", stackId: stack.id, traversalId: stack.currentTraversal }, stack.deadline);
    return;
  }
  await timeOut(env, stack);
}

/** Handle a `watchdog` message of the current, in-progress traversal. */
export async function checkWatchdog(env: CheckEnv, stack: StackRecord): Promise<void> {
  const traversalId = stack.currentTraversal;
  const again = async (): Promise<void> =>
    env.runtime.schedule({ kind: "watchdog", stackId: stack.id, traversalId }, env.runtime.now() + env.watchdogIntervalMs);
  const activity = await env.runtime.activity(stack.id);
  if (activity.queued + activity.running > 0) return again();
  const graph = await loadGraph(env, stack.id, traversalId);
  if (graph === null) {
    return failTraversal(env, stack.id, traversalId, "Traversal lost: its graph was never stored (the engine starting it died); update or delete the stack");
  }
  const syncs = new Map<SyncKey, ReadonlyMap<SyncKey, SyncPayload>>();
  const read = async (key: SyncKey): Promise<ReadonlyMap<SyncKey, SyncPayload>> => {
    let sync = syncs.get(key);
    if (sync === undefined) {
      sync = (await env.store.readSync(stack.id, traversalId, key)) ?? new Map();
      syncs.set(key, sync);
    }
    return sync;
  };
  const stackSync = await read(STACK_NODE);
  const fire: CheckMessage[] = [];
  if (graph.roots.every((root) => stackSync.has(root))) {
    fire.push({ kind: "complete", stackId: stack.id, traversalId });
  } else {
    for (const [key, spec] of graphNodes(graph)) {
      const sync = await read(key);
      if (!spec.requires.every((pred) => sync.has(pred))) continue;
      const targets: readonly SyncKey[] = spec.requiredBy.length === 0 ? [STACK_NODE] : spec.requiredBy;
      let reported = true;
      for (const target of targets) if (!(await read(target)).has(key)) reported = false;
      if (!reported) fire.push(nodeMessage(stack.id, traversalId, key));
    }
  }
  if (fire.length === 0) {
    return failTraversal(env, stack.id, traversalId, "Traversal stalled: no check is queued or running and no node is ready to resume");
  }
  env.logger.warn("watchdog resuming a stalled traversal", { stack: stack.name, traversalId, checks: fire.length });
  await env.runtime.enqueue(fire);
  return again();
}
