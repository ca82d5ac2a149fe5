/**
 * Which seeds and variants a fuzz test file runs (from the environment), and the report of
 * a failing seed: a one-line reproduction, the violations and the trace of what was issued.
 *
 * - `FUZZ_SEED=n`: run only seed n (every variant, or `FUZZ_VARIANT`'s);
 * - `FUZZ_SEEDS=k`: run k seeds per variant, from `FUZZ_FROM` (default 1);
 * - `FUZZ_VARIANT=read|idempotent|both|neither`: only that variant;
 * - `FUZZ_FUSED=0`: a memory runtime without the contract's optional fused operations;
 * - `FUZZ_DEBUG=1`: the trace also shows the rows, the queue and the events at the first violation.
 */
import type { SeedResult, VariantName } from "./run-seed.js";
import { VARIANTS, reproduction } from "./run-seed.js";

/** Seeds and variants to run. */
export interface FuzzPlan {
  readonly seeds: readonly number[];
  readonly variants: readonly VariantName[];
}

function integer(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** The plan: the environment's, else `defaultSeeds` seeds per variant from 1. */
export function fuzzPlan(defaultSeeds: number): FuzzPlan {
  const names = Object.keys(VARIANTS) as VariantName[];
  const only = process.env.FUZZ_VARIANT;
  if (only !== undefined && only !== "" && !names.includes(only as VariantName)) {
    throw new Error(`FUZZ_VARIANT must be one of ${names.join(", ")}, got "${only}"`);
  }
  const variants = only === undefined || only === "" ? names : [only as VariantName];
  const seed = integer("FUZZ_SEED");
  if (seed !== undefined) return { seeds: [seed], variants };
  const count = integer("FUZZ_SEEDS") ?? defaultSeeds;
  const from = integer("FUZZ_FROM") ?? 1;
  return { seeds: Array.from({ length: count }, (_, i) => from + i), variants };
}

/** The report of a failed run. */
export function failureReport(result: SeedResult): string {
  return [
    `fuzz seed ${result.seed} (${result.variant}) failed; reproduce with:`,
    `  ${reproduction(result.seed, result.variant)}`,
    "violations:",
    ...result.violations.map((v) => `  - ${v}`),
    "trace:",
    result.trace,
  ].join("\n");
}
