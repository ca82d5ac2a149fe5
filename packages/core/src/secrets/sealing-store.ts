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

/** The redactor of a type registry (unknown type: every type's secret properties, failing closed). */
export function registryRedactor(types: TypeRegistry, secrets: Iterable<string>): Redactor {
  const all = [...new Set(types.names().flatMap((n) => types.get(n)?.secretProperties ?? []))];
  return new Redactor(secrets, (type) => (type === undefined ? all : (types.get(type)?.secretProperties ?? all)));
}

/** Wrap `store` so that writes are redacted (real values sealed) and reads are opened. */
export function sealingStore(store: RuntimeStore, redactor: Redactor): RuntimeStore {
  const rowTypes = new Map<string, string>();
  const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  // A field with a secret keeps its view, the real values sealed and the secrets found in
  // them (so a later reader of the row or payload redacts them too).
  const sealField = (real: Fields, view: Record<string, unknown>): Fields =>
    sameJson(real, view) ? real : { ...view, [SEALED_KEY]: seal(real), [SECRETS_KEY]: seal(redactor.secretsIn(real)) };
  const open = (row: ResourceRow): ResourceRow => {
    rowTypes.set(row.id, row.type);
    redactor.add(secretsOf(row.properties));
    redactor.add(secretsOf(row.attributes));
    const properties = openRecord(row.properties);
    redactor.learnProperties(row.type, properties);
    return { ...row, properties, attributes: openRecord(row.attributes) };
  };
  const openMaybe = <R extends { readonly row: ResourceRow | null }>(result: R): R =>
    result.row === null ? result : { ...result, row: open(result.row) };
  const sealPatch = (rowId: string, patch: RowPatch): RowPatch => {
    const type = patch.type ?? rowTypes.get(rowId);
    if (patch.type !== undefined) rowTypes.set(rowId, patch.type);
    if (patch.properties !== undefined) redactor.learnProperties(type, patch.properties);
    if (redactor.quiet(type)) return patch;
    return {
      ...patch,
      ...(patch.properties === undefined ? {} : { properties: sealField(patch.properties, redactor.properties(type, patch.properties)) }),
      ...(patch.attributes === undefined ? {} : { attributes: sealField(patch.attributes, redactor.value(patch.attributes) as Record<string, unknown>) }),
      ...(patch.statusReason === undefined ? {} : { statusReason: redactor.text(patch.statusReason) }),
    };
  };
  const sealWrite = (write: RowWrite): RowWrite => ({ ...write, patch: sealPatch(write.rowId, write.patch) });
  const sealNewRow = <R extends Omit<NewRow, "id">>(row: R, id?: string): R => ({ ...row, ...sealPatch(id ?? "", row) });
  const sealEvent = <E extends RowWriteEvent | NewStackEvent>(event: E): E => ({ ...event, reason: redactor.text(event.reason) });
  const sealStack = <S extends Partial<StackRecord>>(stack: S): S =>
    stack.statusReason === undefined ? stack : { ...stack, statusReason: redactor.text(stack.statusReason) };
  const sealPayload = (payload: SyncPayload): SyncPayload => {
    if (payload === null || redactor.empty) return payload;
    const view = redactor.value(payload.attributes);
    if (sameJson(view, payload.attributes)) return payload;
    // Sealed whole (a sync point is no view); the secrets travel with the values, so the
    // receiver redacts what it builds from them.
    return { ...payload, attributes: { [SEALED_KEY]: seal(payload.attributes), [SECRETS_KEY]: seal(redactor.secretsIn(payload.attributes)) } };
  };
  const openPayload = (payload: SyncPayload): SyncPayload => {
    if (payload === null || !Object.prototype.hasOwnProperty.call(payload.attributes, SEALED_KEY)) return payload;
    redactor.add(secretsOf(payload.attributes));
    return { ...payload, attributes: openRecord(payload.attributes) };
  };
  const overrides: Partial<RuntimeStore> = {
    createStack: (stack, template) => store.createStack(sealStack(stack), template),
    beginTraversal: (input) => store.beginTraversal({ ...input, stack: sealStack(input.stack) }),
    updateStack: (stackId, ifTraversal, patch, ifStatus) => store.updateStack(stackId, ifTraversal, sealStack(patch), ifStatus),
    completeTraversal: (stackId, traversalId, drop, keep, patch) => store.completeTraversal(stackId, traversalId, drop, keep, sealStack(patch)),
    installGraph: (input) => store.installGraph({ ...input, newRows: input.newRows.map((r) => sealNewRow(r, r.id)) }),
    loadRows: async (stackId) => (await store.loadRows(stackId)).map(open),
    loadRow: async (stackId, rowId) => {
      const row = await store.loadRow(stackId, rowId);
      return row === null ? null : open(row);
    },
    writeRow: async (write) => openMaybe(await store.writeRow(sealWrite(write))),
    createReplacement: async (stackId, oldRowId, traversalId, ifVersion, row) =>
      openMaybe(await store.createReplacement(stackId, oldRowId, traversalId, ifVersion, sealNewRow(row))),
    syncMerge: (stackId, traversalId, node, sender, payload, counted, required) =>
      store.syncMerge(stackId, traversalId, node, sender, sealPayload(payload), counted, required),
    readSync: async (stackId, traversalId, node) => {
      const sync = await store.readSync(stackId, traversalId, node);
      return sync === null ? null : new Map([...sync].map(([k, p]) => [k, openPayload(p)]));
    },
    appendEvents: (stackId, events) => store.appendEvents(stackId, events.map(sealEvent)),
  };
  if (store.writeRowWithEvent !== undefined) {
    const writeRowWithEvent = store.writeRowWithEvent.bind(store);
    overrides.writeRowWithEvent = async (write: RowWrite, event: RowWriteEvent): Promise<RowWriteResult> =>
      openMaybe(await writeRowWithEvent(sealWrite(write), sealEvent(event)));
  }
  if (store.reportNode !== undefined) {
    const reportNode = store.reportNode.bind(store);
    overrides.reportNode = async (report: NodeReport): Promise<NodeReportResult> => {
      const result = await reportNode({
        ...report,
        targets: report.targets.map((t) => ({ ...t, payload: sealPayload(t.payload) })),
        ...(report.write === undefined ? {} : { write: sealWrite(report.write) }),
        ...(report.event === undefined ? {} : { event: sealEvent(report.event) }),
      });
      return result.kind === "refused" ? openMaybe(result) : result;
    };
  }
  return new Proxy(store, {
    get(target, key) {
      if (typeof key === "string" && Object.prototype.hasOwnProperty.call(overrides, key)) return overrides[key as keyof RuntimeStore];
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
