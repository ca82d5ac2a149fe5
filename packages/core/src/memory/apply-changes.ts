/**
 * Folding {@link MemoryChanges} into the snapshot they continue: the state a runtime had when
 * it took the last of them. Used to read a state journal (a snapshot, then the changes one
 * runtime appended). The result is not validated here; pass it to `parseMemorySnapshot`.
 */
import type { SyncKey, ResourceRow, StackEvent, StackRecord, SyncPayload, TraversalGraph } from "../model/types.js";
import type { StackTombstone } from "../runtime/contract.js";
import type { CompiledTemplate } from "../template/types.js";
import type { MemoryChanges, StackChanges } from "./changes.js";
import { MEMORY_TOMBSTONES_KEPT } from "./memory-store.js";
import type { MemorySnapshot, QueuedCheckSnapshot, StackSnapshot, SyncPointSnapshot, TimerSnapshot } from "./snapshot.js";
import { snapshotTombstones, syncPointsOf } from "./snapshot.js";

/** How many deleted stacks' event streams a memory store keeps (its `EventLog` default). */
const RETIRED_STREAMS_KEPT = 100;

/** Which ids the snapshot's queued checks and timers have in the runtime that wrote the changes. */
export interface SnapshotIds {
  /** Queue ids of `snapshot.queue`, in order. @default 1, 2, 3, … */
  readonly queueIds?: readonly number[];
  /** Timer ids of `snapshot.timers`, in order (absorbed duplicates have none). @default 1, 2, 3, … skipping duplicates */
  readonly timerIds?: readonly number[];
}

interface StackBuild {
  stack: StackRecord;
  readonly templates: Map<string, CompiledTemplate>;
  readonly rows: Map<string, ResourceRow>;
  rowCounter: number;
  graph: TraversalGraph | null;
  syncs: Map<SyncKey, { readonly fields: Map<SyncKey, SyncPayload>; count: number }>;
}

function own<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

function toBuild(entry: StackSnapshot): StackBuild {
  const syncs = syncPointsOf(entry.syncs);
  return {
    stack: entry.stack,
    templates: new Map(Object.entries(entry.templates)),
    rows: new Map(entry.rows.map((row) => [row.id, row])),
    rowCounter: entry.rowCounter,
    graph: entry.graph,
    syncs,
  };
}

function fromBuild(build: StackBuild): StackSnapshot {
  const syncs = own<SyncPointSnapshot>([...build.syncs].map(([node, point]) => [node, { fields: own(point.fields), count: point.count }] as const));
  return { stack: build.stack, templates: own(build.templates), rows: [...build.rows.values()], rowCounter: build.rowCounter, graph: build.graph, syncs };
}

function applyStack(stacks: Map<string, StackBuild>, change: StackChanges): void {
  if (change.stack === null) {
    stacks.delete(change.id);
    return;
  }
  let build = stacks.get(change.id);
  if (build === undefined) {
    if (change.stack === undefined) return; // changes of a stack deleted meanwhile
    build = { stack: change.stack, templates: new Map(), rows: new Map(), rowCounter: 0, graph: null, syncs: new Map() };
    stacks.set(change.id, build);
  }
  if (change.stack !== undefined) build.stack = change.stack;
  if (change.rowCounter !== undefined) build.rowCounter = change.rowCounter;
  for (const [id, template] of change.templates ?? []) build.templates.set(id, template);
  for (const id of change.droppedTemplates ?? []) build.templates.delete(id);
  for (const row of change.rows ?? []) build.rows.set(row.id, row);
  for (const id of change.droppedRows ?? []) build.rows.delete(id);
  if (change.graph !== undefined) {
    build.graph = change.graph;
    build.syncs = new Map();
  }
  for (const [node, sender, payload, count] of change.syncs ?? []) {
    let point = build.syncs.get(node);
    if (point === undefined) {
      point = { fields: new Map(), count: 0 };
      build.syncs.set(node, point);
    }
    point.fields.set(sender, payload);
    point.count = count;
  }
}

/** Default timer ids: 1, 2, … in order, an identical earlier timer absorbing a later one (as `schedule` does). */
function defaultTimerIds(timers: readonly TimerSnapshot[]): (number | undefined)[] {
  const keys = new Set<string>();
  let next = 0;
  return timers.map((timer) => {
    const key = `${timer.at}|${JSON.stringify(timer.message)}`;
    if (keys.has(key)) return undefined;
    keys.add(key);
    return ++next;
  });
}

/**
 * The snapshot `base` with `changes` applied in order. `ids` are those the runtime that took
 * the changes gave `base`'s queued checks and timers (see {@link MemoryChanges}).
 */
export function applyMemoryChanges(base: MemorySnapshot, changes: readonly MemoryChanges[], ids: SnapshotIds = {}): MemorySnapshot {
  const stacks = new Map(base.stacks.map((entry) => [entry.stack.id, toBuild(entry)]));
  const streams = new Map(Object.entries(base.events.streams).map(([id, stream]) => [id, [...stream]]));
  const retired = [...base.events.retired];
  let seq = base.events.seq;
  const tombstones = new Map(snapshotTombstones(base).map((t) => [t.stackId, t]));
  const queue = new Map<number, QueuedCheckSnapshot>(base.queue.map((check, i) => [ids.queueIds?.[i] ?? i + 1, check]));
  const timerIds = ids.timerIds ?? defaultTimerIds(base.timers);
  const timers = new Map<number, TimerSnapshot>();
  base.timers.forEach((timer, i) => {
    const id = timerIds[i];
    if (id !== undefined) timers.set(id, timer);
  });
  let savedAt = base.savedAt;
  for (const change of changes) {
    savedAt = change.savedAt;
    for (const stack of change.stacks) applyStack(stacks, stack);
    for (const [stackId, events] of change.events.appended) {
      const stream = streams.get(stackId) ?? [];
      stream.push(...events);
      streams.set(stackId, stream);
    }
    for (const stackId of change.events.retired) {
      retired.push(stackId);
      while (retired.length > RETIRED_STREAMS_KEPT) streams.delete(retired.shift() as string);
    }
    seq = change.events.seq;
    for (const tombstone of change.tombstones) {
      tombstones.delete(tombstone.stackId);
      tombstones.set(tombstone.stackId, tombstone);
    }
    for (const check of change.queue.add) queue.set(check.id, { message: check.message, attempts: check.attempts });
    for (const id of change.queue.done) queue.delete(id);
    for (const timer of change.timers.add) timers.set(timer.id, { message: timer.message, at: timer.at });
    for (const id of change.timers.done) timers.delete(id);
  }
  const kept: StackTombstone[] = [...tombstones.values()].slice(-MEMORY_TOMBSTONES_KEPT);
  const byId = <T>(map: Map<number, T>): T[] => [...map].sort((a, b) => a[0] - b[0]).map(([, value]) => value);
  return {
    format: base.format,
    version: base.version,
    savedAt,
    stacks: [...stacks.values()].map(fromBuild),
    events: { seq, streams: own<readonly StackEvent[]>(streams), retired: retired.filter((id) => streams.has(id)) },
    queue: byId(queue),
    timers: byId(timers).sort((a, b) => a.at - b.at),
    tombstones: kept,
  };
}
