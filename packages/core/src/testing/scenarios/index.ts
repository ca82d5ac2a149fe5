/**
 * The acceptance suite of SCENARIOS.md: 21 runtime-neutral scenarios, each driving a
 * {@link ScenarioHarness} and asserting final reality, stack state and the orderings the
 * scenario states. A runtime's test suite runs each `scenario.run(harness)` on a fresh harness.
 */
import { creationScenarios } from "./creation.js";
import type { Scenario } from "./helpers.js";
import { replacementScenarios } from "./replacement.js";
import { updateScenarios } from "./updates.js";
import { userReplacementScenarios } from "./user-replacement.js";

export type { Scenario } from "./helpers.js";

/** Every scenario of SCENARIOS.md, in its order (1-21). */
export const scenarios: readonly Scenario[] = [
  ...creationScenarios,
  ...updateScenarios,
  ...replacementScenarios,
  ...userReplacementScenarios,
];
