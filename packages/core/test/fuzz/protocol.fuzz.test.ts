/**
 * The long protocol fuzz run (`npm run fuzz`): thousands of seeds per variant. Control it with
 * `FUZZ_SEEDS` (seeds per variant, default 1000), `FUZZ_FROM` (first seed), `FUZZ_SEED` (one
 * seed) and `FUZZ_VARIANT`. Each failing seed is reported with its reproduction and trace;
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
      const started = Date.now();
      for (const seed of plan.seeds) {
        const result = await runSeed(seed, variant);
        if (result.violations.length === 0) continue;
        failed.push(seed);
        if (reports.length < MAX_REPORTED) reports.push(failureReport(result));
      }
      console.log(`${variant}: ${plan.seeds.length} seeds in ${((Date.now() - started) / 1000).toFixed(1)} s, ${failed.length} failed${failed.length > 0 ? `: ${failed.slice(0, 50).join(", ")}` : ""}`);
      expect(failed, reports.join("\n\n")).toEqual([]);
    });
  }
});
