/**
 * The worker side entry point: validate a check message and dispatch it (DESIGN.md section 4).
 */
import { parseCheckMessage } from "../model/check-message.js";
import type { CheckMessage, ResourceRow, StackRecord } from "../model/types.js";
import { nodeKey } from "../model/types.js";
import type { Delivery, RuntimeStore } from "../runtime/contract.js";
import { claimedStore } from "../runtime/delivery/claimed-store.js";
import { formatLockHolder } from "../runtime/lock-holder.js";
import { sealingStore } from "../secrets/sealing-store.js";
import { redactingLogger, stackRedactor, stackSecretValues } from "../secrets/stack-secrets.js";
import { isActiveRow } from "./best-existing.js";
import { checkCleanupNode } from "./check-cleanup.js";
import { checkComplete } from "./check-complete.js";
import { checkObserveNode } from "./check-stack.js";
import { checkUpdateNode } from "./check-update.js";
import { loadGraph } from "./engine-cache.js";
import type { CheckEnv, EngineContext } from "./env.js";
import { rowWriteEvent } from "./events.js";
import { GoneWatch, assertStackNotLost } from "./lost-state.js";
import { checkReconcile } from "./reconcile.js";
import { retrigger } from "./report.js";
import { casWrite } from "./row-writes.js";
import { checkTimeout, checkWatchdog, timeOut } from "./watchdog.js";

/**
 * Process one delivered check. Throws only for corrupt messages, infrastructure errors, and
 * a stack whose state the store lost (`StackStateLostError`: its record is missing and no
 * tombstone says it was deleted).
 */
export async function processCheck(engine: EngineContext, delivery: Delivery): Promise<void> {
  const message = parseCheckMessage(delivery.message);
  const watch = new GoneWatch();
  // What the runtime read when it claimed the delivery answers the check's first reads.
  const store = delivery.claim === undefined ? delivery.runtime.store : claimedStore(delivery.runtime.store, delivery.claim);
  await dispatch(engine, delivery, store, watch, message);
  // A missing stack is fine only when it was deleted (a stale message); otherwise it was lost.
  // Timers are the exception: they are scheduled before a create writes its record, so a
  // create that then failed leaves timers for a stack that never existed (loss of a real
  // stack is seen by its checks and by the API).
  if (watch.gone && !isTimer(message)) await assertStackNotLost(delivery.runtime.store, message.stackId);
}

/**
 * The environment of a check, made once: the delivery's runtime, signal and lease, and a
 * store and logger that redact the stack's secrets (hidden `values` of its templates, and
 * what the check learns) where they write (secrets/sealing-store.ts); `watch` sees the
 * store's answers.
 */
function checkEnv(engine: EngineContext, delivery: Delivery, store: RuntimeStore, watch: GoneWatch, values: readonly string[]): CheckEnv {
  const redactor = stackRedactor(engine.types, values);
  // Field by field (one shape for every check), not a spread of the engine's context.
  return {
    runtime: delivery.runtime,
    engineId: engine.engineId,
    types: engine.types,
    logger: redactingLogger(engine.logger, redactor),
    retry: engine.retry,
    watchdogIntervalMs: engine.watchdogIntervalMs,
    aborts: engine.aborts,
    graphCache: engine.graphCache,
    templateCache: engine.templateCache,
    store: sealingStore(store, redactor, watch),
    signal: delivery.signal,
    holder: formatLockHolder(engine.engineId, delivery.attempt),
    leaseValid: delivery.leaseValid,
  };
}

function isTimer(message: CheckMessage): boolean {
  return message.kind === "timeout" || message.kind === "watchdog" || message.kind === "reconcile";
}

async function dispatch(engine: EngineContext, delivery: Delivery, store: RuntimeStore, watch: GoneWatch, message: CheckMessage): Promise<void> {
  const stack = watch.note(await store.loadStack(message.stackId));
  if (stack === null) return;
  const values = stackSecretValues({ store, templateCache: engine.templateCache, watch }, stack);
  const env = checkEnv(engine, delivery, store, watch, Array.isArray(values) ? values : await values);
  if (message.kind === "node") {
    const row = await env.store.loadRow(stack.id, message.rowId);
    if (row === null) return;
    if (message.traversalId !== stack.currentTraversal) return handleStale(env, stack, row);
    if (stack.status !== "IN_PROGRESS") return;
    if (stack.deadline !== null && env.runtime.now() >= stack.deadline) return timeOut(env, stack);
    const cached = loadGraph(env, stack.id, message.traversalId);
    const graph = cached instanceof Promise ? await cached : cached;
    if (graph === null) return;
    if (stack.action === "CHECK") return message.direction === "U" ? checkObserveNode(env, stack, graph, row) : undefined;
    return message.direction === "U" ? checkUpdateNode(env, stack, graph, row) : checkCleanupNode(env, stack, graph, row);
  }
  if (message.kind === "reconcile") return checkReconcile(env, stack, message.due);
  if (message.traversalId !== stack.currentTraversal || stack.status !== "IN_PROGRESS") return;
  if (message.kind === "timeout") return checkTimeout(env, stack);
  if (message.kind === "watchdog") return checkWatchdog(env, stack);
  const graph = await loadGraph(env, stack.id, message.traversalId);
  if (graph !== null) await checkComplete(env, stack, graph);
}

/**
 * A message of a superseded traversal is dropped. If it is the create of a replacement that
 * the current traversal does not need and that was never created, the replacement is marked
 * deleted and the row it replaces retriggered in the current traversal (DESIGN.md 4.1).
 */
async function handleStale(env: CheckEnv, stack: StackRecord, row: ResourceRow): Promise<void> {
  if (row.replaces === null || row.action !== "INIT" || row.lockHolder !== null || !isActiveRow(row)) return;
  const graph = await loadGraph(env, stack.id, stack.currentTraversal);
  if (graph !== null && graph.nodes[nodeKey("U", row.id)] !== undefined) return;
  const reason = "replacement no longer needed";
  const event = rowWriteEvent(env, stack, stack.currentTraversal, "DELETE", "COMPLETE", reason);
  const written = await casWrite(env, stack.id, undefined, row, { action: "DELETE", status: "COMPLETE", statusReason: reason }, event);
  if (!written.ok) return;
  // The replaced row may itself be a replacement (of a create that failed in its traversal):
  // retrigger the nearest row of the chain that the current traversal has nodes for.
  let target = row.replaces;
  for (let hops = 0; hops < 16 && graph !== null; hops++) {
    if (graph.nodes[nodeKey("U", target)] !== undefined || graph.nodes[nodeKey("C", target)] !== undefined) break;
    const previous = await env.store.loadRow(stack.id, target);
    if (previous === null || previous.replaces === null) break;
    target = previous.replaces;
  }
  await retrigger(env, stack.id, target);
}
