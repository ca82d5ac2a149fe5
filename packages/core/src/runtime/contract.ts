/**
 * The runtime contract: the atomic primitives the convergence protocol needs (DESIGN.md
 * section 9). Core holds the protocol once; a runtime (memory, Redis) supplies these.
 *
 * Every method is atomic on its own. Nothing here leaks a storage type: values are the plain
 * records of `model/types.ts`.
 */
import type { CompiledTemplate } from "../template/types.js";
import type { RowWriteEvent } from "../model/events.js";
import type { DeliveryClaim } from "./delivery-claim.js";
import type {
  CheckMessage,
  NewStackEvent,
  NodeKey,
  SyncKey,
  ResourceRow,
  RowPatch,
  StackEvent,
  StackRecord,
  SyncPayload,
  TraversalGraph,
} from "../model/types.js";

/** A row to insert; the runtime sets `version` to 1 and `lockHolder` to null. */
export type NewRow = Omit<ResourceRow, "version" | "lockHolder" | CheckField> & Partial<Pick<ResourceRow, CheckField>>;

/** Row fields written by checks; a new row without them was never checked (`NEVER_CHECKED`). */
export type CheckField = "checkStatus" | "driftedProperties" | "checkedAt";

/** Conditions and effects of one conditional row write. */
export interface RowWrite {
  /** Stack id. */
  readonly stackId: string;
  /** Row id. */
  readonly rowId: string;
  /** Only if the stack's `currentTraversal` equals this. */
  readonly ifTraversal?: string;
  /** Only if the row's version equals this. */
  readonly ifVersion?: number;
  /** Only if the lock holder equals this (`null` = only if unlocked). */
  readonly ifHolder?: string | null;
  /** New lock holder (acquire, steal or release with `null`); unchanged when undefined. */
  readonly setHolder?: string | null;
  /** Fields to set. */
  readonly patch: RowPatch;
}

/** Why a conditional write was refused. */
export type WriteRefusal = "gone" | "superseded" | "version" | "locked";

/** Outcome of a conditional row write. */
export type RowWriteResult =
  | { readonly ok: true; readonly row: ResourceRow }
  | { readonly ok: false; readonly reason: WriteRefusal; readonly row: ResourceRow | null };

/** Outcome of an idempotent replacement creation. */
export type ReplacementResult =
  | { readonly ok: true; readonly row: ResourceRow; readonly created: boolean }
  | { readonly ok: false; readonly reason: WriteRefusal; readonly row: ResourceRow | null };

/** Outcome of a sync-point merge-and-test. */
export type SyncResult = "ready" | "waiting" | "gone";

/** Input of `beginTraversal`. */
export interface BeginTraversal {
  /** Stack id. */
  readonly stackId: string;
  /** CAS: the stack's currentTraversal must still be this. */
  readonly expectedTraversal: string;
  /** The new stack record (its `currentTraversal` is the new traversal id). */
  readonly stack: StackRecord;
  /** A template to store under `stack.templateId`, when new. */
  readonly template?: CompiledTemplate;
}

/** Input of `installGraph`. */
export interface InstallGraph {
  /** Stack id. */
  readonly stackId: string;
  /** The traversal graph (its traversal must still be current). */
  readonly graph: TraversalGraph;
  /** Rows to insert with the graph (ids from `allocateRowIds`). */
  readonly newRows: readonly NewRow[];
}

/** What a runtime read when it claimed a delivery (`Delivery.claim`). */
export type { DeliveryClaim } from "./delivery-claim.js";

/** The resource event of a row write (defined with the model: runtimes complete it alike). */
export type { RowWriteEvent } from "../model/events.js";

/** One sync point a node reports to (see {@link NodeReport}). */
export interface ReportTarget {
  /** The successor node (or `STACK_NODE`, the stack's completion point). */
  readonly node: SyncKey;
  /** Counted senders that make it ready (its number of predecessors). */
  readonly required: number;
  /** What the sender leaves there. */
  readonly payload: SyncPayload;
}

/**
 * A node reports its completion (DESIGN.md section 4 step 5): an optional row write (with its
 * event), then `{sender: payload}` merged, counted, into every target's sync point.
 */
export interface NodeReport {
  /** Stack id. */
  readonly stackId: string;
  /** The traversal reported in. */
  readonly traversalId: string;
  /** The reporting node (the sender key of every merge). */
  readonly sender: NodeKey;
  /** Sync points to merge into, in report order. */
  readonly targets: readonly ReportTarget[];
  /** A conditional row write that must be accepted first; nothing is merged when it is refused. */
  readonly write?: RowWrite;
  /** The event of `write`, appended when the write is accepted. */
  readonly event?: RowWriteEvent;
}

