/**
 * The memory runtime's store: every atomic operation of the runtime contract as one
 * synchronous step over maps (so each is trivially atomic). What comes in is copied once and
 * frozen (stack records, rows, sync payloads); reads hand out the frozen values themselves - no
 * copy per read - so no caller can change the store's state in place. Traversal graphs and
 * compiled templates, immutable by design and built for the call that stores them, are frozen
 * in place and kept, not copied: a copy cost a second 100k-node graph (~35-55 MiB) and
 * template (~15-20 MiB) per traversal. The caller's object is frozen from then on, so a
 * later write to it throws instead of changing the stored value.
 */
import type { NewStackEvent, ResourceRow, SyncKey, StackEvent, StackRecord, SyncPayload, TraversalGraph } from "../model/types.js";
import type {
  StackTombstone,
  BeginTraversal,
  InstallGraph,
  NewRow,
  NodeReport,
  NodeReportResult,
  ReplacementResult,
  RowWrite,
  RowWriteEvent,
  RowWriteResult,
  RuntimeStore,
  SyncMergeInput,
  SyncResult,
} from "../runtime/contract.js";
import { RuntimeStateError } from "../errors.js";
import type { CompiledTemplate } from "../template/types.js";
import type { ChangeTracker, StackChanges } from "./changes.js";
import { collectStackChanges } from "./stack-changes.js";
import { EventLog } from "./event-log.js";
import type { StackSnapshot, SyncPointSnapshot } from "./snapshot.js";
import { jsonCopy, syncPointsOf } from "./snapshot.js";
import { deepFreeze, frozenCopy } from "./plain-copy.js";
import { patchedRow, storedRow } from "./stored-row.js";
import { SyncFields, type SyncFieldsView } from "./sync-fields.js";

interface SyncEntry {
  readonly fields: SyncFieldsView;
  count: number;
}

interface StackState {
  stack: StackRecord;
  readonly templates: Map<string, CompiledTemplate>;
  readonly rows: Map<string, ResourceRow>;
  rowCounter: number;
  graph: TraversalGraph | null;
  syncs: Map<SyncKey, SyncEntry>;
}

/** How many tombstones of deleted stacks the memory store keeps (the oldest go first). */
export const MEMORY_TOMBSTONES_KEPT = 10_000;

/** In-memory implementation of {@link RuntimeStore}. */
export class MemoryStore implements RuntimeStore {
  private readonly stacks = new Map<string, StackState>();
  private readonly names = new Map<string, string>();
  /** Tombstones of deleted stacks, oldest first (at most {@link MEMORY_TOMBSTONES_KEPT}). */
  private readonly tombstones = new Map<string, StackTombstone>();
  /** Event streams outlive their stack (a deleted stack's stream stays readable). */
  readonly events: EventLog;
  /** Notes the keys written, when the runtime tracks changes (`trackChanges`). */
  tracker: ChangeTracker | null = null;

  private state(stackId: string): StackState | undefined {
    return this.stacks.get(stackId);
  }

  /**
   * Every stack and what it owns, as plain data, for a runtime snapshot: a deep copy, or with
   * `copy: false` the store's own records (never changed in place: a write replaces them).
   */
  exportStacks(copy = true): StackSnapshot[] {
    return [...this.stacks.values()].map((s) => {
      const templates: Record<string, CompiledTemplate> = {};
      for (const [id, template] of s.templates) templates[id] = template;
      const syncs: Record<string, SyncPointSnapshot> = {};
      for (const [node, entry] of s.syncs) {
        const fields: Record<string, SyncPayload> = {};
        for (const [sender, payload] of entry.fields) fields[sender] = payload;
        syncs[node] = { fields, count: entry.count };
      }
      const entry = { stack: s.stack, templates, rows: [...s.rows.values()], rowCounter: s.rowCounter, graph: s.graph, syncs };
      return copy ? jsonCopy(entry) : entry;
    });
  }

  /**
   * Load stacks from a validated snapshot into an empty store.
   * @throws RuntimeStateError when the store already holds stacks.
   */
  importStacks(stacks: readonly StackSnapshot[]): void {
    if (this.stacks.size > 0) throw new RuntimeStateError("memory store", "a snapshot can only be loaded into an empty memory store");
    for (const entry of jsonCopy(stacks)) {
      const syncs: Map<SyncKey, SyncEntry> = syncPointsOf(entry.syncs, deepFreeze);
      this.stacks.set(entry.stack.id, {
        stack: deepFreeze(entry.stack),
        templates: new Map(Object.entries(entry.templates).map(([id, t]) => [id, deepFreeze(t)])),
        rows: new Map(entry.rows.map((row) => [row.id, storedRow(row, row.lockHolder, row.version)])),
        rowCounter: entry.rowCounter,
        graph: entry.graph === null ? null : deepFreeze(entry.graph),
        syncs,
      });
      this.names.set(entry.stack.name, entry.stack.id);
    }
  }

