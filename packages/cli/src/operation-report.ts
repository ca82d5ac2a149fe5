/**
 * How an operation command reports: for people (the plan as a table and a summary line, the
 * outcome with what failed and why, the outputs) or, with `--json`, as NDJSON lines on stdout
 * (see `render/json-lines.ts`). Both build the same {@link OperationResult}.
 */
import type { Engine } from "@converge/core";
import type { Stop } from "./confirm.js";
import type { CommandContext } from "./context.js";
import { EXIT } from "./exit-codes.js";
import type { FailureNote, FollowResult } from "./follow.js";
import { outputText, readOutputs } from "./outputs.js";
import type { Plan } from "./plan.js";
import { planSummary } from "./plan.js";
import { formatDuration } from "./render/format.js";
import type { OperationResult, Outcome } from "./render/json-lines.js";
import { planLine, resultLine } from "./render/json-lines.js";
import { planTable } from "./render/plan-table.js";
import type { Session } from "./session-types.js";

/** Reports one operation. */
export interface OperationReporter {
  /** The plan, before it is confirmed. */
  plan(plan: Plan): void;
  /** The end: print it; resolves with the exit status. */
  result(result: OperationResult, extra?: { finish?: (engine: Engine) => Promise<number>; engine?: Engine }): Promise<number>;
}

/** Outputs of the stack for the result (none when it is gone). */
export async function resultOutputs(session: Session, name: string, gone: boolean): Promise<Pick<OperationResult, "outputs" | "pendingOutputs">> {
  if (gone) return { outputs: {}, pendingOutputs: [] };
  const outputs = await readOutputs(session, name);
  return { outputs: outputs.values, pendingOutputs: outputs.pending };
}

/** The failures to report: the original cause of a rolled-back stack first. */
export function orderedFailures(failures: readonly FailureNote[]): FailureNote[] {
  const resources = failures.filter((f) => f.resource !== null);
  const stack = failures.filter((f) => f.resource === null);
  return [...resources, ...stack.filter((f) => !f.state.startsWith("ROLLBACK")), ...stack.filter((f) => f.state.startsWith("ROLLBACK"))];
}

/** The outcome of a followed operation. */
export function followOutcome(result: FollowResult, succeeded: boolean): Outcome {
  return result.interrupted ? "interrupted" : succeeded ? "succeeded" : "failed";
}

/** A stop before the start, as a result. */
export function stopResult(command: string, stack: string, stop: Stop, state: string | null, elapsedMs: number, outputs: Pick<OperationResult, "outputs" | "pendingOutputs">): OperationResult {
  return { command, stack, outcome: stop.outcome, state, reason: stop.message, ...outputs, failures: [], elapsedMs, exitCode: stop.code };
}

/** The NDJSON reporter. */
export function jsonReporter(ctx: CommandContext): OperationReporter {
  return {
    plan: (plan) => ctx.print(planLine(plan)),
    async result(result) {
      if (result.outcome === "not_confirmed") ctx.warn(result.reason);
      ctx.print(resultLine(result));
      return result.exitCode;
    },
  };
}

/** The reporter for people. */
export function humanReporter(ctx: CommandContext): OperationReporter {
  const p = ctx.palette;
  return {
    plan(plan) {
      const changing = plan.resources.filter((r) => r.action !== "no_change");
      if (changing.length > 0) for (const line of planTable(changing, p)) ctx.print(line);
      if (plan.note !== null && changing.length === 0) ctx.print(p.dim(`(${plan.note})`));
      if (plan.changes) ctx.print(`${p.bold("Plan:")} ${planSummary(plan)}.`);
    },
    async result(result, extra = {}) {
      const state = result.state ?? "DELETE_COMPLETE";
      const elapsed = formatDuration(result.elapsedMs);
      switch (result.outcome) {
        case "no_changes":
          ctx.print(result.reason);
          printOutputs(ctx, result);
          return result.exitCode;
        case "not_confirmed":
          ctx.warn(ctx.errPalette.yellow(result.reason));
          return result.exitCode;
        case "started":
          ctx.print(result.reason);
          return result.exitCode;
        case "interrupted":
          ctx.warn(ctx.errPalette.yellow(`interrupted: stack ${result.stack} is still ${state}`));
          ctx.warn(result.reason);
          return result.exitCode;
        case "succeeded":
          ctx.print(`${p.green("✔")} stack ${p.bold(result.stack)} ${p.green(state)} in ${elapsed}`);
          if (extra.finish !== undefined && extra.engine !== undefined) return extra.finish(extra.engine);
          printOutputs(ctx, result);
          return result.exitCode;
        default:
          printFailure(ctx, result, state, elapsed);
          return result.exitCode;
      }
    },
  };
}

function printOutputs(ctx: CommandContext, result: OperationResult): void {
  const names = Object.keys(result.outputs);
  if (names.length === 0) return;
  ctx.print("outputs:");
  for (const name of names) ctx.print(`  ${name}: ${outputText({ values: result.outputs, pending: result.pendingOutputs }, name)}`);
}

function printFailure(ctx: CommandContext, result: OperationResult, state: string, elapsed: string): void {
  const p = ctx.errPalette;
  // A failed create/update that rolled back: name the failure, not "rollback completed".
  const cause = result.failures.find((f) => f.resource === null && !f.state.startsWith("ROLLBACK"));
  const rolledBack = state.startsWith("ROLLBACK_") && cause !== undefined;
  const outcome = rolledBack ? `${p.red(cause.state)}, rolled back (${state})` : p.red(state);
  ctx.warn(`${p.red("✘")} stack ${p.bold(result.stack)} ${outcome} after ${elapsed}: ${rolledBack ? cause.reason : result.reason}`);
  const resources = result.failures.filter((f) => f.resource !== null);
  if (resources.length > 0) {
    ctx.warn("failed resources:");
    const width = Math.max(...resources.map((f) => (f.resource ?? "").length));
    for (const f of resources) ctx.warn(`  ${(f.resource ?? "").padEnd(width)}  ${p.red(f.state)}  ${f.reason}`);
  } else {
    for (const f of result.failures) ctx.warn(`  ${p.red(f.state)}  ${f.reason}`);
  }
}

/** The exit status of a followed operation. */
export function followExit(outcome: Outcome): number {
  return outcome === "succeeded" ? EXIT.OK : outcome === "interrupted" ? EXIT.INTERRUPTED : EXIT.FAILED;
}
