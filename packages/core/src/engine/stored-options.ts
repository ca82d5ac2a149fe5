/**
 * Stack options as the stack record keeps them (hidden parameter values sealed, the
 * environment in its stored form), and the reconcile policy a start schedules.
 */
import type { StackOptions } from "../model/types.js";
import { scheduleReconcile } from "../protocol/reconcile.js";
import type { TraversalEnv } from "../protocol/start-traversal.js";
import { sealParameters } from "../secrets/template-secrets.js";
import type { EnvironmentInput } from "../template/compose/environment.js";
import type { CompiledTemplate } from "../template/types.js";
import type { StackOperationOptions } from "./options.js";
import type { StackInfo } from "./stack-view.js";
import { storedEnvironment } from "./stored-environment.js";

/** Options as the stack record stores them: the template's hidden parameter values sealed. */
export function storedOptions(options: StackOptions, compiled: CompiledTemplate): StackOptions {
  const withEnvironment = options.environment === undefined ? options : { ...options, environment: storedEnvironment(options.environment as EnvironmentInput) };
  return compiled.secrets === undefined ? withEnvironment : { ...withEnvironment, parameters: sealParameters(options.parameters, compiled) };
}

/** A stored policy in the form of the options (what `updateStack` keeps when not given). */
export function storedReconcile(options: StackOptions): StackOperationOptions["reconcile"] {
  const policy = options.reconcile;
  return policy === undefined || policy === null ? null : { every: policy.everyMs, mode: policy.mode };
}

/** After a start: schedule the stack's reconciliation when its options have a policy. */
export async function withReconcile(env: TraversalEnv, options: StackOptions, started: Promise<StackInfo>): Promise<StackInfo> {
  const stack = await started;
  await scheduleReconcile(env, stack.id, options.reconcile);
  return stack;
}
