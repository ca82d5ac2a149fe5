/**
 * Snapshots of the memory runtime: everything it holds (stacks, templates, rows, graphs, sync
 * points, events, queued checks and timers) as one versioned, plain-JSON value, so a process
 * can persist the embedded runtime and a later one can carry on - the CLI's state file.
 *
 * ```ts
 * const runtime = createMemoryRuntime();
 * // ... work ...
 * const text = JSON.stringify(runtime.snapshot());
 * const later = createMemoryRuntime({ state: parseMemorySnapshot(JSON.parse(text), { source: "state.json" }) });
 * ```
 *
 * Checks that were running when the snapshot was taken are saved as queued: a restored runtime
 * delivers them again, as a queue redelivers the job of a crashed worker. Rows they left
 * locked name an engine that is not alive in the new process, so the protocol steals the lock
 * and resumes (DESIGN.md section 6, W-E); the watchdog timer is saved too (W-D).
 */
import { SnapshotError } from "../errors.js";
import { toSyncKey } from "../model/types.js";
import type { CheckMessage, NodeKey, ResourceRow, StackEvent, StackRecord, SyncKey, SyncPayload, TraversalGraph } from "../model/types.js";
import type { StackTombstone } from "../runtime/contract.js";
import type { CompiledTemplate } from "../template/types.js";
import { memorySnapshotSchema } from "./snapshot-schema.js";

/** The `format` marker of a memory snapshot. */
export const MEMORY_SNAPSHOT_FORMAT = "converge.memory-state";

/** The snapshot version this code writes and reads. */
export const MEMORY_SNAPSHOT_VERSION = 1;

/** One sync point: sender node → payload, and how many counted senders arrived. */
export interface SyncPointSnapshot {
  /** Payload per sender. */
  readonly fields: Readonly<Record<NodeKey, SyncPayload>>;
  /** Counted arrivals (readiness test). */
  readonly count: number;
}

/** One stack and everything it owns. */
export interface StackSnapshot {
  /** The stack record. */
  readonly stack: StackRecord;
  /** Stored templates by id. */
  readonly templates: Readonly<Record<string, CompiledTemplate>>;
  /** Every row (any state). */
  readonly rows: readonly ResourceRow[];
  /** Last row id handed out (ids are never reused). */
  readonly rowCounter: number;
  /** Graph of the current traversal, or null. */
  readonly graph: TraversalGraph | null;
  /** Sync points of the current traversal by node. */
  readonly syncs: Readonly<Record<NodeKey, SyncPointSnapshot>>;
}

/** The event streams. */
export interface EventLogSnapshot {
  /** Last sequence number handed out. */
  readonly seq: number;
  /** Events per stack id, oldest first. */
  readonly streams: Readonly<Record<string, readonly StackEvent[]>>;
  /** Ids of deleted stacks whose streams are still kept, oldest first. */
  readonly retired: readonly string[];
}

/** A check waiting for delivery. */
export interface QueuedCheckSnapshot {
  /** The message. */
  readonly message: CheckMessage;
  /** Deliveries so far. */
  readonly attempts: number;
}

/** A check scheduled for later (stack timeout, watchdog). */
export interface TimerSnapshot {
  /** The message. */
  readonly message: CheckMessage;
  /** Epoch ms when it is due. */
  readonly at: number;
}

/** Everything a memory runtime holds, as plain JSON. */
export interface MemorySnapshot {
  /** Always {@link MEMORY_SNAPSHOT_FORMAT}. */
  readonly format: typeof MEMORY_SNAPSHOT_FORMAT;
  /** Always {@link MEMORY_SNAPSHOT_VERSION}. */
  readonly version: typeof MEMORY_SNAPSHOT_VERSION;
  /** The runtime's clock when the snapshot was taken (epoch ms). */
  readonly savedAt: number;
  /** Every stack. */
  readonly stacks: readonly StackSnapshot[];
  /** Event streams. */
  readonly events: EventLogSnapshot;
  /** Checks queued or running, in delivery order. */
  readonly queue: readonly QueuedCheckSnapshot[];
  /** Scheduled checks. */
  readonly timers: readonly TimerSnapshot[];
  /**
   * Tombstones of deleted stacks, oldest first. Absent in older snapshots: the retired event
   * streams stand for them then.
   */
  readonly tombstones?: readonly StackTombstone[];
  /**
   * Identity of this saved state, set by whoever persists it (the CLI's state file): a journal
   * of later changes names the state it continues. Absent in older snapshots.
   */
  readonly stateId?: string;
}

