/**
 * The plugin author's kit: `runResourceTypeContract(type, cases)` registers, with the test
 * framework's `describe`/`it`, the checks every resource type must pass:
 *
 * - create, then read returns the inputs (and the resource exists);
 * - delete of a missing resource succeeds (never created, or already deleted);
 * - an update of updatable properties is made in place (same row, same physical id);
 * - a change of the other properties replaces the resource (created before the old is deleted);
 * - throughout, a type's `read` tells the truth: after a create or update it finds the
 *   resource by physical id (and by idempotency key when `cases.readByIdempotencyKey`) with
 *   the properties it reports equal to the inputs, and after a delete it reports
 *   `exists: false` (see `resource-type-contract-read.ts`);
 * - a create interrupted by a crash and retried with the same idempotency key does not
 *   create twice;
 * - the AbortSignal stops a hanging create;
 * - secret properties never appear in events, logs or `listResources`.
 *
 * Every check runs the real engine on a manual-mode memory runtime (deterministic: no sleeps
 * for ordering) or calls the handlers directly. A violation throws a `PluginContractError`
 * naming the check; a malformed case throws an `InvalidOptionsError` naming the field.
 *
 * Core does not depend on any test framework: pass `{ describe, it }` from yours (vitest,
 * jest, mocha, node:test), or leave it out where the framework defines them as globals.
 *
 * ```ts
 * import { describe, it } from "vitest";
 * import { runResourceTypeContract } from "@converge/core/testing";
 * runResourceTypeContract(MyType, { create: { name: "a" }, update: { name: "a", size: 2 }, replace: { name: "b" } }, { describe, it });
 * ```
 */
import { InvalidOptionsError } from "../errors.js";
import { isResourceType } from "../plugin/define-resource-type.js";
import type { AnyResourceType } from "../plugin/types.js";
import type { ResolvedCases, ResourceTypeContractCases } from "./resource-type-contract-cases.js";
import { resolveCases } from "./resource-type-contract-cases.js";
import { LIFECYCLE_CHECKS, checkCreateRead, checkDeleteMissing, checkReplace, checkUpdateInPlace } from "./resource-type-contract-lifecycle.js";
import { SAFETY_CHECKS, checkAbort, checkIdempotentCreate, checkSecrets } from "./resource-type-contract-safety.js";

/** The `describe`/`it` pair of a test framework (vitest, jest, mocha, node:test). */
export interface ContractRegistrar {
  /** Group tests under a name. */
  describe(name: string, body: () => void): unknown;
  /** Register one test; `timeout` in ms. */
  it(name: string, body: () => Promise<void>, timeout?: number): unknown;
}

/** One check of the contract, runnable on its own. */
export interface ContractCheck {
  /** What it checks, as registered. */
  readonly name: string;
  /** Run it; rejects with a `PluginContractError` on a violation. */
  run(): Promise<void>;
}

/** Every check name the kit can register. */
export const CONTRACT_CHECKS = { ...LIFECYCLE_CHECKS, ...SAFETY_CHECKS } as const;

/**
 * The checks that apply to `type` with these cases, in order. Those that need a case the
 * author left out (`update`, `replace`, `hang`, secrets) or external state (idempotency, for
 * a stateless type) are not included.
 * @throws InvalidOptionsError on malformed cases, InvalidOptionsError("type") on a non-type.
 */
export function resourceTypeContractChecks(type: AnyResourceType, cases: ResourceTypeContractCases): ContractCheck[] {
  if (!isResourceType(type)) throw new InvalidOptionsError("type", "not a resource type; build it with defineResourceType({...})");
  const resolved: ResolvedCases = resolveCases(type, cases);
  const checks: ContractCheck[] = [];
  const add = (name: string, run: (t: AnyResourceType, r: ResolvedCases) => Promise<void>): void => {
    checks.push({ name, run: () => run(type, resolved) });
  };
  add(CONTRACT_CHECKS.createRead, checkCreateRead);
  add(CONTRACT_CHECKS.deleteMissing, checkDeleteMissing);
  if (cases.update !== undefined) add(CONTRACT_CHECKS.update, checkUpdateInPlace);
  if (cases.replace !== undefined) add(CONTRACT_CHECKS.replace, checkReplace);
  if (resolved.exists !== "stateless") add(CONTRACT_CHECKS.idempotentCreate, checkIdempotentCreate);
  if (cases.hang !== undefined) add(CONTRACT_CHECKS.abort, checkAbort);
  if (resolved.secrets.length > 0) add(CONTRACT_CHECKS.secrets, checkSecrets);
  return checks;
}

function globalRegistrar(): ContractRegistrar {
  const g = globalThis as { describe?: unknown; it?: unknown };
  if (typeof g.describe !== "function" || typeof g.it !== "function") {
    throw new InvalidOptionsError(
      "registrar",
      'no global describe/it: pass them, e.g. import { describe, it } from "vitest"; runResourceTypeContract(type, cases, { describe, it })',
    );
  }
  return { describe: g.describe as ContractRegistrar["describe"], it: g.it as ContractRegistrar["it"] };
}

/**
 * Register the contract checks of `type` as tests: one `describe` named after the type, one
 * `it` per applicable check (see {@link resourceTypeContractChecks}).
 * @param registrar the framework's `{ describe, it }`; default: the global ones.
 * @throws InvalidOptionsError on malformed cases, or when no registrar is given or global.
 */
export function runResourceTypeContract(type: AnyResourceType, cases: ResourceTypeContractCases, registrar?: ContractRegistrar): void {
  const { describe, it } = registrar ?? globalRegistrar();
  const checks = resourceTypeContractChecks(type, cases);
  const timeout = resolveCases(type, cases).timeoutMs;
  describe(`resource type ${type.type} (contract)`, () => {
    for (const check of checks) it(check.name, () => check.run(), timeout);
  });
}
