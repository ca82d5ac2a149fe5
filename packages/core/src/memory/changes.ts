/**
 * Changes of a memory runtime since the last time they were taken: which stacks, rows,
 * templates, graphs, sync-point entries, events, tombstones, queued checks and timers were
 * written. A runtime made with `trackChanges: true` notes each write by key (a few set
 * insertions, nothing copied); `runtime.takeChanges()` then reads the current value of every
 * key written since the previous call, so persisting costs O(what changed), never O(state).
 * The CLI appends them to its state journal and folds them into a snapshot with
 * {@link applyMemoryChanges} (`apply-changes.ts`).
 */
import type { CheckMessage, SyncKey, ResourceRow, StackEvent, StackRecord, SyncPayload, TraversalGraph } from "../model/types.js";
import type { StackTombstone } from "../runtime/contract.js";
import type { CompiledTemplate } from "../template/types.js";

/** What changed in one stack. Absent fields did not change. */
export interface StackChanges {
  /** Stack id. */
  readonly id: string;
  /** The stack record now; null when the stack was deleted (everything it owned goes). */
  readonly stack?: StackRecord | null;
  /** Last row id handed out. */
  readonly rowCounter?: number;
  /** Templates stored since, by id. */
  readonly templates?: readonly (readonly [string, CompiledTemplate])[];
  /** Templates removed since. */
  readonly droppedTemplates?: readonly string[];
  /** Rows written since (their whole current value). */
  readonly rows?: readonly ResourceRow[];
  /** Rows removed since. */
  readonly droppedRows?: readonly string[];
  /** Present when the graph was replaced or dropped: the graph now; the sync points restart empty. */
  readonly graph?: TraversalGraph | null;
  /** Sync-point entries merged since (after the graph change, if any): node, sender, payload, count of the node. */
  readonly syncs?: readonly (readonly [SyncKey, SyncKey, SyncPayload, number])[];
}

/** A check added to the queue (ids are the runtime's queue ids; see {@link MemoryChanges.queue}). */
export interface QueuedCheckChange {
  /** Queue id. */
  readonly id: number;
  /** The message. */
  readonly message: CheckMessage;
  /** Deliveries so far. */
  readonly attempts: number;
}

/** A timer scheduled (ids count the runtime's timers, see {@link MemoryChanges.timers}). */
export interface TimerChange {
  /** Timer id. */
  readonly id: number;
  /** The message. */
  readonly message: CheckMessage;
  /** Epoch ms when it is due. */
  readonly at: number;
}

/**
 * Everything that changed in a memory runtime between two `takeChanges()` calls, as plain
 * JSON. Queue and timer ids number the checks and timers of one runtime: those restored from
 * its initial snapshot first (1, 2, … in the snapshot's order; a timer identical to an earlier
 * one is absorbed), then new ones - so changes apply only to the snapshot the runtime started
 * from, followed by the earlier changes of the same runtime.
 */
export interface MemoryChanges {
  /** The runtime's clock when taken (epoch ms). */
  readonly savedAt: number;
  /** Per stack. */
  readonly stacks: readonly StackChanges[];
  /** Events appended since, per stack id, oldest first; `seq` is the last sequence number handed out. */
  readonly events: { readonly seq: number; readonly appended: readonly (readonly [string, readonly StackEvent[]])[]; readonly retired: readonly string[] };
  /** Tombstones added since, oldest first. */
  readonly tombstones: readonly StackTombstone[];
  /** Checks added to the queue since, and ids of checks that finished (delivered and done, or dropped). */
  readonly queue: { readonly add: readonly QueuedCheckChange[]; readonly done: readonly number[] };
  /** Timers scheduled since, and ids of timers that fired. */
  readonly timers: { readonly add: readonly TimerChange[]; readonly done: readonly number[] };
}

/** Dirty keys of one stack. */
export interface DirtyStack {
  record: boolean;
  graph: boolean;
  readonly rows: Set<string>;
  readonly templates: Set<string>;
  /** node → senders merged. */
  readonly syncs: Map<SyncKey, Set<SyncKey>>;
}