/** Options of {@link parseMemorySnapshot}. */
export interface ParseSnapshotOptions {
  /** Where the value came from, for error messages. @default "memory snapshot" */
  readonly source?: string;
}

const validated = new WeakSet<object>();

/** A deep copy through JSON: plain data only, and safe for keys like `__proto__`. */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** True when `value` came out of {@link parseMemorySnapshot} or a runtime's `snapshot()`. */
export function isValidatedSnapshot(value: unknown): value is MemorySnapshot {
  return typeof value === "object" && value !== null && validated.has(value);
}

/** Mark a snapshot built by the runtime itself as valid (it needs no re-validation). */
export function markValidated(snapshot: MemorySnapshot): MemorySnapshot {
  validated.add(snapshot);
  return snapshot;
}

function describePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  return out;
}

/**
 * Validate an untrusted value (e.g. `JSON.parse` of a state file) as a memory snapshot: its
 * format marker and version, the shape of every record, and the references between them
 * (unique stack ids and names, stored target templates, a graph of the current traversal
 * whose edges name its own nodes, row ids within the row counter).
 *
 * @returns a private deep copy of the value, typed.
 * @throws SnapshotError naming the source, the path of the offending value and what is wrong.
 */
export function parseMemorySnapshot(value: unknown, options: ParseSnapshotOptions = {}): MemorySnapshot {
  const source = options.source ?? "memory snapshot";
  const fail = (path: string, message: string): never => {
    throw new SnapshotError(source, path, message);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("", "not a Converge memory snapshot (expected a JSON object)");
  const envelope = value as { format?: unknown; version?: unknown };
  if (envelope.format !== MEMORY_SNAPSHOT_FORMAT) {
    fail("format", `not a Converge memory snapshot (expected "format": "${MEMORY_SNAPSHOT_FORMAT}", got ${JSON.stringify(envelope.format) ?? "nothing"})`);
  }
  if (envelope.version !== MEMORY_SNAPSHOT_VERSION) {
    const newer = typeof envelope.version === "number" && envelope.version > MEMORY_SNAPSHOT_VERSION;
    fail(
      "version",
      newer
        ? `written by a newer Converge (version ${String(envelope.version)}); this one reads version ${MEMORY_SNAPSHOT_VERSION}`
        : `unsupported version ${JSON.stringify(envelope.version) ?? "(missing)"}; this Converge reads version ${MEMORY_SNAPSHOT_VERSION}`,
    );
  }
  const parsed = memorySnapshotSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(describePath(issue?.path ?? []), issue?.message ?? "invalid");
  }
  const snapshot = jsonCopy(value as MemorySnapshot);
  checkReferences(snapshot, fail);
  return markValidated(snapshot);
}

