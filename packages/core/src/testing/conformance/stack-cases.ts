/**
 * Conformance cases of the stack-level store operations: createStack, findStackId,
 * listStackNames, loadStack, loadTemplate, beginTraversal, installGraph, allocateRowIds,
 * loadGraph, updateStack, deleteStack and completeTraversal.
 */
import assert from "node:assert/strict";
import type { StackRecord } from "../../model/types.js";
import { NEVER_CHECKED as NEVER_CHECKED_FIELDS, nodeKey } from "../../model/types.js";
import { fixtureGraph, fixtureReplacement, fixtureRow, fixtureStack, fixtureTemplate, installStack, mustLoadRow, supersede } from "./fixtures.js";
import type { CaseSpec } from "./target.js";

/** The cases of the stack-level store operations. */
export const stackCases: readonly CaseSpec[] = [
  {
    name: "createStack stores the record and its first template; findStackId, listStackNames and loadStack read them back",
    async body({ runtime: { store } }) {
      const b = fixtureStack({ name: "b-stack" });
      const a = fixtureStack({ name: "a-stack", deadline: 1_800_000_000_000, prevTemplateId: "tpl-prev", status: "FAILED", statusReason: 'say "why" / ✓' });
      const template = fixtureTemplate();
      assert.equal(await store.createStack(b, template), true);
      assert.equal(await store.createStack(a, fixtureTemplate("second")), true);
      assert.deepEqual(await store.loadStack(a.id), a);
      assert.deepEqual(await store.loadStack(b.id), b);
      assert.deepEqual(await store.loadTemplate(b.id, b.templateId), template);
      assert.equal(await store.findStackId("a-stack"), a.id);
      assert.deepEqual(await store.listStackNames(), ["a-stack", "b-stack"]);
    },
  },
  {
    name: "createStack refuses a taken name and leaves the existing stack untouched",
    async body({ runtime: { store } }) {
      const first = fixtureStack({ name: "taken" });
      assert.equal(await store.createStack(first, fixtureTemplate("first")), true);
      const second = fixtureStack({ name: "taken" });
      assert.equal(await store.createStack(second, fixtureTemplate("second")), false);
      assert.equal(await store.findStackId("taken"), first.id);
      assert.deepEqual(await store.loadStack(first.id), first);
      assert.equal(await store.loadStack(second.id), null, "the refused stack was stored anyway");
      assert.deepEqual(await store.listStackNames(), ["taken"]);
    },
  },
  {
    name: "unknown stacks, names and templates read as null or empty",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack } = await installStack(runtime, 1);
      assert.equal(await store.findStackId("no-such-stack"), null);
      assert.equal(await store.loadStack("no-such-id"), null);
      assert.equal(await store.loadTemplate(stack.id, "no-such-template"), null);
      assert.equal(await store.loadTemplate("no-such-id", stack.templateId), null);
      assert.deepEqual(await store.loadRows("no-such-id"), []);
      assert.equal(await store.loadRow(stack.id, "999999"), null);
      assert.equal(await store.loadGraph(stack.id, "no-such-traversal"), null);
      assert.deepEqual(await store.allocateRowIds("no-such-id", 2), []);
    },
  },
  {
    name: "beginTraversal is a compare-and-set on currentTraversal and stores the new template only when given",
    async body({ runtime: { store } }) {
      const stack = fixtureStack();
      const template = fixtureTemplate("v1");
      await store.createStack(stack, template);
      const next: StackRecord = { ...stack, currentTraversal: "t-next", templateId: "tpl-next", action: "UPDATE", statusReason: "Stack UPDATE started" };
      const stale = await store.beginTraversal({ stackId: stack.id, expectedTraversal: "t-wrong", stack: next, template: fixtureTemplate("v2") });
      assert.equal(stale, false, "a stale expectedTraversal must be refused");
      assert.deepEqual(await store.loadStack(stack.id), stack, "a refused beginTraversal wrote the stack");
      assert.equal(await store.loadTemplate(stack.id, "tpl-next"), null, "a refused beginTraversal stored its template");
      assert.equal(await store.beginTraversal({ stackId: stack.id, expectedTraversal: stack.currentTraversal, stack: next, template: fixtureTemplate("v2") }), true);
      assert.deepEqual(await store.loadStack(stack.id), next);
      assert.deepEqual(await store.loadTemplate(stack.id, "tpl-next"), fixtureTemplate("v2"));
      assert.deepEqual(await store.loadTemplate(stack.id, stack.templateId), template, "beginTraversal dropped an older template");
      const third: StackRecord = { ...next, currentTraversal: "t-third" };
      assert.equal(await store.beginTraversal({ stackId: stack.id, expectedTraversal: "t-next", stack: third }), true);
      assert.deepEqual(await store.loadStack(stack.id), third);
      assert.equal(await store.beginTraversal({ stackId: "no-such-id", expectedTraversal: "t-third", stack: { ...third, id: "no-such-id" } }), false);
    },
  },
  {
    name: "beginTraversal drops the superseded traversal's graph and sync points",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds } = await installStack(runtime, 2);
      const node = nodeKey("U", String(rowIds[1]));
      assert.equal(await store.syncMerge({ stackId: stack.id, traversalId, node, sender: nodeKey("U", String(rowIds[0])), payload: null, counted: true, required: 2 }), "waiting");
      await supersede(runtime, stack);
      assert.equal(await store.loadGraph(stack.id, traversalId), null, "the superseded graph is still readable");
      assert.equal(await store.readSync(stack.id, traversalId, node), null, "the superseded sync point is still readable");
      assert.equal(await store.syncMerge({ stackId: stack.id, traversalId, node, sender: "U:other", payload: null, counted: true, required: 2 }), "gone");
      assert.equal((await store.loadRows(stack.id)).length, 2, "beginTraversal must keep the rows");
    },
  },
  {
    name: "installGraph inserts the new rows (version 1, unlocked) and stores the graph, only in the current traversal",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds, graph } = await installStack(runtime, 3);
      assert.deepEqual(await store.loadGraph(stack.id, traversalId), graph);
      for (const id of rowIds) {
        assert.deepEqual(await store.loadRow(stack.id, id), { ...NEVER_CHECKED_FIELDS, ...fixtureRow(id, stack), version: 1, lockHolder: null });
      }
      const next = await supersede(runtime, stack);
      const [late] = await store.allocateRowIds(stack.id, 1);
      const lateGraph = fixtureGraph(traversalId, stack.templateId, [], [nodeKey("U", String(late))]);
      const refused = await store.installGraph({ stackId: stack.id, graph: lateGraph, newRows: [fixtureRow(late as string, stack)] });
      assert.equal(refused, false, "installGraph of a superseded traversal must be refused");
      assert.equal(await store.loadRow(stack.id, late as string), null, "a refused installGraph inserted its rows");
      assert.equal(await store.loadGraph(stack.id, traversalId), null, "a refused installGraph stored its graph");
      const current = fixtureGraph(next.currentTraversal, next.templateId, [], [nodeKey("U", String(late))]);
      assert.equal(await store.installGraph({ stackId: stack.id, graph: current, newRows: [] }), true);
      assert.deepEqual(await store.loadGraph(stack.id, next.currentTraversal), current);
      assert.equal(await store.loadGraph(stack.id, traversalId), null, "loadGraph answers only for the graph's own traversal");
    },
  },
  {
    name: "allocateRowIds hands out ids never handed out before (replacements included)",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds } = await installStack(runtime, 2);
      const seen = new Set(rowIds);
      const more = await store.allocateRowIds(stack.id, 5);
      assert.equal(more.length, 5);
      for (const id of more) {
        assert.equal(typeof id, "string");
        assert.ok(!seen.has(id), `row id ${id} handed out twice`);
        seen.add(id);
      }
      const old = await mustLoadRow(store, stack.id, rowIds[0]);
      const replacement = await store.createReplacement(stack.id, old.id, traversalId, old.version, fixtureReplacement(stack, old.id));
      assert.ok(replacement.ok);
      assert.ok(!seen.has(replacement.row.id), "a replacement reused a row id");
      seen.add(replacement.row.id);
      for (const id of await store.allocateRowIds(stack.id, 3)) assert.ok(!seen.has(id), `row id ${id} reused after a replacement`);
    },
  },
  {
    name: "updateStack is a compare-and-set on the traversal (and status, when given) and patches only the given fields",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack } = await installStack(runtime, 0);
      assert.equal(await store.updateStack(stack.id, "t-wrong", { status: "FAILED" }), false);
      assert.equal(await store.updateStack(stack.id, stack.currentTraversal, { status: "FAILED" }, "COMPLETE"), false);
      assert.deepEqual(await store.loadStack(stack.id), stack, "a refused updateStack wrote the stack");
      const patch = { status: "COMPLETE", statusReason: "done ✓", deadline: 42, prevTemplateId: stack.templateId } as const;
      assert.equal(await store.updateStack(stack.id, stack.currentTraversal, patch, "IN_PROGRESS"), true);
      assert.deepEqual(await store.loadStack(stack.id), { ...stack, ...patch });
      assert.equal(await store.updateStack(stack.id, stack.currentTraversal, { deadline: null }), true);
      assert.deepEqual(await store.loadStack(stack.id), { ...stack, ...patch, deadline: null });
      assert.equal(await store.updateStack("no-such-id", stack.currentTraversal, { status: "FAILED" }), false);
    },
  },
  {
    name: "deleteStack removes the stack and everything it owns, only in the current traversal; the name is free again",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds } = await installStack(runtime, 2);
      assert.equal(await store.deleteStack(stack.id, "t-wrong", 1_000), false);
      assert.notEqual(await store.loadStack(stack.id), null, "a refused deleteStack removed the stack");
      assert.equal(await store.loadTombstone(stack.id), null, "a refused deleteStack left a tombstone");
      assert.equal(await store.deleteStack(stack.id, traversalId, 1_000), true);
      assert.equal(await store.loadStack(stack.id), null);
      assert.equal(await store.findStackId(stack.name), null);
      assert.deepEqual(await store.listStackNames(), []);
      assert.deepEqual(await store.loadRows(stack.id), []);
      assert.equal(await store.loadRow(stack.id, rowIds[0] as string), null);
      assert.equal(await store.loadTemplate(stack.id, stack.templateId), null);
      assert.equal(await store.loadGraph(stack.id, traversalId), null);
      assert.equal(await store.syncMerge({ stackId: stack.id, traversalId, node: nodeKey("U", String(rowIds[1])), sender: "U:x", payload: null, counted: true, required: 1 }), "gone");
      const again = fixtureStack({ name: stack.name });
      assert.equal(await store.createStack(again, fixtureTemplate()), true, "the name of a deleted stack is still taken");
      assert.equal(await store.findStackId(stack.name), again.id);
    },
  },
  {
    name: "deleteStack leaves a tombstone (name, traversal, time); a stack never deleted has none",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId } = await installStack(runtime, 1);
      assert.equal(await store.loadTombstone(stack.id), null, "a live stack has a tombstone");
      assert.equal(await store.loadTombstone("no-such-id"), null);
      assert.equal(await store.deleteStack(stack.id, traversalId, 1_234), true);
      assert.deepEqual(await store.loadTombstone(stack.id), { stackId: stack.id, name: stack.name, traversalId, deletedAt: 1_234 });
      assert.equal(await store.deleteStack(stack.id, traversalId, 5_678), false, "a second deleteStack of a deleted stack succeeded");
      assert.equal((await store.loadTombstone(stack.id))?.deletedAt, 1_234, "a refused deleteStack rewrote the tombstone");
    },
  },
  {
    name: "completeTraversal purges rows, templates, graph and sync points, then patches the stack; refused when superseded",
    async body({ runtime }) {
      const { store } = runtime;
      const { stack, traversalId, rowIds, graph } = await installStack(runtime, 3);
      const [keep, drop] = ["tpl-kept", "tpl-dropped"];
      const tb: StackRecord = { ...stack, currentTraversal: `${traversalId}-b`, templateId: drop };
      assert.equal(await store.beginTraversal({ stackId: stack.id, expectedTraversal: traversalId, stack: tb, template: fixtureTemplate("dropped") }), true);
      const tc: StackRecord = { ...tb, currentTraversal: `${traversalId}-c`, templateId: keep };
      assert.equal(await store.beginTraversal({ stackId: stack.id, expectedTraversal: tb.currentTraversal, stack: tc, template: fixtureTemplate("kept") }), true);
      const t = tc.currentTraversal;
      assert.equal(await store.installGraph({ stackId: stack.id, graph: { ...graph, traversalId: t, templateId: keep }, newRows: [] }), true);
      assert.equal(await store.syncMerge({ stackId: stack.id, traversalId: t, node: nodeKey("U", String(rowIds[1])), sender: nodeKey("U", String(rowIds[0])), payload: null, counted: true, required: 1 }), "ready");
      const patch = { status: "COMPLETE", statusReason: "Stack UPDATE completed successfully", prevTemplateId: keep } as const;
      assert.equal(await store.completeTraversal(stack.id, tb.currentTraversal, [rowIds[0] as string], [keep], patch), false);
      assert.equal((await store.loadRows(stack.id)).length, 3, "a refused completeTraversal dropped rows");
      assert.notEqual(await store.loadTemplate(stack.id, drop), null, "a refused completeTraversal dropped templates");
      assert.deepEqual(await store.loadStack(stack.id), tc, "a refused completeTraversal patched the stack");
      assert.equal(await store.completeTraversal(stack.id, t, [rowIds[0] as string, rowIds[2] as string], [keep], patch), true);
      assert.deepEqual((await store.loadRows(stack.id)).map((r) => r.id), [rowIds[1]]);
      assert.deepEqual(await store.loadTemplate(stack.id, keep), fixtureTemplate("kept"));
      assert.equal(await store.loadTemplate(stack.id, drop), null);
      assert.equal(await store.loadTemplate(stack.id, stack.templateId), null);
      assert.equal(await store.loadGraph(stack.id, t), null);
      assert.equal(await store.readSync(stack.id, t, nodeKey("U", String(rowIds[1]))), null);
      assert.equal(await store.syncMerge({ stackId: stack.id, traversalId: t, node: nodeKey("U", String(rowIds[1])), sender: "U:late", payload: null, counted: true, required: 1 }), "gone");
      assert.deepEqual(await store.loadStack(stack.id), { ...tc, ...patch });
    },
  },
];