  async createStack(stack: StackRecord, template: CompiledTemplate): Promise<boolean> {
    if (this.names.has(stack.name)) return false;
    this.names.set(stack.name, stack.id);
    this.stacks.set(stack.id, {
      stack: frozenCopy(stack),
      templates: new Map([[stack.templateId, deepFreeze(template)]]),
      rows: new Map(),
      rowCounter: 0,
      graph: null,
      syncs: new Map(),
    });
    this.tracker?.record(stack.id);
    this.tracker?.templates(stack.id, [stack.templateId]);
    return true;
  }

  async findStackId(name: string): Promise<string | null> {
    return this.names.get(name) ?? null;
  }

  async listStackNames(): Promise<string[]> {
    return [...this.names.keys()].sort();
  }

  async loadStack(stackId: string): Promise<StackRecord | null> {
    return this.state(stackId)?.stack ?? null;
  }

  async beginTraversal(input: BeginTraversal): Promise<boolean> {
    const s = this.state(input.stackId);
    if (s === undefined || s.stack.currentTraversal !== input.expectedTraversal) return false;
    s.stack = frozenCopy(input.stack);
    s.graph = null;
    s.syncs = new Map();
    if (input.template !== undefined) s.templates.set(input.stack.templateId, deepFreeze(input.template));
    this.tracker?.record(input.stackId);
    this.tracker?.graph(input.stackId);
    if (input.template !== undefined) this.tracker?.templates(input.stackId, [input.stack.templateId]);
    return true;
  }

  async installGraph(input: InstallGraph): Promise<boolean> {
    const s = this.state(input.stackId);
    if (s === undefined || s.stack.currentTraversal !== input.graph.traversalId) return false;
    for (const row of input.newRows) s.rows.set(row.id, storedRow(row, null, 1));
    s.graph = deepFreeze(input.graph);
    s.syncs = new Map();
    this.tracker?.rows(input.stackId, input.newRows.map((row) => row.id));
    this.tracker?.graph(input.stackId);
    return true;
  }

  async allocateRowIds(stackId: string, count: number): Promise<string[]> {
    const s = this.state(stackId);
    if (s === undefined) return [];
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(String(++s.rowCounter));
    this.tracker?.record(stackId);
    return ids;
  }

  async loadGraph(stackId: string, traversalId: string): Promise<TraversalGraph | null> {
    const graph = this.state(stackId)?.graph ?? null;
    return graph !== null && graph.traversalId === traversalId ? graph : null;
  }

  async updateStack(
    stackId: string,
    ifTraversal: string,
    patch: Partial<Omit<StackRecord, "id" | "name" | "currentTraversal">>,
    ifStatus?: StackRecord["status"],
  ): Promise<boolean> {
    const s = this.state(stackId);
    if (s === undefined || s.stack.currentTraversal !== ifTraversal) return false;
    if (ifStatus !== undefined && s.stack.status !== ifStatus) return false;
    s.stack = Object.freeze({ ...s.stack, ...frozenCopy(patch) });
    this.tracker?.record(stackId);
    return true;
  }

  async deleteStack(stackId: string, ifTraversal: string, deletedAt: number): Promise<boolean> {
    const s = this.state(stackId);
    if (s === undefined || s.stack.currentTraversal !== ifTraversal) return false;
    this.stacks.delete(stackId);
    if (this.names.get(s.stack.name) === stackId) this.names.delete(s.stack.name);
    this.events.retire(stackId);
    const tombstone = { stackId, name: s.stack.name, traversalId: ifTraversal, deletedAt };
    this.addTombstone(tombstone);
    this.tracker?.deleted(tombstone);
    return true;
  }

  async loadTombstone(stackId: string): Promise<StackTombstone | null> {
    const tombstone = this.tombstones.get(stackId);
    return tombstone === undefined ? null : { ...tombstone };
  }

