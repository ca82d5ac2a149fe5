/**
 * Conformance cases of the row operations: loadRow, loadRows, writeRow (conditions, reasons,
 * lock effects, exact values) and createReplacement (idempotent per traversal, W-B).
 */
import assert from "node:assert/strict";
import type { ResourceRow } from "../../model/types.js";
import { NEVER_CHECKED as NEVER_CHECKED_FIELDS } from "../../model/types.js";
import type { ReplacementResult, RowWriteResult, RuntimeStore } from "../../runtime/contract.js";
import { TRICKY_VALUES, fixtureReplacement, installStack, mustLoadRow, supersede } from "./fixtures.js";
import type { CaseSpec } from "./target.js";

/** Assert a write was refused for `reason`, returned the row as stored, and changed nothing. */
async function assertRefused(
  store: RuntimeStore,
  stackId: string,
  result: RowWriteResult | ReplacementResult,
  reason: string,
  before: ResourceRow,
  what: string,
): Promise<void> {
  assert.equal(result.ok, false, `${what}: the write was accepted`);
  if (result.ok) return;
  assert.equal(result.reason, reason, `${what}: refused as "${result.reason}", expected "${reason}"`);
  assert.deepEqual(result.row, before, `${what}: a refusal returns the row as stored`);
  assert.deepEqual(await store.loadRow(stackId, before.id), before, `${what}: a refused write changed the row`);
}

