/**
 * Shared set-up of the protocol tests: a manual-mode memory runtime, one or more engines over
 * it, and the scenario type backed by a fresh {@link Reality}.
 */
import { createEngine, createMemoryRuntime } from "@converge/core";
import type {
  AnyResourceType,
  Engine,
  Logger,
  MemoryRuntime,
  ResourceRow,
  RetryPolicy,
  StackRecord,
} from "@converge/core";
import { Reality, createScenarioType, silentLogger } from "@converge/core/testing";
import type { ScenarioTypeOptions } from "@converge/core/testing";

/** The shared test loggers and template helpers, re-exported for the protocol tests. */
export { silentLogger };
export { res, tpl } from "../../src/testing/scenarios/helpers.js";

/** A logger that prints nothing. */


/** Options of {@link setup}. */
export interface KitOptions {
  /** Engine ids to create (all share the runtime). @default ["e1"] */
  readonly engines?: readonly string[];
  /** Order of the manual scheduler. @default "fifo" */
  readonly order?: "fifo" | "random";
  /** Seed of the random order. @default 1 */
  readonly seed?: number;
  /** Options of the scenario type. */
  readonly type?: ScenarioTypeOptions;
  /** Extra resource types. */
  readonly extraTypes?: readonly AnyResourceType[];
  /** Retry policy of the engines. */
  readonly retry?: Partial<RetryPolicy>;
  /** Watchdog interval of the engines. @default 30000 */
  readonly watchdogIntervalMs?: number;
  /** Logger of the engines. @default silent */
  readonly logger?: Logger;
}

/** What {@link setup} makes. */
export interface Kit {
  readonly runtime: MemoryRuntime;
  readonly reality: Reality;
  /** Engines by id, in the order given. */
  readonly engines: readonly Engine[];
  /** The first engine. */
  readonly engine: Engine;
  /** The stored record of a stack (null when gone). */
  stack(name: string): Promise<StackRecord | null>;
  /** Every stored row of a stack, by id order. */
  rows(name: string): Promise<ResourceRow[]>;
  /** The active rows (not DELETE_COMPLETE) named `resource`. */
  rowsNamed(name: string, resource: string): Promise<ResourceRow[]>;
  /** Run the queue dry, then advance the clock by the watchdog interval, until the stack settles. */
  settle(name: string, rounds?: number): Promise<void>;
}

/** Build a kit. */
export function setup(options: KitOptions = {}): Kit {
  const runtime = createMemoryRuntime({ mode: "manual", order: options.order ?? "fifo", seed: options.seed ?? 1 });
  const reality = new Reality();
  const types = [createScenarioType(reality, options.type), ...(options.extraTypes ?? [])];
  const watchdogIntervalMs = options.watchdogIntervalMs ?? 30_000;
  const engines = (options.engines ?? ["e1"]).map((engineId) =>
    createEngine({
      runtime,
      types,
      engineId,
      logger: options.logger ?? silentLogger,
      watchdogIntervalMs,
      ...(options.retry === undefined ? {} : { retry: options.retry }),
    }),
  );
  const stack = async (name: string): Promise<StackRecord | null> => {
    const id = await runtime.store.findStackId(name);
    return id === null ? null : runtime.store.loadStack(id);
  };
  const rows = async (name: string): Promise<ResourceRow[]> => {
    const id = await runtime.store.findStackId(name);
    if (id === null) return [];
    return (await runtime.store.loadRows(id)).sort((a, b) => Number(a.id) - Number(b.id));
  };
  return {
    runtime,
    reality,
    engines,
    engine: engines[0] as Engine,
    stack,
    rows,
    async rowsNamed(name, resource) {
      return (await rows(name)).filter((r) => r.name === resource && !(r.action === "DELETE" && r.status === "COMPLETE"));
    },
    async settle(name, rounds = 10) {
      for (let i = 0; i < rounds; i++) {
        await runtime.runUntilIdle();
        const s = await stack(name);
        if (s === null || s.status !== "IN_PROGRESS") return;
        runtime.advanceTime(watchdogIntervalMs);
      }
    },
  };
}


/** Let pending microtasks (a started, not awaited step) run until they block. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Step checks one by one (to `engineId` when given) until one of them stays blocked in a
 * plugin call held by `reality.block`; returns that unfinished step, wrapped (returning the
 * promise itself from an async function would wait for it).
 */
export async function stepUntilBlocked(kit: Kit, engineId?: string): Promise<{ step: Promise<boolean> }> {
  for (let i = 0; i < 10_000 && kit.runtime.pending().length > 0; i++) {
    let done = false;
    const step = kit.runtime.step(engineId === undefined ? {} : { engineId }).finally(() => {
      done = true;
    });
    await flush();
    if (!done) return { step };
    await step;
  }
  throw new Error("no check blocked");
}

/**
 * Kill `engineId` the moment it calls the plugin's create of `name` (the next such call),
 * before the call reaches reality: a crash after the row's lock was taken and before the
 * plugin ran, which no count of runtime operations can aim at (the lock write and its event
 * are one operation, and the next one comes after the plugin call).
 */
export function killAtCreateCall(kit: Kit, name: string, engineId: string): void {
  const before = kit.reality.before.bind(kit.reality);
  let killed = false;
  kit.reality.before = async (op, resource, signal, honourAbort) => {
    if (op === "create" && resource === name && !killed) {
      killed = true;
      await kit.runtime.killEngine(engineId);
      throw new Error(`engine ${engineId} died`);
    }
    return before(op, resource, signal, honourAbort);
  };
}

/**
 * Make the next plugin create of `name` never return (a call hung forever: a dead socket, a
 * frozen process), before the call reaches reality. Later creates of `name` run normally.
 */
export function hangAtCreateCall(kit: Kit, name: string): void {
  const before = kit.reality.before.bind(kit.reality);
  let hung = false;
  kit.reality.before = async (op, resource, signal, honourAbort) => {
    if (op === "create" && resource === name && !hung) {
      hung = true;
      return new Promise<void>(() => undefined);
    }
    return before(op, resource, signal, honourAbort);
  };
}
