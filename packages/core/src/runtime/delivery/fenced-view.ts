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
function losingReply(loseReply: LoseReply): (operation: string, args: readonly unknown[], apply: () => unknown) => unknown {
  let lost = false;
  return (operation, args, apply) => {
    if (lost || !loseReply.match(operation, args)) return apply();
    lost = true;
    void Promise.resolve(apply()).catch(() => undefined);
    if (loseReply.then === "fail") return Promise.reject(new RuntimeError(`injected: the reply of ${operation} was lost and the client gave up`));
    return apply();
  };
}

/** What the shared fenced methods read of one delivery (held by its fenced store under {@link FENCE}). */
interface DeliveryFence {
  readonly guard: () => void;
  /** Undefined without a hook or an injected fault (production): the guard and the call only. */
  readonly hook: InterceptOperation | undefined;
  /** The `intercept` option, for `enqueue`, `schedule` and `publishCancel` (no lost replies there). */
  readonly runtimeHook: InterceptOperation | undefined;
}

/**
 * The key of a fenced store's {@link DeliveryFence}: a symbol holding a plain object (no
 * function), so that a wrapper of the fenced store that wraps its function-valued properties
 * (`watchGone`'s Proxy) hands it through untouched.
 */
const FENCE = Symbol("fence");

/** A fenced store: its delivery's fence (the methods are on its prototype). */
interface FencedStore {
  readonly [FENCE]: DeliveryFence;
}

/** Fenced store prototypes, one per store: made on the store's first delivery. */
const storePrototypes = new WeakMap<object, object>();

/**
 * Every property of `store` (own and inherited, up to `Object.prototype`; the nearest wins) and
 * whether it is a method - read from the descriptors, so no getter runs here.
 */
function storeProperties(store: object): Map<string, boolean> {
  const found = new Map<string, boolean>();
  for (let o: object | null = store; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === "constructor" || found.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(o, name);
      found.set(name, typeof descriptor?.value === "function");
    }
  }
  return found;
}

/**
 * The prototype of every fenced view of `target`: one method per store method that passes
 * the delivery's guard (and its hook, if any) then calls the store - so a fenced call is one
 * function call and a fence check, and a delivery costs one object, not a wrapper per method.
 * Other properties read through to the store.
 */
function fencedStorePrototype(target: RuntimeStore): object {
  const known = storePrototypes.get(target);
  if (known !== undefined) return known;
  const proto: Record<string, unknown> = {};
  const source = target as unknown as Record<string, unknown>;
  for (const [name, isMethod] of storeProperties(target)) {
    if (!isMethod) {
      Object.defineProperty(proto, name, { get: () => source[name], enumerable: true });
      continue;
    }
    const method = source[name] as (...args: unknown[]) => unknown;
    proto[name] = function fencedOperation(this: FencedStore | undefined, ...args: unknown[]): unknown {
      const fence = this?.[FENCE];
      if (fence === undefined) throw new RuntimeError(`fenced store operation ${name} called without its store (call it as a method)`);
      fence.guard();
      if (fence.hook === undefined) return method.apply(target, args);
      return fence.hook(name, args, () => method.apply(target, args));
    };
  }
  storePrototypes.set(target, proto);
  return proto;
}

/** The fenced runtime of one delivery (see {@link fencedView}). */
class FencedRuntime implements Runtime {
  readonly kind: string;
  readonly store: RuntimeStore;

  constructor(
    private readonly inner: Runtime,
    private readonly fence: DeliveryFence,
  ) {
    this.kind = inner.kind;
    const store = Object.create(fencedStorePrototype(inner.store)) as { [FENCE]: DeliveryFence };
    store[FENCE] = fence;
    this.store = store as unknown as RuntimeStore;
  }

  /** A fenced operation of the runtime (not of its store). */
  private async fenced<R>(operation: string, args: readonly unknown[], apply: () => Promise<R>): Promise<R> {
    this.fence.guard();
    const hook = this.fence.runtimeHook;
    return hook === undefined ? apply() : (hook(operation, args, apply) as Promise<R>);
  }

  now(): number {
    return this.inner.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.inner.sleep(ms, signal);
  }
  enqueue(messages: Parameters<Runtime["enqueue"]>[0]): Promise<void> {
    return this.fenced("enqueue", [messages], () => this.inner.enqueue(messages));
  }
  schedule(message: Parameters<Runtime["schedule"]>[0], at: number): Promise<void> {
    return this.fenced("schedule", [message, at], () => this.inner.schedule(message, at));
  }
  publishCancel(stackId: string, traversalId: string): Promise<void> {
    return this.fenced("publishCancel", [stackId, traversalId], () => this.inner.publishCancel(stackId, traversalId));
  }
  registerWorker(...args: Parameters<Runtime["registerWorker"]>): ReturnType<Runtime["registerWorker"]> {
    return this.inner.registerWorker(...args);
  }
  isAlive(engineId: string): Promise<boolean> {
    return this.inner.isAlive(engineId);
  }
  attemptRunning(engineId: string, attempt: string, stackId: string): Promise<boolean> {
    return this.inner.attemptRunning(engineId, attempt, stackId);
  }
  activity(stackId: string): ReturnType<Runtime["activity"]> {
    return this.inner.activity(stackId);
  }
  onCancel(listener: Parameters<Runtime["onCancel"]>[0]): () => void {
    return this.inner.onCancel(listener);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * The runtime a delivered check runs with: `runtime` with every store operation and every
 * `enqueue`, `schedule` and `publishCancel` fenced by `fence` (see the module comment). Its
 * methods are methods (call them on the view, do not detach them).
 */
export function fencedView(runtime: Runtime, fence: FenceState, options: FencedViewOptions = {}): Runtime {
  const guard = deliveryGuard(fence, options.crashAfterOps);
  let hook: InterceptOperation | undefined = options.intercept;
  if (options.loseReply !== undefined) {
    const intercept: InterceptOperation = options.intercept ?? ((_operation, _args, apply) => apply());
    const lose = losingReply(options.loseReply);
    hook = (operation, args, apply) => intercept(operation, args, () => lose(operation, args, apply));
  }
  return new FencedRuntime(runtime, { guard, hook, runtimeHook: options.intercept });
}