  private addTombstone(tombstone: StackTombstone): void {
    this.tombstones.delete(tombstone.stackId);
    this.tombstones.set(tombstone.stackId, tombstone);
    while (this.tombstones.size > MEMORY_TOMBSTONES_KEPT) this.tombstones.delete(this.tombstones.keys().next().value as string);
  }

  /** The tombstones, oldest first, for a runtime snapshot. */
  exportTombstones(): StackTombstone[] {
    return [...this.tombstones.values()].map((t) => ({ ...t }));
  }

  /** Load a snapshot's tombstones (oldest first). */
  importTombstones(tombstones: readonly StackTombstone[]): void {
    for (const tombstone of tombstones) this.addTombstone({ ...tombstone });
  }

  /**
   * Lose everything - stacks, names, tombstones and event streams - as a store restarted
   * without persistence does (a test control: see `MemoryRuntime.wipeState`).
   */
  wipe(): void {
    this.stacks.clear();
    this.names.clear();
    this.tombstones.clear();
    this.events.wipe();
  }

  async loadTemplate(stackId: string, templateId: string): Promise<CompiledTemplate | null> {
    return this.state(stackId)?.templates.get(templateId) ?? null;
  }

  async loadRows(stackId: string): Promise<ResourceRow[]> {
    return [...(this.state(stackId)?.rows.values() ?? [])];
  }

  async loadRow(stackId: string, rowId: string): Promise<ResourceRow | null> {
    return this.state(stackId)?.rows.get(rowId) ?? null;
  }

  async writeRow(write: RowWrite): Promise<RowWriteResult> {
    return this.applyWrite(write);
  }

  /** The optional fused `writeRowWithEvent` (absent when the store was made with `fused: false`). */
  readonly writeRowWithEvent?: (write: RowWrite, event: RowWriteEvent) => Promise<RowWriteResult>;

  /** The optional fused `reportNode` (absent when the store was made with `fused: false`). */
  readonly reportNode?: (report: NodeReport) => Promise<NodeReportResult>;

  /**
   * @param options.fused implement the contract's optional fused operations (`writeRowWithEvent`,
   *   `reportNode`); false leaves them out, so core composes them from the basic ones. @default true
   * @param options.maxEventsPerStack events kept per stack's stream (see `EventLog`). @default 100,000
   */
  constructor(options: { readonly fused?: boolean; readonly maxEventsPerStack?: number } = {}) {
    this.events = new EventLog(100, options.maxEventsPerStack);
    if (options.fused === false) return;
    this.writeRowWithEvent = async (write, event) => {
      const result = this.applyWrite(write);
      if (result.ok) this.appendRowEvent(write.stackId, event, result.row);
      return result;
    };
    this.reportNode = async (report) => {
      if (report.write !== undefined) {
        const written = this.applyWrite(report.write);
        if (!written.ok) return { kind: "refused", reason: written.reason, row: written.row };
        if (report.event !== undefined) this.appendRowEvent(report.write.stackId, report.event, written.row);
      }
      const s = this.state(report.stackId);
      if (s === undefined || s.graph === null || s.graph.traversalId !== report.traversalId) return { kind: "gone" };
      const ready: SyncKey[] = [];
      for (const target of report.targets) {
        if (this.merge(s, target.node, report.sender, target.payload, true, target.required) === "ready") ready.push(target.node);
      }
      return { kind: "reported", ready };
    };
  }

  private applyWrite(write: RowWrite): RowWriteResult {
    const s = this.state(write.stackId);
    const row = s?.rows.get(write.rowId);
    if (s === undefined || row === undefined) return { ok: false, reason: "gone", row: null };
    if (write.ifTraversal !== undefined && s.stack.currentTraversal !== write.ifTraversal) {
      return { ok: false, reason: "superseded", row };
    }
    if (write.ifHolder !== undefined && row.lockHolder !== write.ifHolder) return { ok: false, reason: "locked", row };
    if (write.ifVersion !== undefined && row.version !== write.ifVersion) return { ok: false, reason: "version", row };
    const next = patchedRow(row, write.patch, write.setHolder === undefined ? row.lockHolder : write.setHolder, row.version + 1);
    s.rows.set(row.id, next);
    this.tracker?.rows(write.stackId, [row.id]);
    return { ok: true, row: next };
  }

