/**
 * The runtime conformance suite: every rule of the runtime contract (`runtime/contract.ts`)
 * that the protocol relies on, as named, runner-neutral cases. A runtime's test suite runs
 * each case (`case.run()`) with a factory of fresh targets:
 *
 * ```ts
 * for (const c of runtimeConformance(() => myTarget())) it(c.name, () => c.run());
 * ```
 *
 * Assertions use `node:assert/strict`, so any test runner works.
 */
import { attemptCases, attemptPeerCases } from "./attempt-cases.js";
import { deliveryCases } from "./delivery-cases.js";
import { eventCases } from "./event-cases.js";
import { fusedCases } from "./fused-cases.js";
import { livenessCases, peerCases } from "./liveness-cases.js";
import { rowCases } from "./row-cases.js";
import { stackCases } from "./stack-cases.js";
import { syncCases } from "./sync-cases.js";
import type { ConformanceCase, ConformanceFactory } from "./target.js";
import { bindCases } from "./target.js";

export type { CaseSpec, ConformanceCase, ConformanceFactory, ConformanceTarget } from "./target.js";
export { memoryConformanceTarget } from "./memory-target.js";
export type { MemoryConformanceOptions } from "./memory-target.js";

/** Options of {@link runtimeConformance}. */
export interface RuntimeConformanceOptions {
  /**
   * Include the cross-runtime cases (a check enqueued on one runtime delivered by a worker of
   * another, state and cancellations shared). Needs targets with `peer()`. @default false
   */
  readonly peers?: boolean;
}

/**
 * The conformance cases bound to `factory`, in a stable order: stacks, rows, sync points,
 * fused operations, events, delivery, liveness/cancel/clock (and peers when asked). Each `run()` makes a fresh
 * target and closes it.
 */
export function runtimeConformance(factory: ConformanceFactory, options: RuntimeConformanceOptions = {}): ConformanceCase[] {
  const specs = [...stackCases, ...rowCases, ...syncCases, ...fusedCases, ...eventCases, ...deliveryCases, ...livenessCases, ...attemptCases, ...(options.peers === true ? [...peerCases, ...attemptPeerCases] : [])];
  const names = new Set<string>();
  for (const spec of specs) {
    if (names.has(spec.name)) throw new Error(`duplicate conformance case name: ${spec.name}`);
    names.add(spec.name);
  }
  return bindCases(factory, specs);
}