function checkReferences(snapshot: MemorySnapshot, fail: (path: string, message: string) => never): void {
  const ids = new Set<string>();
  const names = new Set<string>();
  snapshot.stacks.forEach((entry, i) => {
    const at = `stacks[${i}]`;
    const { stack } = entry;
    if (ids.has(stack.id)) fail(`${at}.stack.id`, `duplicate stack id "${stack.id}"`);
    if (names.has(stack.name)) fail(`${at}.stack.name`, `duplicate stack name "${stack.name}"`);
    ids.add(stack.id);
    names.add(stack.name);
    const templates = new Set(Object.keys(entry.templates));
    if (!templates.has(stack.templateId)) fail(`${at}.stack.templateId`, `target template "${stack.templateId}" is not stored`);
    if (stack.prevTemplateId !== null && !templates.has(stack.prevTemplateId)) {
      fail(`${at}.stack.prevTemplateId`, `last completed template "${stack.prevTemplateId}" is not stored`);
    }
    const rowIds = new Set<string>();
    entry.rows.forEach((row, r) => {
      if (rowIds.has(row.id)) fail(`${at}.rows[${r}].id`, `duplicate row id "${row.id}"`);
      rowIds.add(row.id);
      const n = Number(row.id);
      if (Number.isInteger(n) && n > entry.rowCounter) fail(`${at}.rows[${r}].id`, `row id ${row.id} is above rowCounter ${entry.rowCounter}`);
    });
    checkGraph(entry, at, templates, fail);
  });
  const { events } = snapshot;
  for (const [stackId, stream] of Object.entries(events.streams)) {
    let previous = 0;
    stream.forEach((event, e) => {
      const seq = Number(event.seq);
      if (seq <= previous || seq > events.seq) {
        fail(`events.streams.${stackId}[${e}].seq`, `sequence ${event.seq} is out of order (previous ${previous}, last handed out ${events.seq})`);
      }
      previous = seq;
    });
  }
}

function checkGraph(
  entry: StackSnapshot,
  at: string,
  templates: ReadonlySet<string>,
  fail: (path: string, message: string) => never,
): void {
  const { graph, stack } = entry;
  if (graph === null) {
    if (Object.keys(entry.syncs).length > 0) fail(`${at}.syncs`, "sync points without a traversal graph");
    return;
  }
  if (graph.traversalId !== stack.currentTraversal) {
    fail(`${at}.graph.traversalId`, `graph of traversal "${graph.traversalId}" but the stack's current traversal is "${stack.currentTraversal}"`);
  }
  if (!templates.has(graph.templateId)) fail(`${at}.graph.templateId`, `template "${graph.templateId}" is not stored`);
  const nodes = new Set(Object.keys(graph.nodes));
  for (const [key, node] of Object.entries(graph.nodes)) {
    for (const other of [...node.requires, ...node.requiredBy]) {
      if (!nodes.has(other)) fail(`${at}.graph.nodes.${key}`, `edge to unknown node "${other}"`);
    }
  }
  for (const list of ["roots", "leaves"] as const) {
    graph[list].forEach((key, k) => {
      if (!nodes.has(key)) fail(`${at}.graph.${list}[${k}]`, `unknown node "${key}"`);
    });
  }
}

/**
 * The tombstones of deleted stacks a snapshot holds: its own, or - in a snapshot written
 * before they were saved - one per retired (deleted) stack's stream, from its last event.
 */
export function snapshotTombstones(snapshot: MemorySnapshot): StackTombstone[] {
  if (snapshot.tombstones !== undefined) return snapshot.tombstones.map((t) => ({ ...t }));
  return snapshot.events.retired.flatMap((stackId) => {
    const last = Object.hasOwn(snapshot.events.streams, stackId) ? snapshot.events.streams[stackId]?.at(-1) : undefined;
    return last === undefined ? [] : [{ stackId, name: last.stackName, traversalId: last.traversalId, deletedAt: last.time }];
  });
}

/**
 * A stack snapshot's sync points as the memory store keeps them: typed keys, each payload
 * passed through `payload` (e.g. to freeze it).
 */
export function syncPointsOf(
  syncs: Readonly<Record<string, SyncPointSnapshot>>,
  payload: (value: SyncPayload) => SyncPayload = (value) => value,
): Map<SyncKey, { readonly fields: Map<SyncKey, SyncPayload>; count: number }> {
  const points = new Map<SyncKey, { readonly fields: Map<SyncKey, SyncPayload>; count: number }>();
  for (const [node, point] of Object.entries(syncs)) {
    points.set(toSyncKey(node), { fields: new Map(Object.entries(point.fields).map(([sender, value]) => [toSyncKey(sender), payload(value)])), count: point.count });
  }
  return points;
}
