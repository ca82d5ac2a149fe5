/**
 * The long protocol fuzz run (`npm run fuzz`): thousands of seeds per variant. Control it with
 * `FUZZ_SEEDS` (seeds per variant, default 1000), `FUZZ_FROM` (first seed), `FUZZ_SEED` (one
 * seed), `FUZZ_VARIANT` and `FUZZ_PAUSES=heavy` (engines paused far more often, most held calls
 * returning late: see `run-seed.ts`). Each failing seed is reported with its reproduction and trace;
 * the run goes on to collect every failing seed.
 */
import { describe, expect, it } from "vitest";
import { failureReport, fuzzPlan } from "./fuzz-env.js";
import { runSeed } from "./run-seed.js";

const plan = fuzzPlan(1000);
const MAX_REPORTED = 5;

describe("protocol fuzzer (long run)", () => {
  for (const variant of plan.variants) {
    it(`${plan.seeds.length} seed(s), ${variant} type`, { timeout: 24 * 3600_000 }, async () => {
      const failed: number[] = [];
      const reports: string[] = [];
      const outcomes = new Map<string, number>();
      const totals = new Map<string, number>();
      const started = Date.now();
      for (const seed of plan.seeds) {
        const result = await runSeed(seed, variant);
        outcomes.set(result.outcome, (outcomes.get(result.outcome) ?? 0) + 1);
        for (const [k, v] of Object.entries(result.stats)) totals.set(k, (totals.get(k) ?? 0) + v);
        if (result.violations.length === 0) continue;
        failed.push(seed);
        if (reports.length < MAX_REPORTED) reports.push(failureReport(result));
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `${variant}: ${plan.seeds.length} seeds in ${seconds} s, ${failed.length} failed${failed.length > 0 ? `: ${failed.slice(0, 50).join(", ")}` : ""}\n` +
          `  outcomes ${JSON.stringify(Object.fromEntries(outcomes))}\n  totals ${JSON.stringify(Object.fromEntries(totals))}`,
      );
      expect(failed, reports.join("\n\n")).toEqual([]);
    });
  }
});