/** Outcome of {@link RuntimeStore.reportNode}. */
export type NodeReportResult =
  /** The write was refused: nothing was written or merged. */
  | { readonly kind: "refused"; readonly reason: WriteRefusal; readonly row: ResourceRow | null }
  /** The write (if any) was made, but the traversal is gone (superseded or purged): nothing was merged. */
  | { readonly kind: "gone" }
  /**
   * Merged into every target; `ready` lists the targets that became (or still are) ready, in
   * order. `enqueued`: the runtime already enqueued their checks, as `Runtime.enqueue` would
   * (a runtime that prepares their jobs in the report's own step saves round trips); absent
   * or false, core enqueues them.
   */
  | { readonly kind: "reported"; readonly ready: readonly SyncKey[]; readonly enqueued?: boolean };

/**
 * Proof that a stack was deleted: written atomically with the stack's removal when its
 * DELETE traversal completes, and kept for a bounded time (the runtime's retention). A stack
 * record that is missing without a tombstone was lost, not deleted.
 */
export interface StackTombstone {
  /** The deleted stack's id. */
  readonly stackId: string;
  /** Its name. */
  readonly name: string;
  /** The DELETE traversal that completed. */
  readonly traversalId: string;
  /** When the stack was removed, epoch ms. */
  readonly deletedAt: number;
}

/** Activity of a stack as the queue sees it (for the watchdog). */
export interface StackActivity {
  /** Checks waiting in the queue. */
  readonly queued: number;
  /** Checks being processed. */
  readonly running: number;
}

/** Atomic state operations. All methods may throw `RuntimeError` on infrastructure failure. */
export interface RuntimeStore {
  /** Insert a new stack (and its first template). Returns false if the name is taken. */
  createStack(stack: StackRecord, template: CompiledTemplate): Promise<boolean>;
  /** Id of the stack with this name, or null. */
  findStackId(name: string): Promise<string | null>;
  /** Names of every stack. */
  listStackNames(): Promise<string[]>;
  /** Load a stack record. */
  loadStack(stackId: string): Promise<StackRecord | null>;
  /**
   * CAS the stack to a new traversal: only if `currentTraversal === expectedTraversal`.
   * Stores the template when given, and drops the superseded traversal's graph and sync points.
   */
  beginTraversal(input: BeginTraversal): Promise<boolean>;
  /**
   * Insert the traversal's new rows and store its graph, only if its traversal is still
   * current. Returns false if superseded (nothing written).
   */
  installGraph(input: InstallGraph): Promise<boolean>;
  /**
   * Optional: insert more new rows of the current traversal after its graph is installed
   * (version 1, unlocked; ids from `allocateRowIds`), only while the traversal is current.
   * Returns false if superseded (nothing written). With it, a large traversal's leaf rows are
   * streamed: their leaves enqueued chunk by chunk as the rows land.
   */
  insertRows?(stackId: string, traversalId: string, rows: readonly NewRow[]): Promise<boolean>;
  /** Reserve `count` fresh row ids for the stack (never reused). */
  allocateRowIds(stackId: string, count: number): Promise<string[]>;
  /** Load a traversal graph; null when the traversal was purged or superseded. */
  loadGraph(stackId: string, traversalId: string): Promise<TraversalGraph | null>;
  /** CAS-update stack fields: only if the traversal is current (and the status matches, if given). */
  updateStack(
    stackId: string,
    ifTraversal: string,
    patch: Partial<Omit<StackRecord, "id" | "name" | "currentTraversal">>,
    ifStatus?: StackRecord["status"],
  ): Promise<boolean>;
  /**
   * Remove the stack and everything it owns, only if the traversal is current, and leave its
   * tombstone (name, `ifTraversal`, `deletedAt`) in the same atomic step.
   */
  deleteStack(stackId: string, ifTraversal: string, deletedAt: number): Promise<boolean>;
  /**
   * The tombstone of a deleted stack; null when the stack was never deleted, or was deleted
   * longer ago than the runtime keeps tombstones. A missing stack record without a tombstone
   * means the store lost the stack's state.
   */
  loadTombstone(stackId: string): Promise<StackTombstone | null>;

  /** Load a stored template. */
  loadTemplate(stackId: string, templateId: string): Promise<CompiledTemplate | null>;

