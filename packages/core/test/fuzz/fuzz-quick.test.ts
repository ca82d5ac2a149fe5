/**
 * The protocol fuzzer in the normal test suite: 100 fixed seeds per variant (about 10-20 s
 * in all). `FUZZ_SEED=n [FUZZ_VARIANT=v] npx vitest run packages/core/test/fuzz`
 * reruns one seed and prints its trace. The long run is `npm run fuzz` (protocol.fuzz.test.ts).
 */
import { describe, expect, it } from "vitest";
import { failureReport, fuzzPlan } from "./fuzz-env.js";
import { runSeed } from "./run-seed.js";

const plan = fuzzPlan(100);

describe("protocol fuzzer (quick)", () => {
  for (const variant of plan.variants) {
    it(`${plan.seeds.length} seed(s), ${variant} type`, { timeout: 120_000 }, async () => {
      const failures: string[] = [];
      for (const seed of plan.seeds) {
        const result = await runSeed(seed, variant);
        if (result.violations.length > 0) failures.push(failureReport(result));
        else if (plan.seeds.length === 1) console.log(`seed ${seed} (${variant}) passed\n${result.trace}`);
      }
      expect(failures, failures[0]).toEqual([]);
    });
  }
});
