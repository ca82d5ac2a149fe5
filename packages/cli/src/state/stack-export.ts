/**
 * A stack as versioned JSON, to move it between runtimes (the memory runtime's state file and
 * Redis): its record (options, parameters with hidden ones sealed), every stored template, every
 * row (properties and attributes sealed and redacted as stored) and its latest events. Read
 * and written through the runtime contract's store operations only, so it works on any runtime.
 *
 * Only a settled stack is exported (a traversal in flight has queued checks and sync points
 * that belong to its runtime). Importing validates the whole file first (nothing is written
 * for a bad or old file), refuses a name in use, then stores the stack under a new id: the
 * record and templates, one graph-less "traversal" that inserts the rows, and its completion
 * with the record as exported; a failure part-way deletes what was written.
 */
import { randomUUID } from "node:crypto";
import { SnapshotError, StackExistsError, StackNotFoundError, StackStateError, parseMemorySnapshot } from "@converge/core";
import type { CompiledTemplate, ResourceRow, RuntimeStore, StackEvent, StackRecord } from "@converge/core";

/** The `format` of an exported stack. */
export const STACK_EXPORT_FORMAT = "converge.stack-export";

/** The export version this code writes and reads. */
export const STACK_EXPORT_VERSION = 1;

/** Events kept in an export (the newest). */
export const EXPORTED_EVENTS = 1000;

/** A stack as exported. */
export interface StackExport {
  /** Always {@link STACK_EXPORT_FORMAT}. */
  readonly format: typeof STACK_EXPORT_FORMAT;
  /** Always {@link STACK_EXPORT_VERSION}. */
  readonly version: typeof STACK_EXPORT_VERSION;
  /** Epoch ms. */
  readonly exportedAt: number;
  /** The stack record. */
  readonly stack: StackRecord;
  /** Every stored template by id (the target and the last completed one at least). */
  readonly templates: Readonly<Record<string, CompiledTemplate>>;
  /** Every row. */
  readonly rows: readonly ResourceRow[];
  /** The newest events, oldest first. */
  readonly events: readonly StackEvent[];
}

/** Read a settled stack. @throws StackNotFoundError, StackStateError while it is in progress */
export async function exportStack(store: RuntimeStore, name: string, now: number): Promise<StackExport> {
  const id = await store.findStackId(name);
  const stack = id === null ? null : await store.loadStack(id);
  if (id === null || stack === null) throw new StackNotFoundError(name);
  if (stack.status === "IN_PROGRESS") {
    throw new StackStateError(`stack "${name}" is ${stack.action}_IN_PROGRESS; export it once it settled (or cancel it first)`);
  }
  const rows = await store.loadRows(id);
  rows.sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
  const templates: Record<string, CompiledTemplate> = {};
  for (const templateId of new Set([stack.templateId, ...(stack.prevTemplateId === null ? [] : [stack.prevTemplateId]), ...rows.map((r) => r.templateId)])) {
    const template = await store.loadTemplate(id, templateId);
    if (template !== null) Object.defineProperty(templates, templateId, { value: template, enumerable: true, writable: true, configurable: true });
  }
  const events: StackEvent[] = [];
  for (let after: string | null = null; ; ) {
    const batch = await store.readEvents(id, after, { limit: 10_000 });
    const last = batch.at(-1);
    if (last === undefined) break;
    events.push(...batch);
    if (events.length > EXPORTED_EVENTS) events.splice(0, events.length - EXPORTED_EVENTS);
    after = last.seq;
  }
  return { format: STACK_EXPORT_FORMAT, version: STACK_EXPORT_VERSION, exportedAt: now, stack, templates, rows, events };
}

/**
 * Validate an untrusted value as a stack export.
 * @throws SnapshotError naming `source`, the path of what is wrong and why.
 */
