/**
 * The runtime conformance suite on the memory runtime, in manual mode (stepped checks on a
 * virtual clock) and in automatic mode (async tasks on the real clock) - and, to show the
 * suite can fail, on memory runtimes with one contract rule deliberately broken.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import type { CheckMessage, RuntimeStore } from "@converge/core";
import { nodeKey } from "@converge/core";
import { memoryConformanceTarget, runtimeConformance } from "@converge/core/testing";
import type { ConformanceFactory } from "@converge/core/testing";

for (const mode of ["manual", "auto"] as const) {
  describe(`runtime conformance: memory runtime, ${mode} mode`, () => {
    for (const c of runtimeConformance(memoryConformanceTarget({ mode }))) it(c.name, () => c.run());
  });
}

/** Targets whose store has one operation replaced. */
function broken(patch: (store: RuntimeStore) => Partial<RuntimeStore>): ConformanceFactory {
  const base = memoryConformanceTarget();
  return async () => {
    const target = await base();
    const store = target.runtime.store;
    const replaced = patch(store);
    const wrapped = new Proxy(store, {
      get: (t, prop, receiver) => (prop in replaced ? replaced[prop as keyof RuntimeStore] : (Reflect.get(t, prop, receiver) as unknown)),
    });
    return { ...target, runtime: { ...target.runtime, store: wrapped } };
  };
}

async function failsCase(factory: ConformanceFactory, name: RegExp): Promise<void> {
  const target = runtimeConformance(factory).find((c) => name.test(c.name));
  assert.ok(target !== undefined, `no case matches ${name}`);
  await assert.rejects(target.run(), `the case "${target.name}" passed on a broken runtime`);
}

describe("runtime conformance catches broken runtimes", () => {
  it("a syncMerge that counts a re-sent sender twice", async () => {
    const seen = new Set<string>();
    await failsCase(
      broken((store) => ({
        syncMerge: async (merge) => {
          const key = `${merge.traversalId}/${merge.node}/${merge.sender}`;
          const again = seen.has(key);
          seen.add(key);
          return store.syncMerge({ ...merge, sender: again ? nodeKey("U", `${merge.sender}#again`) : merge.sender });
        },
      })),
      /^syncMerge counts each counted sender once/,
    );
  });

  it("a writeRow that ignores ifVersion", async () => {
    await failsCase(broken((store) => ({ writeRow: async (write) => store.writeRow({ ...write, ifVersion: undefined }) })), /^writeRow refuses with the reason/);
  });

  it("a createReplacement that is not idempotent (W-B)", async () => {
    await failsCase(
      broken((store) => ({
        createReplacement: async (stackId, oldRowId, traversalId, ifVersion, row) => {
          const old = await store.loadRow(stackId, oldRowId);
          if (old !== null && old.replacedBy !== null) await store.writeRow({ stackId, rowId: oldRowId, patch: { replacedBy: null } });
          const fresh = await store.loadRow(stackId, oldRowId);
          return store.createReplacement(stackId, oldRowId, traversalId, fresh?.version ?? ifVersion, row);
        },
      })),
      /^createReplacement is idempotent per traversal/,
    );
  });

  it("a completeTraversal that keeps the sync points", async () => {
    await failsCase(
      broken((store) => ({
        completeTraversal: async (stackId, traversalId, drop, keep, patch) => store.updateStack(stackId, traversalId, patch),
      })),
      /^completeTraversal purges/,
    );
  });

  it("a claim that says a row is gone while the store has it", async () => {
    const base = memoryConformanceTarget();
    const lying: ConformanceFactory = async () => {
      const target = await base();
      const runtime = target.runtime;
      const registerWorker: typeof runtime.registerWorker = (engineId, handler, options) =>
        runtime.registerWorker(
          engineId,
          async (delivery) => {
            const message = delivery.message as CheckMessage;
            const claim = message.kind === "node" ? { stack: await runtime.store.loadStack(message.stackId), row: { rowId: message.rowId, value: null } } : undefined;
            return handler(claim === undefined ? delivery : { ...delivery, claim });
          },
          options,
        );
      return { ...target, runtime: { ...runtime, registerWorker } };
    };
    await failsCase(lying, /^a delivery's claim, when the runtime gives one/);
  });
});
