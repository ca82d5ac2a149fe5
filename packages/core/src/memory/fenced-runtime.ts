/**
 * The runtime view one delivery of the memory runtime hands to its check: every store
 * operation, enqueue, schedule and cancel broadcast first passes the delivery's fence, which
 * throws `EngineDeadError` once the engine died or the check was handed back to the queue -
 * so a dead engine's check can never write again, even while its plugin call still runs.
 */
import { RuntimeError } from "../errors.js";
import type { Runtime, RuntimeStore } from "../runtime/contract.js";

/**
 * A lost reply to inject: the first store operation for which `match(operation, args)` holds
 * is applied, then - as a client re-sends a command whose reply it never got - applied again
 * and the check sees the second reply (`"resend"`, the default), or the check sees an
 * infrastructure error (`"fail"`, the client gave up).
 */
export interface LoseReply {
  readonly match: (operation: string, args: readonly unknown[]) => boolean;
  readonly then?: "resend" | "fail";
}

/**
 * Wrap `runtime` (and its `store`) so that `fence` runs before each operation. `fence`
 * throws to refuse the operation. With `loseReply`, the reply of one matching store
 * operation is lost.
 */
export function fencedRuntime(runtime: Runtime, store: RuntimeStore, fence: () => void, loseReply?: LoseReply): Runtime {
  let replyLost = false;
  const fencedStore = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        fence();
        const apply = (): unknown => (value as (...a: unknown[]) => unknown).apply(target, args);
        if (loseReply === undefined || replyLost || !loseReply.match(String(prop), args)) return apply();
        replyLost = true;
        void apply();
        if (loseReply.then === "fail") return Promise.reject(new RuntimeError(`injected: the reply of ${String(prop)} was lost and the client gave up`));
        return apply();
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
