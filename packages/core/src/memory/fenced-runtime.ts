/**
 * The runtime view one delivery of the memory runtime hands to its check: every store
 * operation, enqueue, schedule and cancel broadcast first passes the delivery's fence, which
 * throws `EngineDeadError` once the engine died or the check was handed back to the queue -
 * so a dead engine's check can never write again, even while its plugin call still runs.
 */
import type { Runtime, RuntimeStore } from "../runtime/contract.js";

/**
 * Wrap `runtime` (and its `store`) so that `fence` runs before each operation. `fence`
 * throws to refuse the operation.
 */
export function fencedRuntime(runtime: Runtime, store: RuntimeStore, fence: () => void): Runtime {
  const fencedStore = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        fence();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as RuntimeStore;
  return {
    ...runtime,
    store: fencedStore,
    enqueue: async (messages) => {
      fence();
      return runtime.enqueue(messages);
    },
    schedule: async (message, at) => {
      fence();
      return runtime.schedule(message, at);
    },
    publishCancel: async (stackId, traversalId) => {
      fence();
      return runtime.publishCancel(stackId, traversalId);
    },
  };
}
