/**
 * The runtime a check runs with (`Delivery.runtime`): the runtime itself, except that every
 * state operation first checks its engine is still alive here. An engine declared dead
 * (closed past its grace period, or killed in a test) is fenced: its in-flight checks fail
 * with EngineDeadError on their next operation and write nothing more, while their jobs go
 * back to the queue. The stack record read by the job's claim serves the check's first
 * operation when that is the `loadStack` of its stack (saving a round trip).
 */
import { EngineDeadError } from "@converge/core";
import type { Runtime, RuntimeStore, StackRecord } from "@converge/core";

/** The engine side of a delivery. */
export interface FenceState {
  readonly engineId: string;
  /** True once the engine is dead here. */
  isDead(): boolean;
  /** Declare the engine dead (a crash injected by a test step). */
  kill(): void;
}

/** Options of {@link deliveryView}. */
export interface DeliveryViewOptions {
  /** The stack record read when the job was claimed (null: no such stack). */
  readonly primed?: { readonly stackId: string; readonly stack: StackRecord | null };
  /** Kill the engine after this many operations of the check (test crash injection). */
  readonly crashAfterOps?: number;
}

/** The fenced runtime view of one delivery. */
export function deliveryView(runtime: Runtime, fence: FenceState, options: DeliveryViewOptions = {}): Runtime {
  let ops = 0;
  let primed = options.primed;
  const guard = (): void => {
    if (fence.isDead()) throw new EngineDeadError(fence.engineId);
    ops += 1;
    if (options.crashAfterOps !== undefined && ops > options.crashAfterOps) {
      fence.kill();
      throw new EngineDeadError(fence.engineId);
    }
  };
  const store = new Proxy(runtime.store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        guard();
        const first = primed;
        primed = undefined;
        if (prop === "loadStack" && first !== undefined && args[0] === first.stackId) return first.stack;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as RuntimeStore;
  const fenced = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      guard();
      primed = undefined;
      return fn(...args);
    };
  return {
    kind: runtime.kind,
    store,
    now: () => runtime.now(),
    sleep: (ms, signal) => runtime.sleep(ms, signal),
    enqueue: fenced((messages) => runtime.enqueue(messages)),
    schedule: fenced((message, at) => runtime.schedule(message, at)),
    publishCancel: fenced((stackId, traversalId) => runtime.publishCancel(stackId, traversalId)),
    registerWorker: (engineId, handler, opts) => runtime.registerWorker(engineId, handler, opts),
    isAlive: (engineId) => {
      primed = undefined;
      return runtime.isAlive(engineId);
    },
    activity: (stackId) => {
      primed = undefined;
      return runtime.activity(stackId);
    },
    onCancel: (listener) => runtime.onCancel(listener),
    close: () => runtime.close(),
  };
}
