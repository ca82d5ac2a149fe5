/**
 * What the runtime conformance suite runs against: a fresh runtime plus the few controls a
 * test needs that the runtime contract does not offer (deliver checks, let time pass, declare
 * an engine dead). A runtime's test suite supplies a {@link ConformanceFactory}.
 */
import type { Runtime } from "../../runtime/contract.js";

/**
 * A fresh runtime under test (no stacks, no workers registered) and its test controls.
 * Cases register their own workers and never rely on checks running between two awaits of
 * theirs, except inside {@link ConformanceTarget.deliverUntil} and
 * {@link ConformanceTarget.settle}.
 */
export interface ConformanceTarget {
  /** The runtime under test. */
  readonly runtime: Runtime;
  /**
   * Let the runtime deliver checks to the registered workers until `done()` holds (tested
   * before each delivery in a stepped runtime; repeatedly in an automatic one). Rejects,
   * naming `what`, when it never holds (the queue ran dry, or a time limit passed).
   */
  deliverUntil(done: () => boolean, what: string): Promise<void>;
  /** Deliver every check that is due now, until none is queued or running. */
  settle(): Promise<void>;
  /** Let `ms` of time pass (virtual time for a manual clock, real time otherwise), firing due timers. */
  advanceTime(ms: number): Promise<void>;
  /**
   * Declare `engineId` dead now, as if its process had died: its liveness lease lapses, its
   * in-flight operations fail with `EngineDeadError`, and its checks are delivered again to
   * live engines.
   */
  killEngine(engineId: string): Promise<void>;
  /**
   * A second runtime over the same state, as another process would make it (multi-process
   * runtimes only). When given, the suite adds its cross-runtime cases.
   */
  peer?(): Promise<Runtime>;
  /** Release the runtime (and any peer). */
  close(): Promise<void>;
}

/** Makes a fresh target for one case. */
export type ConformanceFactory = () => Promise<ConformanceTarget>;

/** One case of the suite: a name that says the contract rule, and a body. */
export interface ConformanceCase {
  /** The rule checked, e.g. "writeRow: a stale ifTraversal is refused as superseded". */
  readonly name: string;
  /** Make a target with the factory, check the rule (throws AssertionError), close the target. */
  run(): Promise<void>;
}

/** A case body before it is bound to a factory. */
export interface CaseSpec {
  /** The rule checked. */
  readonly name: string;
  /** The body, given a fresh target. */
  readonly body: (t: ConformanceTarget) => Promise<void>;
}

/** Bind case bodies to a factory: each run makes a fresh target and always closes it. */
export function bindCases(factory: ConformanceFactory, specs: readonly CaseSpec[]): ConformanceCase[] {
  return specs.map((spec) => ({
    name: spec.name,
    async run() {
      const target = await factory();
      try {
        await spec.body(target);
      } finally {
        await target.close();
      }
    },
  }));
}