/** Notes which keys of a memory runtime were written since the last take. */
export class ChangeTracker {
  /** Per stack id. */
  readonly stacks = new Map<string, DirtyStack>();
  /** Stack ids whose event stream got events. */
  readonly eventStreams = new Set<string>();
  /** Stacks whose streams were retired, in order. */
  readonly retired: string[] = [];
  /** Tombstones added, in order. */
  readonly tombstones: StackTombstone[] = [];
  /** Checks added and not yet done, by id. */
  readonly added = new Map<number, QueuedCheckChange>();
  /** Ids of checks of earlier takes that finished. */
  readonly done = new Set<number>();
  /** Timers scheduled and not yet fired, by id. */
  readonly timersAdded = new Map<number, TimerChange>();
  /** Ids of timers of earlier takes that fired. */
  readonly timersDone = new Set<number>();

  /** The dirty keys of a stack. */
  stack(stackId: string): DirtyStack {
    let dirty = this.stacks.get(stackId);
    if (dirty === undefined) {
      dirty = { record: false, graph: false, rows: new Set(), templates: new Set(), syncs: new Map() };
      this.stacks.set(stackId, dirty);
    }
    return dirty;
  }

  /** The stack record (or its row counter) changed. */
  record(stackId: string): void {
    this.stack(stackId).record = true;
  }

  /** Rows were written or removed. */
  rows(stackId: string, rowIds: Iterable<string>): void {
    const dirty = this.stack(stackId);
    for (const id of rowIds) dirty.rows.add(id);
  }

  /** Templates were stored or removed. */
  templates(stackId: string, templateIds: Iterable<string>): void {
    const dirty = this.stack(stackId);
    for (const id of templateIds) dirty.templates.add(id);
  }

  /** The graph was replaced or dropped: the sync points restart (earlier merges are moot). */
  graph(stackId: string): void {
    const dirty = this.stack(stackId);
    dirty.graph = true;
    dirty.syncs.clear();
  }

  /** A sync-point entry was merged. */
  sync(stackId: string, node: SyncKey, sender: SyncKey): void {
    const syncs = this.stack(stackId).syncs;
    let senders = syncs.get(node);
    if (senders === undefined) {
      senders = new Set();
      syncs.set(node, senders);
    }
    senders.add(sender);
  }

  /** A traversal completed: rows and templates dropped, graph gone, record patched. */
  completed(stackId: string, rowIds: Iterable<string>, templateIds: Iterable<string>): void {
    this.rows(stackId, rowIds);
    this.templates(stackId, templateIds);
    this.graph(stackId);
    this.record(stackId);
  }

  /** A stack was deleted (its stream retired, its tombstone left). */
  deleted(tombstone: StackTombstone): void {
    this.record(tombstone.stackId);
    this.retired.push(tombstone.stackId);
    this.tombstones.push(tombstone);
  }

  /** A check was added to the queue. */
  enqueued(change: QueuedCheckChange): void {
    this.added.set(change.id, change);
  }

  /** A check finished (done or dropped): it leaves the saved queue. */
  finished(id: number): void {
    if (!this.added.delete(id)) this.done.add(id);
  }

  /** A timer was scheduled. */
  scheduled(change: TimerChange): void {
    this.timersAdded.set(change.id, change);
  }

  /** A timer fired. */
  fired(id: number): void {
    if (!this.timersAdded.delete(id)) this.timersDone.add(id);
  }

  /** Whether nothing was noted since the last reset. */
  isEmpty(): boolean {
    return (
      this.stacks.size === 0 &&
      this.eventStreams.size === 0 &&
      this.retired.length === 0 &&
      this.tombstones.length === 0 &&
      this.added.size === 0 &&
      this.done.size === 0 &&
      this.timersAdded.size === 0 &&
      this.timersDone.size === 0
    );
  }

  /** Forget everything noted (after a take, or when a full snapshot was saved). */
  reset(): void {
    this.stacks.clear();
    this.eventStreams.clear();
    this.retired.length = 0;
    this.tombstones.length = 0;
    this.added.clear();
    this.done.clear();
    this.timersAdded.clear();
    this.timersDone.clear();
  }
}
