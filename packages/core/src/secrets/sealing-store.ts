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
import type { NewStackEvent, ResourceRow, RowPatch, StackRecord, SyncPayload } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import type { NodeReport, NodeReportResult, NewRow, RowWrite, RowWriteEvent, RowWriteResult, RuntimeStore } from "../runtime/contract.js";
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

/** The secrets a sealed field says it holds (learned by whoever reads it). */
function secretsOf(stored: Fields): string[] {
  const sealed = Object.prototype.hasOwnProperty.call(stored, SECRETS_KEY) ? stored[SECRETS_KEY] : undefined;
  const list = isSealedText(sealed) ? unseal(sealed) : [];
  return Array.isArray(list) ? list.filter((s): s is string => typeof s === "string") : [];
}

/** Every secret property name of each registry (for rows whose type is not known). */
const allSecretProperties = new WeakMap<TypeRegistry, readonly string[]>();

/** The redactor of a type registry (a type it does not know: every type's secret properties, failing closed). */
export function registryRedactor(types: TypeRegistry, secrets: Iterable<string>): Redactor {
  let all = allSecretProperties.get(types);
  if (all === undefined) {
    all = [...new Set(types.names().flatMap((n) => types.get(n)?.secretProperties ?? []))];
    allSecretProperties.set(types, all);
  }
  const every = all;
  return new Redactor(secrets, (type) => {
    const known = type === undefined ? undefined : types.get(type);
    return known === undefined ? every : (known.secretProperties ?? []);
  });
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Seals what one check writes and opens what it reads, with the stack's redactor. */
class Sealer {
  readonly #redactor: Redactor;
  /** Type of each row seen, for the patches that do not name it. */
  readonly #rowTypes = new Map<string, string>();

  constructor(redactor: Redactor) {
    this.#redactor = redactor;
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
    this.#rowTypes.set(row.id, row.type);
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
    const type = patch.type ?? (rowId === undefined ? undefined : this.#rowTypes.get(rowId));
    if (patch.type !== undefined && rowId !== undefined) this.#rowTypes.set(rowId, patch.type);
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
    return { ...write, patch: this.patch(write.rowId, write.patch) };
  }

  /** A new row as stored. */
  newRow<R extends Omit<NewRow, "id">>(row: R, id?: string): R {
    return { ...row, ...this.patch(id, row) };
  }

  /** An event as stored: its reason redacted. */
  event<E extends RowWriteEvent | NewStackEvent>(event: E): E {
    return { ...event, reason: this.#redactor.text(event.reason) };
  }

  /** A stack record or patch as stored: its reason redacted. */
  stack<S extends Partial<StackRecord>>(stack: S): S {
    return stack.statusReason === undefined ? stack : { ...stack, statusReason: this.#redactor.text(stack.statusReason) };
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

  /** A sync payload as read: real attributes; their secrets learned. */
  openPayload(payload: SyncPayload): SyncPayload {
    if (payload === null || !Object.prototype.hasOwnProperty.call(payload.attributes, SEALED_KEY)) return payload;
    this.#redactor.add(secretsOf(payload.attributes));
    return { ...payload, attributes: openRecord(payload.attributes) };
  }
}

/** Wrap `store` so that writes are redacted (real values sealed) and reads are opened. */
export function sealingStore(store: RuntimeStore, redactor: Redactor): RuntimeStore {
  const sealer = new Sealer(redactor);
  const overrides: Partial<RuntimeStore> = {
    createStack: (stack, template) => store.createStack(sealer.stack(stack), template),
    beginTraversal: (input) => store.beginTraversal({ ...input, stack: sealer.stack(input.stack) }),
    updateStack: (stackId, ifTraversal, patch, ifStatus) => store.updateStack(stackId, ifTraversal, sealer.stack(patch), ifStatus),
    completeTraversal: (stackId, traversalId, drop, keep, patch) => store.completeTraversal(stackId, traversalId, drop, keep, sealer.stack(patch)),
    installGraph: (input) => store.installGraph({ ...input, newRows: input.newRows.map((r) => sealer.newRow(r, r.id)) }),
    loadRows: async (stackId) => (await store.loadRows(stackId)).map((r) => sealer.open(r)),
    loadRow: async (stackId, rowId) => {
      const row = await store.loadRow(stackId, rowId);
      return row === null ? null : sealer.open(row);
    },
    writeRow: async (write) => sealer.openResult(await store.writeRow(sealer.write(write))),
    createReplacement: async (stackId, oldRowId, traversalId, ifVersion, row) =>
      sealer.openResult(await store.createReplacement(stackId, oldRowId, traversalId, ifVersion, sealer.newRow(row))),
    syncMerge: (stackId, traversalId, node, sender, payload, counted, required) =>
      store.syncMerge(stackId, traversalId, node, sender, sealer.payload(payload), counted, required),
    readSync: async (stackId, traversalId, node) => {
      const sync = await store.readSync(stackId, traversalId, node);
      return sync === null ? null : new Map([...sync].map(([k, p]) => [k, sealer.openPayload(p)]));
    },
    appendEvents: (stackId, events) => store.appendEvents(stackId, events.map((e) => sealer.event(e))),
  };
  if (store.writeRowWithEvent !== undefined) {
    const writeRowWithEvent = store.writeRowWithEvent.bind(store);
    overrides.writeRowWithEvent = async (write: RowWrite, event: RowWriteEvent): Promise<RowWriteResult> =>
      sealer.openResult(await writeRowWithEvent(sealer.write(write), sealer.event(event)));
  }
  if (store.reportNode !== undefined) {
    const reportNode = store.reportNode.bind(store);
    overrides.reportNode = async (report: NodeReport): Promise<NodeReportResult> => {
      const result = await reportNode({
        ...report,
        targets: report.targets.map((t) => ({ ...t, payload: sealer.payload(t.payload) })),
        ...(report.write === undefined ? {} : { write: sealer.write(report.write) }),
        ...(report.event === undefined ? {} : { event: sealer.event(report.event) }),
      });
      return result.kind === "refused" ? sealer.openResult(result) : result;
    };
  }
  // Every other member is the store's own (methods bound once): a runtime's extra operations pass through.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, key) {
      if (typeof key === "string" && Object.prototype.hasOwnProperty.call(overrides, key)) return overrides[key as keyof RuntimeStore];
      if (bound.has(key)) return bound.get(key);
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      const member = (value as (...args: unknown[]) => unknown).bind(target);
      bound.set(key, member);
      return member;
    },
  });
}