  /** Every row of the stack (any state). */
  loadRows(stackId: string): Promise<ResourceRow[]>;
  /** One row. */
  loadRow(stackId: string, rowId: string): Promise<ResourceRow | null>;
  /** Conditional row write (lock acquire/steal/release, locked writes, CAS writes). Bumps the version. */
  writeRow(write: RowWrite): Promise<RowWriteResult>;
  /**
   * Create the replacement of `oldRowId` for `traversalId`, idempotently (W-B): if the old
   * row already has a replacement created in this traversal, return it (`created: false`).
   * Otherwise only if the traversal is current, the old row is unlocked and its version is
   * `ifVersion`: insert `row` (with a fresh id, `replaces = oldRowId`) and set the old row's
   * `replacedBy`.
   */
  createReplacement(
    stackId: string,
    oldRowId: string,
    traversalId: string,
    ifVersion: number,
    row: Omit<NewRow, "id">,
  ): Promise<ReplacementResult>;
  /**
   * Final purge of a completed traversal: only if it is current, delete the given rows, every
   * template except `keepTemplateIds`, the traversal's graph and sync points, then apply the
   * stack patch.
   */
  completeTraversal(
    stackId: string,
    traversalId: string,
    dropRowIds: readonly string[],
    keepTemplateIds: readonly string[],
    patch: Partial<Omit<StackRecord, "id" | "name" | "currentTraversal">>,
  ): Promise<boolean>;

  /**
   * Atomic merge-and-test of a sync point: set field `sender` := payload. When `counted`
   * and the field is new, count it. Answers "ready" once the count reaches `required`,
   * "waiting" before, and "gone" when the traversal's graph no longer exists.
   */
  syncMerge(merge: SyncMergeInput): Promise<SyncResult>;
  /**
   * Whether a sync point holds an entry of `sender`, in O(1) whatever the number of entries.
   * False when the traversal is gone.
   */
  syncHas(stackId: string, traversalId: string, node: SyncKey, sender: SyncKey): Promise<boolean>;
  /** Read a sync point's entries (sender → payload); null when the traversal is gone. */
  readSync(stackId: string, traversalId: string, node: SyncKey): Promise<Map<SyncKey, SyncPayload> | null>;

  /**
   * Optional fused operation: `writeRow` that also appends `event` (completed from the row as
   * written) to the stack's events, atomically - the event exists if and only if the write
   * was accepted. A runtime saves a round trip per write with it; when absent, core calls
   * `writeRow` and then `appendEvents`.
   */
  writeRowWithEvent?(write: RowWrite, event: RowWriteEvent): Promise<RowWriteResult>;
  /**
   * Optional fused operation, implemented together with {@link RuntimeStore.nodeReported}:
   * one atomic step that makes `report.write` (refused: nothing else happens) with its
   * event, then - unless the traversal's graph is gone - merges `{sender: payload}` into each
   * target exactly as `syncMerge(..., counted = true, target.required)` would, and records
   * that `sender` reported in the traversal. O(1) per target, like `syncMerge`. When absent,
   * core makes the write and then one `syncMerge` per target.
   */
  reportNode?(report: NodeReport): Promise<NodeReportResult>;
  /**
   * Optional, with {@link RuntimeStore.reportNode}: whether a `reportNode` with this sender
   * was accepted in the traversal (false as well when the traversal is gone). A check of a
   * node that already reported is a duplicate. When absent, core reads the sync point of the
   * node's last target instead.
   */
  nodeReported?(stackId: string, traversalId: string, node: NodeKey): Promise<boolean>;

  /** Append events to the stack's stream. */
  appendEvents(stackId: string, events: readonly NewStackEvent[]): Promise<void>;
  /**
   * Read events after `afterSeq` (exclusive; null = from the start). With `blockMs`, wait up
   * to that long for new events when there are none (no polling loop).
   */
  readEvents(
    stackId: string,
    afterSeq: string | null,
    options?: { blockMs?: number; limit?: number; signal?: AbortSignal },
  ): Promise<StackEvent[]>;
  /**
   * Optional: what `waitForStack` needs of the events after `afterSeq` - whether a stack event
   * came, and a sequence number to read on from - waiting up to `blockMs` for one. A store may
   * answer from the stack events alone (the Redis store waits on its stack events only, so a
   * traversal's resource events do not wake it): `last` is then the last stack event's
   * sequence number, null when none came. When absent, core reads the events themselves.
   */
  readEventMarks?(stackId: string, afterSeq: string | null, options: { blockMs: number; signal?: AbortSignal }): Promise<EventMarks>;
}

/** What {@link RuntimeStore.readEventMarks} answers. */
export interface EventMarks {
  /** Sequence number of the last event read (of the last stack event, for a store that reads only those); null when none came. */
  readonly last: string | null;
  /** Whether any event read is a stack event. */
  readonly stackEvent: boolean;
}

/** One arrival at a sync point: the input of {@link RuntimeStore.syncMerge}. */
export interface SyncMergeInput {
  readonly stackId: string;
  readonly traversalId: string;
  /** The sync point: the node (or the stack's completion point) that waits. */
  readonly node: SyncKey;
  /** Who arrives: the entry's field. */
  readonly sender: SyncKey;
  /** What it brings (null: an arrival without data, e.g. a cleanup's). */
  readonly payload: SyncPayload;
  /** Whether a new entry counts toward `required`. */
  readonly counted: boolean;
  /** Counted entries the sync point needs to be ready. */
  readonly required: number;
}

