/**
 * `@converge/core/testing`: kits for testing protocols and resource types - the fake cloud
 * ("reality") and the scenario resource type of the acceptance suite.
 */
export { Reality } from "./reality.js";
export type { FailureSpec, RealityEntry, RealityOp } from "./reality.js";
export { SCENARIO_TYPE, createScenarioType, verify } from "./scenario-type.js";
export type { ScenarioTypeOptions, VerifyResult } from "./scenario-type.js";
export { memoryScenarioHarness } from "./scenario-harness.js";
export type {
  ClosableScenarioHarness,
  MemoryScenarioHarnessOptions,
  ScenarioHarness,
  ScenarioHarnessFactory,
} from "./scenario-harness.js";
export { scenarios } from "./scenarios/index.js";
export type { Scenario } from "./scenarios/index.js";