/** The cases of the row operations (loadRow(s), writeRow, createReplacement). */
export const rowCases: readonly CaseSpec[] = [
  {
    name: "loadRow and loadRows return every row of the stack in any state, exactly as stored",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, rowIds } = await installStack(runtime, 3);
      const rows = await store.loadRows(stack.id);
      assert.deepEqual(rows.map((r) => r.id).sort(), [...rowIds].sort());
      const deleted = await store.writeRow({ stackId: stack.id, rowId: rowIds[2] as string, patch: { action: "DELETE", status: "COMPLETE" } });
      assert.ok(deleted.ok);
      const again = await store.loadRows(stack.id);
      assert.equal(again.length, 3, "loadRows must include DELETE_COMPLETE rows");
      for (const row of again) assert.deepEqual(row, await store.loadRow(stack.id, row.id));
    },
  },
  {
    name: "a new row was never checked; writeRow stores a check's result fields and loads them back",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, rowIds } = await installStack(runtime, 1);
      const rowId = rowIds[0] as string;
      const before = await mustLoadRow(store, stack.id, rowId);
      assert.deepEqual([before.checkStatus, before.driftedProperties, before.checkedAt], [null, [], null], "a new row reads as never checked");
      const patch = { checkStatus: "DRIFTED", driftedProperties: ["a", "b"], checkedAt: 1234 } as const;
      const written = await store.writeRow({ stackId: stack.id, rowId, ifTraversal: stack.currentTraversal, ifVersion: before.version, ifHolder: null, patch });
      assert.ok(written.ok, "a check's compare-and-set write must be accepted");
      const after = await mustLoadRow(store, stack.id, rowId);
      assert.deepEqual(after, { ...before, ...patch, version: before.version + 1 });
      assert.deepEqual((await store.loadRows(stack.id)).find((r) => r.id === rowId), after);
    },
  },
  {
    name: "writeRow applies the patch, bumps the version by one, and sets, keeps or releases the lock",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, rowIds } = await installStack(runtime, 1);
      const rowId = rowIds[0] as string;
      const before = await mustLoadRow(store, stack.id, rowId);
      const locked = await store.writeRow({
        stackId: stack.id,
        rowId,
        ifTraversal: stack.currentTraversal,
        ifVersion: before.version,
        ifHolder: null,
        setHolder: "engine-a",
        patch: { action: "CREATE", status: "IN_PROGRESS", statusReason: "state changed" },
      });
      assert.ok(locked.ok, "a write whose conditions hold must be accepted");
      const expected = { ...before, action: "CREATE", status: "IN_PROGRESS", statusReason: "state changed", lockHolder: "engine-a", version: before.version + 1 };
      assert.deepEqual(locked.row, expected);
      assert.deepEqual(await store.loadRow(stack.id, rowId), expected);
      const kept = await store.writeRow({ stackId: stack.id, rowId, ifHolder: "engine-a", patch: { physicalId: "phys-1" } });
      assert.ok(kept.ok);
      assert.equal(kept.row.lockHolder, "engine-a", "a write without setHolder must keep the holder");
      assert.equal(kept.row.version, before.version + 2);
      const released = await store.writeRow({ stackId: stack.id, rowId, ifHolder: "engine-a", setHolder: null, patch: { status: "COMPLETE" } });
      assert.ok(released.ok);
      assert.deepEqual(released.row, { ...expected, physicalId: "phys-1", status: "COMPLETE", lockHolder: null, version: before.version + 3 });
    },
  },
  {
    name: "writeRow refuses with the reason: gone, superseded, locked, version - and writes nothing",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, rowIds } = await installStack(runtime, 1);
      const rowId = rowIds[0] as string;
      const gone = await store.writeRow({ stackId: stack.id, rowId: "999999", patch: { statusReason: "x" } });
      assert.deepEqual(gone, { ok: false, reason: "gone", row: null }, "an unknown row is gone");
      const noStack = await store.writeRow({ stackId: "no-such-id", rowId, patch: { statusReason: "x" } });
      assert.deepEqual(noStack, { ok: false, reason: "gone", row: null }, "a row of an unknown stack is gone");
      const row = await mustLoadRow(store, stack.id, rowId);
      const base = { stackId: stack.id, rowId, patch: { statusReason: "must not be written" } };
      await assertRefused(store, stack.id, await store.writeRow({ ...base, ifTraversal: "t-stale" }), "superseded", row, "stale ifTraversal");
      await assertRefused(store, stack.id, await store.writeRow({ ...base, ifVersion: row.version + 7 }), "version", row, "stale ifVersion");
      await assertRefused(store, stack.id, await store.writeRow({ ...base, ifHolder: "engine-a" }), "locked", row, "ifHolder on an unlocked row");
      const lock = await store.writeRow({ stackId: stack.id, rowId, ifHolder: null, setHolder: "engine-b", patch: {} });
      assert.ok(lock.ok);
      const held = lock.row;
      await assertRefused(store, stack.id, await store.writeRow({ ...base, ifHolder: null, setHolder: "engine-a" }), "locked", held, "acquiring a held lock");
      await assertRefused(store, stack.id, await store.writeRow({ ...base, ifHolder: "engine-a" }), "locked", held, "ifHolder of another engine");
      await assertRefused(
        store,
        stack.id,
        await store.writeRow({ ...base, ifTraversal: "t-stale", ifHolder: "engine-a", ifVersion: 0 }),
        "superseded",
        held,
        "a stale traversal is reported before lock and version",
      );
      const both = await store.writeRow({ ...base, ifHolder: "engine-a", ifVersion: 0 });
      assert.ok(!both.ok && (both.reason === "locked" || both.reason === "version"), "a lock and version mismatch is refused as locked or version");
      assert.deepEqual(await store.loadRow(stack.id, rowId), held);
    },
  },
  {
    name: "writeRow stores values exactly: nested data, empty arrays and objects, nulls, unicode, quotes, large numbers",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, rowIds } = await installStack(runtime, 2);
      const rowId = rowIds[1] as string;
      const patch = {
        physicalId: 'phys/"1"',
        properties: { ...TRICKY_VALUES },
        attributes: { url: "http://x/ü", list: [], obj: {}, n: null },
        requires: [],
        replaces: rowIds[0] as string,
        replacedBy: null,
        statusReason: "",
        deletionPolicy: "retain",
        updatedAt: 1_799_999_999_999,
      } as const;
      const written = await store.writeRow({ stackId: stack.id, rowId, patch });
      assert.ok(written.ok);
      const stored = await mustLoadRow(store, stack.id, rowId);
      assert.deepEqual(stored, written.row);
      for (const [field, value] of Object.entries(patch)) {
        assert.deepEqual(stored[field as keyof ResourceRow], value, `row field ${field} did not round-trip`);
      }
      const cleared = await store.writeRow({ stackId: stack.id, rowId, patch: { physicalId: null, replaces: null, requires: [rowIds[0] as string] } });
      assert.ok(cleared.ok);
      assert.equal(cleared.row.physicalId, null);
      assert.equal(cleared.row.replaces, null);
      assert.deepEqual(cleared.row.requires, [rowIds[0]]);
    },
  },
  {
    name: "createReplacement inserts a fresh row replacing the old one and links the old row to it",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds } = await installStack(runtime, 2);
      const old = await mustLoadRow(store, stack.id, rowIds[1]);
      const spec = fixtureReplacement(stack, old.id, { requires: [rowIds[0] as string], properties: { ...TRICKY_VALUES } });
      const result = await store.createReplacement(stack.id, old.id, traversalId, old.version, spec);
      assert.ok(result.ok, "createReplacement refused on an unlocked row at its version");
      assert.equal(result.created, true);
      assert.ok(!rowIds.includes(result.row.id), "the replacement reused a row id");
      assert.deepEqual(result.row, { ...NEVER_CHECKED_FIELDS, ...spec, id: result.row.id, replaces: old.id, version: 1, lockHolder: null });
      assert.deepEqual(await store.loadRow(stack.id, result.row.id), result.row);
      const linked = await mustLoadRow(store, stack.id, old.id);
      assert.equal(linked.replacedBy, result.row.id);
      assert.equal(linked.version, old.version + 1, "linking the old row must bump its version");
      assert.deepEqual({ ...linked, replacedBy: null, version: old.version }, old, "createReplacement changed more of the old row than replacedBy");
    },
  },
  {
    name: "createReplacement is idempotent per traversal (W-B): a second attempt returns the replacement already made",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds } = await installStack(runtime, 1);
      const old = await mustLoadRow(store, stack.id, rowIds[0]);
      const first = await store.createReplacement(stack.id, old.id, traversalId, old.version, fixtureReplacement(stack, old.id));
      assert.ok(first.ok && first.created);
      const stale = await store.createReplacement(stack.id, old.id, traversalId, old.version, fixtureReplacement(stack, old.id, { statusReason: "second" }));
      assert.ok(stale.ok, "a repeated attempt (with the version read before the first) must not be refused");
      assert.equal(stale.created, false);
      assert.deepEqual(stale.row, first.row);
      const lock = await store.writeRow({ stackId: stack.id, rowId: old.id, ifHolder: null, setHolder: "engine-a", patch: {} });
      assert.ok(lock.ok);
      const locked = await store.createReplacement(stack.id, old.id, traversalId, lock.row.version, fixtureReplacement(stack, old.id));
      assert.ok(locked.ok && !locked.created && locked.row.id === first.row.id, "a repeated attempt on a since-locked row must return the replacement");
      assert.equal((await store.loadRows(stack.id)).length, 2, "a repeated createReplacement made another row");
    },
  },
  {
    name: "createReplacement refuses with the reason: gone, superseded, locked, version - and writes nothing",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds } = await installStack(runtime, 1);
      const rowId = rowIds[0] as string;
      const spec = fixtureReplacement(stack, rowId);
      assert.deepEqual(await store.createReplacement(stack.id, "999999", traversalId, 1, spec), { ok: false, reason: "gone", row: null });
      assert.deepEqual(await store.createReplacement("no-such-id", rowId, traversalId, 1, spec), { ok: false, reason: "gone", row: null });
      const row = await mustLoadRow(store, stack.id, rowId);
      await assertRefused(store, stack.id, await store.createReplacement(stack.id, rowId, "t-stale", row.version, spec), "superseded", row, "stale traversal");
      await assertRefused(store, stack.id, await store.createReplacement(stack.id, rowId, traversalId, row.version + 3, spec), "version", row, "stale version");
      const lock = await store.writeRow({ stackId: stack.id, rowId, ifHolder: null, setHolder: "engine-a", patch: {} });
      assert.ok(lock.ok);
      await assertRefused(store, stack.id, await store.createReplacement(stack.id, rowId, traversalId, lock.row.version, spec), "locked", lock.row, "locked row");
      assert.equal((await store.loadRows(stack.id)).length, 1, "a refused createReplacement inserted a row");
    },
  },
  {
    name: "createReplacement in a later traversal makes a new replacement (the earlier one does not count)",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds } = await installStack(runtime, 1);
      const old = await mustLoadRow(store, stack.id, rowIds[0]);
      const first = await store.createReplacement(stack.id, old.id, traversalId, old.version, fixtureReplacement(stack, old.id));
      assert.ok(first.ok && first.created);
      const next = await supersede(runtime, stack);
      const linked = await mustLoadRow(store, stack.id, old.id);
      const spec = fixtureReplacement(next, old.id, { createdTraversal: next.currentTraversal });
      const second = await store.createReplacement(stack.id, old.id, next.currentTraversal, linked.version, spec);
      assert.ok(second.ok && second.created, "the replacement of an earlier traversal was returned for a later one");
      assert.notEqual(second.row.id, first.row.id);
      assert.equal((await mustLoadRow(store, stack.id, old.id)).replacedBy, second.row.id);
    },
  },
];