/** A check being processed: the message and the runtime view to use for it. */
export interface Delivery {
  /** The message (untrusted: validate before use). */
  readonly message: unknown;
  /**
   * What the runtime read when it claimed this delivery (a runtime that claims with one
   * atomic script can read the check's first state with it and save the round trips).
   * `processCheck` answers its first read of each value from it - only reads made before the
   * check's first write - and reads the store for everything else. Absent: every read goes
   * to the store.
   */
  readonly claim?: DeliveryClaim;
  /**
   * The runtime to use for this check (its `store` included). Runtimes may wrap it - the
   * memory runtime fences a crashed engine's operations - so always use this one inside
   * the check.
   */
  readonly runtime: Runtime;
  /**
   * Aborted by the runtime when it takes the check back from this engine before it ended
   * (a graceful shutdown past its grace period hands running checks back to the queue): the
   * check's in-flight plugin calls are aborted, as its writes are already fenced.
   */
  readonly signal?: AbortSignal;
  /**
   * A token naming this attempt (this one delivery) of the check, unique among the runtime's
   * deliveries and matching `ATTEMPT_PATTERN` (`runtime/lock-holder.ts`). The row locks the
   * check takes carry it (`<engineId>#<attempt>`), so a lock knows which attempt holds it:
   * the check recognises its own lock after a lost reply, and others can ask
   * {@link Runtime.attemptRunning} whether a live engine's lock is still in use. Without it
   * locks are engine-wide (a live engine's lock is never stale).
   */
  readonly attempt?: string;
  /**
   * Whether the engine's liveness lease is certainly still held *now*, as the engine knows it
   * locally (its last successful renewal plus the lease's TTL has not passed) - no round trip.
   * The protocol asks it before every plugin call: a call never starts when the lease may
   * have lapsed (another engine may have taken the row over). When the lease is lost the
   * runtime also aborts {@link Delivery.signal}. Absent: the lease cannot lapse under a
   * running engine (a runtime in one process).
   */
  readonly leaseValid?: () => boolean;
}

/** Processes checks; the engine registers one with the runtime. */
export type CheckHandler = (delivery: Delivery) => Promise<void>;

/** A worker registration handed back by `registerWorker`. */
export interface WorkerRegistration {
  /** Stop receiving checks and give up the liveness lease. */
  close(): Promise<void>;
}

/** Listener of cancellations (in-flight plugin calls of the traversal are aborted). */
export type CancelListener = (stackId: string, traversalId: string) => void;

/**
 * A runtime: the store plus delivery of checks, liveness, timers and a clock.
 */
export interface Runtime {
  /** Human name ("memory", "redis"). */
  readonly kind: string;
  /** Atomic state operations. */
  readonly store: RuntimeStore;
  /** Current time in epoch ms (injectable in tests). */
  now(): number;
  /** Sleep (virtual time in manual memory mode). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Enqueue checks (a batch: leaves are enqueued at once). */
  enqueue(messages: readonly CheckMessage[]): Promise<void>;
  /** Enqueue a check to run at `at` epoch ms (timeouts, watchdog). */
  schedule(message: CheckMessage, at: number): Promise<void>;
  /**
   * Register a worker (engine) that processes checks, with a liveness lease renewed by the
   * runtime while registered.
   * @throws RuntimeStateError when the engine id is registered and not closed (or alive elsewhere)
   */
  registerWorker(engineId: string, handler: CheckHandler, options?: { concurrency?: number }): Promise<WorkerRegistration>;
  /** Whether the engine's liveness lease is current. */
  isAlive(engineId: string): Promise<boolean>;
  /**
   * Whether the attempt `attempt` (a {@link Delivery.attempt}) of engine `engineId`, a check
   * of stack `stackId`, is still running: delivered and its handler not yet returned or
   * thrown. Asked about the holder of a row lock whose engine is alive: a lock of an attempt
   * that is no longer running is stale (its check ended without releasing it, e.g. after a
   * lost reply or an infrastructure error) and is stolen and resumed like a dead engine's.
   * Must never answer false for an attempt whose handler still runs (its lock would be stolen
   * under it); may answer true a little after it ended. False for unknown attempts.
   */
  attemptRunning(engineId: string, attempt: string, stackId: string): Promise<boolean>;
  /** Checks queued and running for a stack. */
  activity(stackId: string): Promise<StackActivity>;
  /** Publish a cancellation to every worker (aborting in-flight plugin calls). */
  publishCancel(stackId: string, traversalId: string): Promise<void>;
  /** Subscribe to cancellations; returns an unsubscribe function. */
  onCancel(listener: CancelListener): () => void;
  /** Release resources (connections, timers). */
  close(): Promise<void>;
}
