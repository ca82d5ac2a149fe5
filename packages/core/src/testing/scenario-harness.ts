/**
 * The runtime-neutral harness the scenario suite runs on: an engine wired to a scenario
 * resource type over a {@link Reality}, plus manual stepping of checks. A runtime's test suite
 * supplies a {@link ScenarioHarnessFactory}; {@link memoryScenarioHarness} is the memory one.
 */
import { createEngine } from "../engine/create-engine.js";
import type { Engine } from "../engine/create-engine.js";
import { createMemoryRuntime } from "../memory/memory-runtime.js";
import type { MemoryRuntime } from "../memory/memory-runtime.js";
import { silentLogger } from "./loggers.js";
import type { Reality } from "./reality.js";
import { createScenarioType } from "./scenario-type.js";
import type { ScenarioTypeOptions } from "./scenario-type.js";

/**
 * What a scenario drives: the engine, the fake cloud it converges, and a scheduler that runs
 * one check at a time. Checks never run on their own: nothing happens between two calls.
 */
export interface ScenarioHarness {
  /** An engine whose types include the scenario type (`SCENARIO_TYPE`) over `reality`. */
  readonly engine: Engine;
  /** The fake cloud the scenario type writes to. */
  readonly reality: Reality;
  /**
   * True when checks run one at a time in the order they were enqueued (FIFO), like Heat's
   * simulator. Scenarios then also assert the orderings Heat observed that the graph does not
   * force (two independent nodes in enqueue order); the orderings the graph forces are
   * asserted in every order. @default false
   */
  readonly inOrder?: boolean;
  /** Run one pending check to its end; false when nothing is pending. */
  step(): Promise<boolean>;
  /** Run checks until nothing is pending. */
  runUntilIdle(): Promise<void>;
  /**
   * Run checks until `pred` holds (tested before each check). False when the queue ran dry
   * before it held.
   */
  runUntil(pred: () => boolean | Promise<boolean>): Promise<boolean>;
}

/** A harness that owns resources (engine, runtime, connections) to release after the run. */
export type ClosableScenarioHarness = ScenarioHarness & {
  /** Release the engine and the runtime. */
  close(): Promise<void>;
};

/** Makes a fresh harness (fresh engine and runtime state) over the given reality. */
export type ScenarioHarnessFactory = (reality: Reality) => Promise<ClosableScenarioHarness>;

/** Options of {@link memoryScenarioHarness}. */
export interface MemoryScenarioHarnessOptions {
  /** Order in which pending checks run. @default "fifo" */
  readonly order?: "fifo" | "random";
  /** Seed of the random order. @default 1 */
  readonly seed?: number;
  /**
   * Deliver every enqueued check twice (at-least-once delivery everywhere): the runtime's
   * `duplicateRate` is 1. @default false
   */
  readonly duplicate?: boolean;
  /** Options of the scenario type. @default the type's defaults */
  readonly type?: ScenarioTypeOptions;
  /** Called with the runtime once made (tests that need crash or clock controls). */
  readonly onRuntime?: (runtime: MemoryRuntime) => void;
  /** The runtime's `fusedOperations` (false: the protocol composes them from basic operations). @default true */
  readonly fusedOperations?: boolean;
}

/** Steps a run may take before the harness declares it stuck (a livelock is a bug). */
const MAX_STEPS = 100_000;

/** A factory of harnesses over a manual-mode memory runtime. */
export function memoryScenarioHarness(options: MemoryScenarioHarnessOptions = {}): ScenarioHarnessFactory {
  return async (reality) => {
    const runtime = createMemoryRuntime({
      mode: "manual",
      order: options.order ?? "fifo",
      seed: options.seed ?? 1,
      duplicateRate: options.duplicate === true ? 1 : 0,
      fusedOperations: options.fusedOperations ?? true,
    });
    options.onRuntime?.(runtime);
    const engine = createEngine({
      runtime,
      types: [createScenarioType(reality, options.type)],
      engineId: "scenario-engine",
      logger: silentLogger,
    });
    return {
      engine,
      reality,
      inOrder: (options.order ?? "fifo") === "fifo",
      step: () => runtime.step(),
      async runUntilIdle() {
        const steps = await runtime.runUntilIdle({ maxSteps: MAX_STEPS });
        if (steps >= MAX_STEPS) throw new Error(`still busy after ${MAX_STEPS} checks: livelock?`);
      },
      runUntil: (pred) => runtime.runUntil(pred, { maxSteps: MAX_STEPS }),
      async close() {
        await engine.close();
        await runtime.close();
      },
    };
  };
}