  async createReplacement(
    stackId: string,
    oldRowId: string,
    traversalId: string,
    ifVersion: number,
    row: Omit<NewRow, "id">,
  ): Promise<ReplacementResult> {
    const s = this.state(stackId);
    const old = s?.rows.get(oldRowId);
    if (s === undefined || old === undefined) return { ok: false, reason: "gone", row: null };
    const existing = old.replacedBy === null ? undefined : s.rows.get(old.replacedBy);
    if (existing !== undefined && existing.createdTraversal === traversalId) return { ok: true, row: existing, created: false };
    if (s.stack.currentTraversal !== traversalId) return { ok: false, reason: "superseded", row: old };
    if (old.lockHolder !== null) return { ok: false, reason: "locked", row: old };
    if (old.version !== ifVersion) return { ok: false, reason: "version", row: old };
    const id = String(++s.rowCounter);
    const created = storedRow({ ...row, id, replaces: oldRowId }, null, 1);
    s.rows.set(id, created);
    s.rows.set(oldRowId, patchedRow(old, { replacedBy: id }, old.lockHolder, old.version + 1));
    this.tracker?.record(stackId);
    this.tracker?.rows(stackId, [id, oldRowId]);
    return { ok: true, row: created, created: true };
  }

  async completeTraversal(
    stackId: string,
    traversalId: string,
    dropRowIds: readonly string[],
    keepTemplateIds: readonly string[],
    patch: Partial<Omit<StackRecord, "id" | "name" | "currentTraversal">>,
  ): Promise<boolean> {
    const s = this.state(stackId);
    if (s === undefined || s.stack.currentTraversal !== traversalId) return false;
    for (const id of dropRowIds) s.rows.delete(id);
    const keep = new Set(keepTemplateIds);
    const dropped = [...s.templates.keys()].filter((id) => !keep.has(id));
    for (const id of dropped) s.templates.delete(id);
    s.graph = null;
    s.syncs = new Map();
    s.stack = Object.freeze({ ...s.stack, ...frozenCopy(patch) });
    this.tracker?.completed(stackId, dropRowIds, dropped);
    return true;
  }

  async syncMerge({ stackId, traversalId, node, sender, payload, counted, required }: SyncMergeInput): Promise<SyncResult> {
    const s = this.state(stackId);
    if (s === undefined || s.graph === null || s.graph.traversalId !== traversalId) return "gone";
    return this.merge(s, node, sender, payload, counted, required);
  }

  /** The merge-and-test of a sync point of a live traversal. */
  private merge(s: StackState, node: SyncKey, sender: SyncKey, payload: SyncPayload, counted: boolean, required: number): SyncResult {
    let entry = s.syncs.get(node);
    if (entry === undefined) {
      entry = { fields: new SyncFields(), count: 0 };
      s.syncs.set(node, entry);
    }
    const isNew = !entry.fields.has(sender);
    entry.fields.set(sender, frozenCopy(payload));
    if (counted && isNew) entry.count += 1;
    this.tracker?.sync(s.stack.id, node, sender);
    return entry.count >= required ? "ready" : "waiting";
  }

  async syncHas(stackId: string, traversalId: string, node: SyncKey, sender: SyncKey): Promise<boolean> {
    const s = this.state(stackId);
    if (s === undefined || s.graph === null || s.graph.traversalId !== traversalId) return false;
    return s.syncs.get(node)?.fields.has(sender) === true;
  }

  async readSync(stackId: string, traversalId: string, node: SyncKey): Promise<Map<SyncKey, SyncPayload> | null> {
    const s = this.state(stackId);
    if (s === undefined || s.graph === null || s.graph.traversalId !== traversalId) return null;
    const entry = s.syncs.get(node);
    return new Map(entry?.fields ?? []);
  }

  async appendEvents(stackId: string, events: readonly NewStackEvent[]): Promise<void> {
    this.appendToStream(stackId, events);
  }

  private appendRowEvent(stackId: string, event: RowWriteEvent, row: ResourceRow): void {
    this.events.appendRowEvent(stackId, event, row);
    this.tracker?.eventStreams.add(stackId);
  }

  private appendToStream(stackId: string, events: readonly NewStackEvent[]): void {
    this.events.append(stackId, events);
    this.tracker?.eventStreams.add(stackId);
  }

  /** What changed in the stacks `tracker` noted, as the values are now (see {@link collectStackChanges}). */
  stackChanges(tracker: ChangeTracker): StackChanges[] {
    return collectStackChanges(tracker, (id) => this.state(id));
  }

  async readEvents(
    stackId: string,
    afterSeq: string | null,
    options?: { blockMs?: number; limit?: number; signal?: AbortSignal },
  ): Promise<StackEvent[]> {
    return this.events.read(stackId, afterSeq, options);
  }
}
