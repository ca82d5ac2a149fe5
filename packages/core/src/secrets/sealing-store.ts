/**
 * The store as protocol code uses it: every write is redacted where it is made, and every
 * read gives back the real values.
 *
 * What a view can print - a row's `properties`, `attributes` and `statusReason`, a stack's
 * `statusReason`, event reasons - is written redacted (see {@link Redactor}). The real
 * properties and attributes the protocol needs (to diff the next update, to call the
 * plugin, to send dependents their inputs) are kept in the same field, sealed under the
 * `$sealed` key, with the secrets found in them under `$secrets` (whoever reads the field
 * learns them): `{ ...redacted, "$sealed": "sealed:v1:...", "$secrets": "sealed:v1:..." }`.
 * A sync-point payload whose attributes hold a secret carries them the same way, without a
 * view. Reads through this store open both, so the protocol sees real values; views strip
 * the two keys (`openView`).
 */
import type { NewStackEvent, NodeKey, SyncKey, ResourceRow, RowPatch, StackEvent, StackRecord, SyncPayload, TraversalGraph } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import type {
  BeginTraversal,
  InstallGraph,
  NewRow,
  NodeReport,
  NodeReportResult,
  ReplacementResult,
  ReportTarget,
  RowWrite,
  RowWriteEvent,
  RowWriteResult,
  RuntimeStore,
  SyncMergeInput,
  SyncResult,
} from "../runtime/contract.js";
import type { CompiledTemplate } from "../template/types.js";
import { isPlainObject } from "../template/plain-data.js";
import { Redactor } from "./redactor.js";
import { SEALED_KEY, isSealedText, seal, unseal } from "./seal.js";

type Fields = Readonly<Record<string, unknown>>;

/** Key of a sealed field that carries the secrets found in it (sealed). */
const SECRETS_KEY = "$secrets";

/** The real record of a stored properties/attributes field (the field itself when nothing is sealed in it). */
export function openRecord(stored: Fields): Fields {
  if (!Object.prototype.hasOwnProperty.call(stored, SEALED_KEY)) return stored;
  const sealed = stored[SEALED_KEY];
  if (isSealedText(sealed)) {
    const real = unseal(sealed);
    if (isPlainObject(real)) return real;
  }
  return openView(stored);
}

