/**
 * `@converge/core`: the template language, dependency graphs, the resource-plugin API, the
 * engine API, the runtime contract (for runtime authors) and the in-memory runtime.
 * The protocol's own parts are not public: `@converge/core/internal` holds the few that the
 * packages of this repository share, with no compatibility promise.
 */
export * from "./errors.js";
export { errorMessage } from "./error-message.js";
export { defineResourceType, isResourceType } from "./plugin/define-resource-type.js";
export { createTypeRegistry } from "./plugin/registry.js";
export type { TypeRegistry } from "./plugin/registry.js";
export type {
  AnyResourceType,
  AttributeContext,
  BaseContext,
  CreateContext,
  CreateResult,
  DeleteContext,
  DiffKind,
  Logger,
  PropertyBag,
  PropertySchema,
  ReadContext,
  ReadResult,
  ResourceType,
  ResourceTypeSpec,
  UpdateContext,
  UpdateResult,
} from "./plugin/types.js";
export * from "./template/index.js";
export { DependencyGraph } from "./graph/dependency-graph.js";
export type { DependencyEdge } from "./graph/dependency-graph.js";
export type {
  CheckMessage,
  CheckStatus,
  Direction,
  GraphNode,
  NewStackEvent,
  NodeKey,
  NodePayload,
  ReconcilePolicy,
  ResourceRow,
  RowAction,
  RowLock,
  RowPatch,
  StackAction,
  StackEvent,
  StackOptions,
  StackRecord,
  Status,
  SyncKey,
  SyncPayload,
  TraversalGraph,
} from "./model/types.js";
export { RESOURCE_ROW_FIELDS, STACK_NODE, nodeKey, parseNodeKey, toSyncKey } from "./model/types.js";
export type * from "./runtime/contract.js";
export { parseLockHolder } from "./runtime/lock-holder.js";
export type { LockHolder } from "./runtime/lock-holder.js";
export { createEngine } from "./engine/create-engine.js";
export type { Engine, EventsOptions, TemplateInput } from "./engine/create-engine.js";
export { DEFAULT_STACK_TIMEOUT_MS, consoleLogger } from "./engine/options.js";
export type { EngineOptions, StackOperationOptions } from "./engine/options.js";
export type { RetryPolicy } from "./protocol/env.js";
export { parseCheckMessage } from "./model/check-message.js";
export { throttleLogger } from "./engine/throttled-logger.js";
export { ABANDONED_STACK_VERSION } from "./engine/abandon.js";
export type { AbandonedResource, AbandonedStack } from "./engine/abandon.js";
export type { ThrottleOptions, ThrottledLogger } from "./engine/throttled-logger.js";
export type { PreviewAction, PreviewEntry, PreviewResult } from "./engine/preview.js";
export { REDACTED } from "./engine/stack-view.js";
export type { ResourceInfo, StackInfo } from "./engine/stack-view.js";
export { splitStackName } from "./engine/nested-view.js";
export type { NestedStackInfo } from "./engine/nested-view.js";
// The delivery kit every runtime uses (runtime/delivery/): fenced view, stepping, test controls.
export { deliverUntil, deliveryGuard, fencedView, runUntil, runUntilIdle } from "./runtime/delivery/index.js";
export type {
  BaseStepOptions,
  DeliverUntilOptions,
  DeliveryTestControls,
  FenceState,
  FencedViewOptions,
  InterceptOperation,
  LoseReply,
  RunOptions,
  SteppableScheduler,
} from "./runtime/delivery/index.js";
export { createMemoryRuntime } from "./memory/memory-runtime.js";
export type { MemoryRuntime, MemoryRuntimeOptions, PendingCheck, SnapshotOptions, StepOptions } from "./memory/memory-runtime.js";
export { MEMORY_SNAPSHOT_FORMAT, MEMORY_SNAPSHOT_VERSION, parseMemorySnapshot } from "./memory/snapshot.js";
export type {
  EventLogSnapshot,
  MemorySnapshot,
  ParseSnapshotOptions,
  QueuedCheckSnapshot,
  StackSnapshot,
  SyncPointSnapshot,
  TimerSnapshot,
} from "./memory/snapshot.js";
export { applyMemoryChanges } from "./memory/apply-changes.js";
export type { SnapshotIds } from "./memory/apply-changes.js";
export type { MemoryChanges, QueuedCheckChange, StackChanges, TimerChange } from "./memory/changes.js";
export type { MemoryCheckpoint } from "./memory/memory-runtime.js";
export { VirtualClock, realClock } from "./memory/clock.js";
export type { Clock } from "./memory/clock.js";
