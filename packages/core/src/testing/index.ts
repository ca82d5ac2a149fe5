/**
 * `@converge/core/testing`: kits for testing protocols and resource types - the fake cloud
 * ("reality") and the scenario resource type of the acceptance suite, and the plugin
 * author's contract kit (`runResourceTypeContract`).
 */
export { Reality } from "./reality.js";
export { errorsOnlyLogger, silentLogger } from "./loggers.js";
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
export { CONTRACT_CHECKS, resourceTypeContractChecks, runResourceTypeContract } from "./resource-type-contract.js";
export type { ContractCheck, ContractRegistrar } from "./resource-type-contract.js";
export type { ContractProperties, ExistsProbe, Lazy, ResourceTypeContractCases } from "./resource-type-contract-cases.js";
export { handlerContext, recordingLogger } from "./resource-type-contract-harness.js";
export type { LogLine } from "./resource-type-contract-harness.js";
export { memoryConformanceTarget, runtimeConformance } from "./conformance/index.js";
export type {
  CaseSpec,
  ConformanceCase,
  ConformanceFactory,
  ConformanceTarget,
  MemoryConformanceOptions,
  RuntimeConformanceOptions,
} from "./conformance/index.js";
