/**
 * Shared set-up of the plugins' engine tests: an engine on a manual-mode memory runtime,
 * run to the end of each operation, with the rows and events at hand.
 */
import { createEngine, createMemoryRuntime } from "@converge/core";
import type { AnyResourceType, Engine, MemoryRuntime, ResourceInfo, StackEvent, StackInfo, StackOperationOptions, Template } from "@converge/core";
import { AbortedError } from "@converge/core";
import { silentLogger } from "@converge/core/testing";

export { silentLogger };
import type { Sleep } from "@converge/plugins";

/** A logger that prints nothing. */


/** An engine on a manual memory runtime, with helpers that run each operation to its end. */
export interface StackKit {
  readonly runtime: MemoryRuntime;
  readonly engine: Engine;
  create(name: string, template: Template | string, options?: StackOperationOptions): Promise<StackInfo>;
  update(name: string, template: Template | string, options?: StackOperationOptions): Promise<StackInfo>;
  remove(name: string): Promise<void>;
  /** The rows of a stack that are not deleted, by resource name (throws when two share a name). */
  live(name: string): Promise<Map<string, ResourceInfo>>;
  /** Every event of a stack (also after it was deleted). */
  events(name: string): Promise<StackEvent[]>;
}

/** Build a {@link StackKit} over `types` (or types built for its runtime, e.g. sleeping on its clock). */
export function stackKit(types: readonly AnyResourceType[] | ((runtime: MemoryRuntime) => readonly AnyResourceType[])): StackKit {
  const runtime = createMemoryRuntime({ mode: "manual" });
  const engine = createEngine({ runtime, types: typeof types === "function" ? types(runtime) : types, logger: silentLogger });
  const ids = new Map<string, string>();
  const settle = async (name: string): Promise<StackInfo> => {
    await runtime.runUntilIdle({ maxSteps: 10_000 });
    return engine.getStack(name);
  };
  return {
    runtime,
    engine,
    async create(name, template, options) {
      const started = await engine.createStack(name, template, options);
      ids.set(name, started.id);
      return settle(name);
    },
    async update(name, template, options) {
      await engine.updateStack(name, template, options);
      return settle(name);
    },
    async remove(name) {
      await engine.deleteStack(name);
      await runtime.runUntilIdle({ maxSteps: 10_000 });
    },
    async live(name) {
      const rows = (await engine.listResources(name)).filter((r) => r.state !== "DELETE_COMPLETE");
      const byName = new Map(rows.map((r) => [r.name, r]));
      if (byName.size !== rows.length) throw new Error(`several live rows share a name: ${rows.map((r) => r.name).join(", ")}`);
      return byName;
    },
    async events(name) {
      const id = ids.get(name);
      return id === undefined ? [] : runtime.store.readEvents(id, null);
    },
  };
}

/** A {@link Sleep} that records each wait and returns at once; negative waits end only on abort. */
export function recordingSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  const sleep: Sleep = (ms, signal) => {
    waits.push(ms);
    if (signal.aborted) return Promise.reject(new AbortedError("aborted"));
    if (ms >= 0) return Promise.resolve();
    return new Promise<void>((_resolve, reject) => signal.addEventListener("abort", () => reject(new AbortedError("aborted")), { once: true }));
  };
  return { sleep, waits };
}