/** A stored properties/attributes field as a view shows it: redacted, without the sealed original. */
export function openView(stored: Fields): Record<string, unknown> {
  if (!Object.prototype.hasOwnProperty.call(stored, SEALED_KEY)) return { ...stored };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(stored)) {
    if (key !== SEALED_KEY && key !== SECRETS_KEY) Object.defineProperty(out, key, { value: stored[key], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Whether a stored properties/attributes field carries sealed values (or their secrets). */
function isSealed(stored: Fields): boolean {
  return Object.prototype.hasOwnProperty.call(stored, SEALED_KEY) || Object.prototype.hasOwnProperty.call(stored, SECRETS_KEY);
}

/** The secrets a sealed field says it holds (learned by whoever reads it). */
function secretsOf(stored: Fields): string[] {
  const sealed = Object.prototype.hasOwnProperty.call(stored, SECRETS_KEY) ? stored[SECRETS_KEY] : undefined;
  const list = isSealedText(sealed) ? unseal(sealed) : [];
  return Array.isArray(list) ? list.filter((s): s is string => typeof s === "string") : [];
}

/** The secret property names by type of each registry (a type it does not know: every type's, failing closed). */
const secretPropertiesOf = new WeakMap<TypeRegistry, (type: string | undefined) => readonly string[]>();

/** The redactor of a type registry (a type it does not know: every type's secret properties, failing closed). */
export function registryRedactor(types: TypeRegistry, secrets: Iterable<string>): Redactor {
  let byType = secretPropertiesOf.get(types);
  if (byType === undefined) {
    const every = [...new Set(types.names().flatMap((n) => types.get(n)?.secretProperties ?? []))];
    byType = (type) => {
      const known = type === undefined ? undefined : types.get(type);
      return known === undefined ? every : (known.secretProperties ?? []);
    };
    secretPropertiesOf.set(types, byType);
  }
  return new Redactor(secrets, byType);
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Seals what one check writes and opens what it reads, with the stack's redactor. */
class Sealer {
  readonly #redactor: Redactor;
  /** Type of each row seen, for the patches that do not name it (only when types have secret properties). */
  readonly #rowTypes: Map<string, string> | undefined;

  constructor(redactor: Redactor) {
    this.#redactor = redactor;
    this.#rowTypes = redactor.typed ? new Map() : undefined;
  }

  /**
   * A field with a secret keeps its view, the real values sealed and the secrets found in
   * them (so a later reader of the row or payload redacts them too).
   */
  #field(real: Fields, view: Record<string, unknown>): Fields {
    return sameJson(real, view) ? real : { ...view, [SEALED_KEY]: seal(real), [SECRETS_KEY]: seal(this.#redactor.secretsIn(real)) };
  }

  /** A row as read: real properties and attributes; its secrets learned. */
  open(row: ResourceRow): ResourceRow {
    this.#rowTypes?.set(row.id, row.type);
    // Nothing sealed in the row and nothing to learn from it: the row as stored is the real one.
    if (!isSealed(row.properties) && !isSealed(row.attributes) && !this.#redactor.learnsFrom(row.type)) return row;
    this.#redactor.add(secretsOf(row.properties));
    this.#redactor.add(secretsOf(row.attributes));
    const properties = openRecord(row.properties);
    this.#redactor.learnProperties(row.type, properties);
    return { ...row, properties, attributes: openRecord(row.attributes) };
  }

  /** A result carrying a row, its row opened. */
  openResult<R extends { readonly row: ResourceRow | null }>(result: R): R {
    return result.row === null ? result : { ...result, row: this.open(result.row) };
  }

  /** A row patch as stored: view fields redacted, real values sealed. */
  patch(rowId: string | undefined, patch: RowPatch): RowPatch {
    const type = patch.type ?? (rowId === undefined ? undefined : this.#rowTypes?.get(rowId));
    if (patch.type !== undefined && rowId !== undefined) this.#rowTypes?.set(rowId, patch.type);
    const r = this.#redactor;
    if (patch.properties !== undefined) r.learnProperties(type, patch.properties);
    if (r.quiet(type)) return patch;
    return {
      ...patch,
      ...(patch.properties === undefined ? {} : { properties: this.#field(patch.properties, r.properties(type, patch.properties)) }),
      ...(patch.attributes === undefined ? {} : { attributes: this.#field(patch.attributes, r.value(patch.attributes) as Record<string, unknown>) }),
      ...(patch.statusReason === undefined ? {} : { statusReason: r.text(patch.statusReason) }),
    };
  }

  /** A conditional row write as stored. */
  write(write: RowWrite): RowWrite {
    const patch = this.patch(write.rowId, write.patch);
    return patch === write.patch ? write : { ...write, patch };
  }

  /** A new row as stored. */
  newRow<R extends Omit<NewRow, "id">>(row: R, id?: string): R {
    const patch = this.patch(id, row);
    return patch === row ? row : { ...row, ...patch };
  }

  /** An event as stored: its reason redacted. */
  event<E extends RowWriteEvent | NewStackEvent>(event: E): E {
    const reason = this.#redactor.text(event.reason);
    return reason === event.reason ? event : { ...event, reason };
  }

  /** A stack record or patch as stored: its reason redacted. */
  stack<S extends Partial<StackRecord>>(stack: S): S {
    if (stack.statusReason === undefined) return stack;
    const statusReason = this.#redactor.text(stack.statusReason);
    return statusReason === stack.statusReason ? stack : { ...stack, statusReason };
  }

  /**
   * A sync payload as stored: attributes with a secret sealed whole (a sync point is no
   * view), with the secrets found in them, so the receiver redacts what it builds from them.
   */
  payload(payload: SyncPayload): SyncPayload {
    if (payload === null || this.#redactor.empty) return payload;
    if (sameJson(this.#redactor.value(payload.attributes), payload.attributes)) return payload;
    return { ...payload, attributes: { [SEALED_KEY]: seal(payload.attributes), [SECRETS_KEY]: seal(this.#redactor.secretsIn(payload.attributes)) } };
  }

  /** A node report as stored: its payloads, write and event as stored (the report itself when nothing changes). */
  report(report: NodeReport): NodeReport {
    let targets: ReportTarget[] | undefined;
    for (let i = 0; i < report.targets.length; i++) {
      const target = report.targets[i] as ReportTarget;
      const payload = this.payload(target.payload);
      if (payload === target.payload) continue;
      targets ??= [...report.targets];
      targets[i] = { ...target, payload };
    }
    const write = report.write === undefined ? undefined : this.write(report.write);
    const event = report.event === undefined ? undefined : this.event(report.event);
    if (targets === undefined && write === report.write && event === report.event) return report;
    return { ...report, targets: targets ?? report.targets, ...(write === undefined ? {} : { write }), ...(event === undefined ? {} : { event }) };
  }

  /** A sync payload as read: real attributes; their secrets learned. */
  openPayload(payload: SyncPayload): SyncPayload {
    if (payload === null || !Object.prototype.hasOwnProperty.call(payload.attributes, SEALED_KEY)) return payload;
    this.#redactor.add(secretsOf(payload.attributes));
    return { ...payload, attributes: openRecord(payload.attributes) };
  }
}

/** Sees every answer of a check's store but its events' (`protocol/lost-state.ts` notes "gone" ones). */
export interface AnswerWatch {
  /** Look at `answer`; give it back. */
  note<T>(answer: T): T;
}

const NO_WATCH: AnswerWatch = { note: (answer) => answer };

/**
 * Wrap `store` so that writes are redacted (real values sealed) and reads are opened, and
 * `watch` sees every answer (one wrapper per check does both: each layer is a promise more
 * per store call).
 */
export function sealingStore(store: RuntimeStore, redactor: Redactor, watch: AnswerWatch = NO_WATCH): RuntimeStore {
  return new SealingStore(store, new Sealer(redactor), watch);
}

/**
 * The wrapper of {@link sealingStore}: every operation of the contract, the ones that write
 * or read what a view may show through the sealer (a method per operation, no per-check
 * closures: a check makes one of these).
 */
class SealingStore implements RuntimeStore {
  readonly #store: RuntimeStore;
  readonly #sealer: Sealer;
  readonly #watch: AnswerWatch;
  readonly writeRowWithEvent?: (write: RowWrite, event: RowWriteEvent) => Promise<RowWriteResult>;
  readonly reportNode?: (report: NodeReport) => Promise<NodeReportResult>;
  readonly nodeReported?: (stackId: string, traversalId: string, node: NodeKey) => Promise<boolean>;
  readonly insertRows?: (stackId: string, traversalId: string, rows: readonly NewRow[]) => Promise<boolean>;

  constructor(store: RuntimeStore, sealer: Sealer, watch: AnswerWatch) {
    this.#store = store;
    this.#sealer = sealer;
    this.#watch = watch;
    // The optional fused operations exist exactly when the runtime has them.
    // (Shared prototype functions, not closures: a check makes one of these stores.)
    if (store.writeRowWithEvent !== undefined) this.writeRowWithEvent = SealingStore.prototype.fusedWriteRowWithEvent;
    if (store.reportNode !== undefined) this.reportNode = SealingStore.prototype.fusedReportNode;
    if (store.nodeReported !== undefined) this.nodeReported = SealingStore.prototype.fusedNodeReported;
    if (store.insertRows !== undefined) this.insertRows = SealingStore.prototype.optionalInsertRows;
  }

  async createStack(stack: StackRecord, template: CompiledTemplate): Promise<boolean> {
    return this.#watch.note(await this.#store.createStack(this.#sealer.stack(stack), template));
  }
  async findStackId(name: string): Promise<string | null> {
    return this.#watch.note(await this.#store.findStackId(name));
  }
  async listStackNames(): Promise<string[]> {
    return this.#watch.note(await this.#store.listStackNames());
  }
  async loadStack(stackId: string): Promise<StackRecord | null> {
    return this.#watch.note(await this.#store.loadStack(stackId));
  }
  async beginTraversal(input: BeginTraversal): Promise<boolean> {
    return this.#watch.note(await this.#store.beginTraversal({ ...input, stack: this.#sealer.stack(input.stack) }));
  }
  async installGraph(input: InstallGraph): Promise<boolean> {
    return this.#watch.note(await this.#store.installGraph({ ...input, newRows: input.newRows.map((r) => this.#sealer.newRow(r, r.id)) }));
  }
  async allocateRowIds(stackId: string, count: number): Promise<string[]> {
    return this.#watch.note(await this.#store.allocateRowIds(stackId, count));
  }
  async loadGraph(stackId: string, traversalId: string): Promise<TraversalGraph | null> {
    return this.#watch.note(await this.#store.loadGraph(stackId, traversalId));
  }
  async updateStack(...[stackId, ifTraversal, patch, ifStatus]: Parameters<RuntimeStore["updateStack"]>): Promise<boolean> {
    return this.#watch.note(await this.#store.updateStack(stackId, ifTraversal, this.#sealer.stack(patch), ifStatus));
  }
  async deleteStack(stackId: string, ifTraversal: string, deletedAt: number): Promise<boolean> {
    return this.#watch.note(await this.#store.deleteStack(stackId, ifTraversal, deletedAt));
  }
  async loadTombstone(stackId: string): ReturnType<RuntimeStore["loadTombstone"]> {
    return this.#watch.note(await this.#store.loadTombstone(stackId));
  }
  async loadTemplate(stackId: string, templateId: string): Promise<CompiledTemplate | null> {
    return this.#watch.note(await this.#store.loadTemplate(stackId, templateId));
  }
  async loadRows(stackId: string): Promise<ResourceRow[]> {
    return this.#watch.note(await this.#store.loadRows(stackId)).map((r) => this.#sealer.open(r));
  }
  async loadRow(stackId: string, rowId: string): Promise<ResourceRow | null> {
    const row = this.#watch.note(await this.#store.loadRow(stackId, rowId));
    return row === null ? null : this.#sealer.open(row);
  }
  async writeRow(write: RowWrite): Promise<RowWriteResult> {
    return this.#sealer.openResult(this.#watch.note(await this.#store.writeRow(this.#sealer.write(write))));
  }
  async createReplacement(...[stackId, oldRowId, traversalId, ifVersion, row]: Parameters<RuntimeStore["createReplacement"]>): Promise<ReplacementResult> {
    return this.#sealer.openResult(this.#watch.note(await this.#store.createReplacement(stackId, oldRowId, traversalId, ifVersion, this.#sealer.newRow(row))));
  }
  async completeTraversal(...[stackId, traversalId, drop, keep, patch]: Parameters<RuntimeStore["completeTraversal"]>): Promise<boolean> {
    return this.#watch.note(await this.#store.completeTraversal(stackId, traversalId, drop, keep, this.#sealer.stack(patch)));
  }
  async syncMerge(merge: SyncMergeInput): Promise<SyncResult> {
    return this.#watch.note(await this.#store.syncMerge({ ...merge, payload: this.#sealer.payload(merge.payload) }));
  }
  async syncHas(stackId: string, traversalId: string, node: SyncKey, sender: SyncKey): Promise<boolean> {
    return this.#watch.note(await this.#store.syncHas(stackId, traversalId, node, sender));
  }
  async readSync(stackId: string, traversalId: string, node: SyncKey): Promise<Map<SyncKey, SyncPayload> | null> {
    const sync = this.#watch.note(await this.#store.readSync(stackId, traversalId, node));
    if (sync === null) return null;
    let opened: Map<SyncKey, SyncPayload> | undefined;
    for (const [key, payload] of sync) {
      const open = this.#sealer.openPayload(payload);
      if (open !== payload) (opened ??= new Map(sync)).set(key, open);
    }
    return opened ?? sync;
  }
  appendEvents(stackId: string, events: readonly NewStackEvent[]): Promise<void> {
    return this.#store.appendEvents(stackId, events.map((e) => this.#sealer.event(e)));
  }
  readEvents(...args: Parameters<RuntimeStore["readEvents"]>): Promise<StackEvent[]> {
    return this.#store.readEvents(...args);
  }

  /** `writeRowWithEvent`, present when the runtime has it. */
  private async fusedWriteRowWithEvent(write: RowWrite, event: RowWriteEvent): Promise<RowWriteResult> {
    const result = await (this.#store.writeRowWithEvent as NonNullable<RuntimeStore["writeRowWithEvent"]>).call(this.#store, this.#sealer.write(write), this.#sealer.event(event));
    return this.#sealer.openResult(this.#watch.note(result));
  }

  /** `nodeReported`, present when the runtime has it. */
  private async fusedNodeReported(stackId: string, traversalId: string, node: NodeKey): Promise<boolean> {
    return this.#watch.note(await (this.#store.nodeReported as NonNullable<RuntimeStore["nodeReported"]>).call(this.#store, stackId, traversalId, node));
  }

  /** `insertRows`, present when the runtime has it: the rows sealed as `installGraph`'s are. */
  private async optionalInsertRows(stackId: string, traversalId: string, rows: readonly NewRow[]): Promise<boolean> {
    const insert = this.#store.insertRows as NonNullable<RuntimeStore["insertRows"]>;
    return this.#watch.note(await insert.call(this.#store, stackId, traversalId, rows.map((r) => this.#sealer.newRow(r, r.id))));
  }

  /** `reportNode`, present when the runtime has it. */
  private async fusedReportNode(report: NodeReport): Promise<NodeReportResult> {
    const sealer = this.#sealer;
    const result = this.#watch.note(await (this.#store.reportNode as NonNullable<RuntimeStore["reportNode"]>).call(this.#store, sealer.report(report)));
    return result.kind === "refused" ? sealer.openResult(result) : result;
  }
}
