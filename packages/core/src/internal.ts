/**
 * `@converge/core/internal`: parts of the protocol and the memory runtime that the packages of
 * this repository (the Redis runtime, the benches) share. Not a public API: names here change
 * or go away in any release, without a changeset entry of their own. Users and runtime authors
 * import `@converge/core`.
 */
export { resolveEngineOptions, resolveStackOptions } from "./engine/options.js";
export type { ResolvedEngineOptions } from "./engine/options.js";
export { processCheck } from "./protocol/process-check.js";
export { checkMessageSchema } from "./model/check-message.js";
export type { EngineContext } from "./protocol/env.js";
export { AbortRegistry } from "./protocol/abort-registry.js";
export { nextReconcileDue, reconcileMessage, reconcileOffset } from "./protocol/reconcile.js";
export type { Observation } from "./protocol/observe.js";
export { buildTraversalGraph } from "./protocol/traversal-graph.js";
export type { TraversalGraphInput } from "./protocol/traversal-graph.js";
export { chooseRows, rowScore } from "./protocol/best-existing.js";
export type { TargetMatch } from "./protocol/best-existing.js";
export { MemoryStore } from "./memory/memory-store.js";
export { createRandom } from "./memory/random.js";
export { NEVER_CHECKED, graphNodes, isCleanupKey, isNodeKey, isUpdateKey } from "./model/types.js";
export { ATTEMPT_PATTERN, describeLockHolder, formatLockHolder } from "./runtime/lock-holder.js";
