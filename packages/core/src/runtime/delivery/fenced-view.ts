/**
 * The fenced runtime view of one delivery - shared by every runtime (memory, Redis).
 *
 * Every store operation and every `enqueue`, `schedule` and `publishCancel` of the check first
 * passes the delivery's guard, which throws `EngineDeadError` once the engine is dead here (or
 * the delivery was handed back to the queue): a dead engine's check never writes again, even
 * while its plugin call still runs. A test may inject a crash after N operations
 * (`crashAfterOps`) or lose the reply of one store operation (`loseReply`).
 *
 * The claim's read-ahead is not done here: a runtime whose claim reads the check's first state
 * with the job hands it to the check as `Delivery.claim` (runtime/contract.ts), which
 * `processCheck` reads through first (`claimed-store.ts`). A runtime that must see each operation of the
 * check (buffered events, per-operation bookkeeping) passes `intercept`.
 */
import { EngineDeadError, RuntimeError } from "../../errors.js";
import type { Runtime, RuntimeStore } from "../contract.js";

/** The engine side of a delivery, as the runtime knows it. */
export interface FenceState {
  /** The engine the check was delivered to. */
  readonly engineId: string;
  /** True once the engine is dead here, or this delivery was handed back to the queue. */
  isDead(): boolean;
  /** Declare the engine dead (a crash injected by `crashAfterOps`). */
  kill(): void;
}

/**
 * A lost reply to inject: the first store operation for which `match(operation, args)` holds
 * is applied, then - as a client re-sends a command whose reply it never got - applied again
 * and the check sees the second reply (`"resend"`, the default), or the check sees an
 * infrastructure error (`"fail"`, the client gave up).
 */
export interface LoseReply {
  /** Which operation loses its reply. */
  readonly match: (operation: string, args: readonly unknown[]) => boolean;
  /** What the client does next. @default "resend" */
  readonly then?: "resend" | "fail";
}

/**
 * Runs one fenced operation of the check after its guard passed: `operation` is a store
 * method name, or `enqueue` / `schedule` / `publishCancel`; `apply` performs it. Returns what
 * the check sees.
 */
export type InterceptOperation = (operation: string, args: readonly unknown[], apply: () => unknown) => unknown;

/** Options of {@link fencedView}. */
export interface FencedViewOptions {
  /** Kill the engine after this many operations of the check (test crash injection). */
  readonly crashAfterOps?: number;
  /** Lose the reply of one store operation (test). @default no reply lost */
  readonly loseReply?: LoseReply;
  /** See every fenced operation (a runtime's per-operation behaviour). @default apply it */
  readonly intercept?: InterceptOperation;
}

/** The guard of one delivery: throws `EngineDeadError` once its engine is dead, counts operations. */
export function deliveryGuard(fence: FenceState, crashAfterOps: number | undefined): () => void {
  let ops = 0;
  return () => {
    if (fence.isDead()) throw new EngineDeadError(fence.engineId);
    ops += 1;
    if (crashAfterOps !== undefined && ops > crashAfterOps) {
      fence.kill();
      throw new EngineDeadError(fence.engineId);
    }
  };
}

/** Wrap one store operation's `apply` so that its reply is lost once (see {@link LoseReply}). */
function losingReply(loseReply: LoseReply | undefined): (operation: string, args: readonly unknown[], apply: () => unknown) => unknown {
  let lost = false;
  return (operation, args, apply) => {
    if (loseReply === undefined || lost || !loseReply.match(operation, args)) return apply();
    lost = true;
    void Promise.resolve(apply()).catch(() => undefined);
    if (loseReply.then === "fail") return Promise.reject(new RuntimeError(`injected: the reply of ${operation} was lost and the client gave up`));
    return apply();
  };
}

/**
 * The runtime a delivered check runs with: `runtime` with every store operation and every
 * `enqueue`, `schedule` and `publishCancel` fenced by `fence` (see the module comment).
 */
export function fencedView(runtime: Runtime, fence: FenceState, options: FencedViewOptions = {}): Runtime {
  const guard = deliveryGuard(fence, options.crashAfterOps);
  const intercept: InterceptOperation = options.intercept ?? ((_operation, _args, apply) => apply());
  const lose = losingReply(options.loseReply);
  // One fenced wrapper per store method, made on its first use (not one per call).
  const wrappers = new Map<string | symbol, (...args: unknown[]) => unknown>();
  const store = new Proxy(runtime.store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      let wrapper = wrappers.get(prop);
      if (wrapper === undefined) {
        const operation = String(prop);
        const method = value as (...a: unknown[]) => unknown;
        // Without a hook or an injected fault (production), the guard and the call only.
        wrapper =
          options.intercept === undefined && options.loseReply === undefined
            ? (...args: unknown[]) => {
                guard();
                return method.apply(target, args);
              }
            : (...args: unknown[]) => {
                guard();
                const apply = (): unknown => method.apply(target, args);
                return intercept(operation, args, () => lose(operation, args, apply));
              };
        wrappers.set(prop, wrapper);
      }
      return wrapper;
    },
  }) as RuntimeStore;
  const fenced =
    <A extends unknown[], R>(operation: string, fn: (...a: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      guard();
      return intercept(operation, args, () => fn(...args)) as Promise<R>;
    };
  return {
    kind: runtime.kind,
    store,
    now: () => runtime.now(),
    sleep: (ms, signal) => runtime.sleep(ms, signal),
    enqueue: fenced("enqueue", (messages) => runtime.enqueue(messages)),
    schedule: fenced("schedule", (message, at) => runtime.schedule(message, at)),
    publishCancel: fenced("publishCancel", (stackId, traversalId) => runtime.publishCancel(stackId, traversalId)),
    registerWorker: (engineId, handler, opts) => runtime.registerWorker(engineId, handler, opts),
    isAlive: (engineId) => runtime.isAlive(engineId),
    attemptRunning: (engineId, attempt, stackId) => runtime.attemptRunning(engineId, attempt, stackId),
    activity: (stackId) => runtime.activity(stackId),
    onCancel: (listener) => runtime.onCancel(listener),
    close: () => runtime.close(),
  };
}