export function parseStackExport(value: unknown, source: string): StackExport {
  const fail = (path: string, message: string): never => {
    throw new SnapshotError(source, path, message);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("", "not a Converge stack export (expected a JSON object)");
  const envelope = value as Partial<StackExport>;
  if (envelope.format !== STACK_EXPORT_FORMAT) {
    fail("format", `not a Converge stack export (expected "format": "${STACK_EXPORT_FORMAT}", got ${JSON.stringify(envelope.format) ?? "nothing"})`);
  }
  if (envelope.version !== STACK_EXPORT_VERSION) {
    const newer = typeof envelope.version === "number" && envelope.version > STACK_EXPORT_VERSION;
    fail("version", newer ? `written by a newer Converge (version ${String(envelope.version)}); this one reads version ${STACK_EXPORT_VERSION}` : `unsupported version ${JSON.stringify(envelope.version) ?? "(missing)"}`);
  }
  if (typeof envelope.exportedAt !== "number") fail("exportedAt", "expected a number (epoch ms)");
  if (!Array.isArray(envelope.events)) fail("events", "expected a list of events");
  const stackId = (envelope.stack as { id?: unknown } | undefined)?.id;
  // The records have the shapes of a memory snapshot's: validate the stack as one.
  const probe = {
    format: "converge.memory-state",
    version: 1,
    savedAt: envelope.exportedAt,
    stacks: [{ stack: envelope.stack, templates: envelope.templates, rows: envelope.rows, rowCounter: maxRowId(envelope.rows), graph: null, syncs: {} }],
    // Sequence numbers are the exporting runtime's (Redis stream ids, say): import renumbers them.
    events: { seq: Number.MAX_SAFE_INTEGER, streams: typeof stackId === "string" ? { [stackId]: renumbered(envelope.events) } : {}, retired: [] },
    queue: [],
    timers: [],
  };
  try {
    parseMemorySnapshot(probe, { source });
  } catch (error) {
    if (!(error instanceof SnapshotError)) throw error;
    const path = error.path.replace(/^stacks\[0\]\./, "").replace(/^events\.streams\.[^.[]+/, "events");
    fail(path, error.message.slice(error.message.indexOf(": ") + 2));
  }
  if (envelope.stack?.status === "IN_PROGRESS") fail("stack.status", "a stack in progress cannot be imported; export it once it settled");
  return JSON.parse(JSON.stringify(value)) as StackExport;
}

function renumbered(events: unknown): unknown {
  return Array.isArray(events) ? events.map((event: unknown, i) => (typeof event === "object" && event !== null ? { ...event, seq: String(i + 1) } : event)) : events;
}

/** A shallow copy of `value` without `keys`. */
function without<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Omit<T, K> {
  const copy: Partial<T> = { ...value };
  for (const key of keys) delete copy[key];
  return copy as Omit<T, K>;
}

function maxRowId(rows: unknown): number {
  if (!Array.isArray(rows)) return 0;
  return rows.reduce<number>((max, row) => Math.max(max, Number((row as { id?: unknown }).id) || 0), 0);
}

/**
 * Store an exported stack, named `name` (default: its own name), under a new id.
 * @returns the new stack's id. @throws StackExistsError when the name is taken
 */
export async function importStack(store: RuntimeStore, exported: StackExport, name: string, now: number): Promise<string> {
  if ((await store.findStackId(name)) !== null) throw new StackExistsError(name);
  const id = randomUUID();
  const final: StackRecord = { ...exported.stack, id, name };
  const templateIds = Object.keys(exported.templates).filter((t) => t !== final.templateId);
  templateIds.push(final.templateId);
  const template = (templateId: string): CompiledTemplate => exported.templates[templateId] as CompiledTemplate;
  let traversal = `import-${randomUUID()}`;
  const first = templateIds[0] as string;
  const base: StackRecord = { ...final, templateId: first, currentTraversal: traversal, action: "UPDATE", status: "IN_PROGRESS", statusReason: "Stack import in progress" };
  if (!(await store.createStack(base, template(first)))) throw new StackExistsError(name);
  try {
    for (const [i, templateId] of templateIds.entries()) {
      const next = i === templateIds.length - 1 ? final.currentTraversal : `import-${randomUUID()}`;
      const stack: StackRecord = { ...base, templateId, currentTraversal: next };
      if (!(await store.beginTraversal({ stackId: id, expectedTraversal: traversal, stack, ...(i === 0 ? {} : { template: template(templateId) }) }))) {
        throw new StackStateError(`stack "${name}" changed while it was imported`);
      }
      traversal = next;
    }
    const graph = { traversalId: traversal, templateId: final.templateId, nodes: {}, roots: [], leaves: [] };
    const newRows = exported.rows.map((row) => without(row, ["version", "lockHolder"]));
    if (!(await store.installGraph({ stackId: id, graph, newRows }))) throw new StackStateError(`stack "${name}" changed while it was imported`);
    await store.allocateRowIds(id, maxRowId(exported.rows));
    if (exported.events.length > 0) await store.appendEvents(id, exported.events.map((event) => ({ ...without(event, ["seq"]), stackName: name })));
    const patch = without(final, ["id", "name", "currentTraversal"]);
    if (!(await store.completeTraversal(id, traversal, [], Object.keys(exported.templates), { ...patch, updatedAt: now }))) {
      throw new StackStateError(`stack "${name}" changed while it was imported`);
    }
    return id;
  } catch (error) {
    const current = (await store.loadStack(id).catch(() => null))?.currentTraversal;
    if (current !== undefined) await store.deleteStack(id, current, now).catch(() => undefined);
    throw error;
  }
}
