/**
 * Running a stack operation (apply, delete, cancel, rollback, …) the same way: open a session,
 * show the plan and have it confirmed (apply, delete), start the traversal, follow it to its
 * end with the live view (or NDJSON with `--json`), report the outcome, and map it to the exit
 * code - 0 when it ended as wanted (or nothing had to change), 1 when not (with what failed and
 * why), 3 when the plan was not confirmed, 130 when following was interrupted.
 */
import type { AnyResourceType, Engine, StackInfo } from "@converge/core";
import { flag } from "./args.js";
import { confirmPlan } from "./confirm.js";
import type { CommandContext } from "./context.js";
import { withSession } from "./context.js";
import { EXIT } from "./exit-codes.js";
import type { FollowResult } from "./follow.js";
import { followStack, lastEventSeq } from "./follow.js";
import type { OperationReporter } from "./operation-report.js";
import { followExit, followOutcome, humanReporter, jsonReporter, orderedFailures, resultOutputs, stopResult } from "./operation-report.js";
import type { Plan } from "./plan.js";
import type { OperationView } from "./render/live-view.js";
import { jsonView, plainView, terminalView } from "./render/live-view.js";
import type { Session } from "./session-types.js";

/** One operation. */
export interface OperationSpec {
  /** Verb for messages (`apply`, `delete`, …). */
  readonly verb: string;
  /** The stack. */
  readonly stackName: string;
  /** Return once the traversal started. */
  readonly noWait: boolean;
  /** What the operation will do, shown and confirmed before it starts (apply, delete). */
  plan?(session: Session): Promise<Plan>;
  /** Start the traversal; resolves with the stack as it is right after the start. */
  start(engine: Engine, session: Session): Promise<StackInfo>;
  /** Whether the final state is what the operation wanted. */
  succeeded(result: FollowResult): boolean;
  /** After a success: print the result instead of the outputs; returns the exit status. */
  finish?(engine: Engine): Promise<number>;
}

/** The live view for stdout: redrawn on a terminal, plain lines otherwise, NDJSON with `--json`. */
export function operationView(ctx: CommandContext, title: string): OperationView {
  if (flag(ctx.args, "json")) return jsonView(ctx.io.stdout, ctx.io.stderr);
  const options = { out: ctx.io.stdout, palette: ctx.palette, title };
  return ctx.io.stdout.isTTY === true && ctx.io.env.TERM !== "dumb" ? terminalView(options) : plainView(options);
}

/** Run an operation; returns the exit code. */
export async function runOperation(ctx: CommandContext, spec: OperationSpec, types?: readonly AnyResourceType[]): Promise<number> {
  const report = flag(ctx.args, "json") ? jsonReporter(ctx) : humanReporter(ctx);
  const started = Date.now();
  return withSession(ctx, spec.noWait ? "start" : "drive", (session) => operate(ctx, spec, session, report, started), types);
}

async function operate(ctx: CommandContext, spec: OperationSpec, session: Session, report: OperationReporter, started: number): Promise<number> {
  const store = session.runtime.store;
  if (spec.plan !== undefined) {
    const plan = await spec.plan(session);
    report.plan(plan);
    const stop = await confirmPlan(ctx, plan, spec.verb);
    if (stop !== null) {
      const state = plan.exists ? (await session.engine.getStack(spec.stackName)).state : null;
      const outputs = stop.outcome === "no_changes" ? await resultOutputs(session, spec.stackName, false) : { outputs: {}, pendingOutputs: [] };
      return report.result(stopResult(spec.verb, spec.stackName, stop, state, Date.now() - started, outputs));
    }
  }
  const existing = await store.findStackId(spec.stackName);
  const after = existing === null ? null : await lastEventSeq(store, existing);
  const rowStates = new Map(existing === null || spec.noWait ? [] : (await store.loadRows(existing)).map((r) => [r.id, `${r.action}_${r.status}`] as const));
  const begun = Date.now();
  const info = await spec.start(session.engine, session);
  if (spec.noWait) {
    const hint = session.kind === "memory" ? `; the next converge command that waits on ${session.where} carries it on` : "";
    const reason = `${spec.verb}: stack ${spec.stackName} is ${info.state} (traversal ${info.traversalId}); not waiting${hint}`;
    return report.result({ command: spec.verb, stack: spec.stackName, outcome: "started", state: info.state, reason, outputs: {}, pendingOutputs: [], failures: [], elapsedMs: Date.now() - started, exitCode: EXIT.OK });
  }
  const view = operationView(ctx, `${spec.verb} ${spec.stackName}`);
  ctx.setNoticeSink((text) => view.notice(text));
  let result: FollowResult;
  try {
    result = await followStack({
      store,
      stackId: info.id,
      stackName: spec.stackName,
      after,
      rowStates,
      view,
      signal: ctx.signal,
      refreshMs: ctx.io.stdout.isTTY === true ? 200 : 1000,
      ...(session.kind === "redis" ? { quiet: workerHint(session, info.id) } : {}),
    });
  } finally {
    ctx.setNoticeSink(null);
  }
  const stack = result.progress.stack;
  const outcome = followOutcome(result, spec.succeeded(result));
  const reason =
    outcome === "interrupted"
      ? session.kind === "memory"
        ? `its state is saved in ${session.where}; a later apply, delete, cancel or \`converge events ${spec.stackName} --follow\` carries it on`
        : `the workers carry on; follow it with \`converge events ${spec.stackName} --follow\``
      : (stack?.statusReason ?? "Stack deleted");
  return report.result(
    {
      command: spec.verb,
      stack: spec.stackName,
      outcome,
      state: stack === null ? null : `${stack.action}_${stack.status}`,
      reason,
      ...(await resultOutputs(session, spec.stackName, stack === null)),
      failures: orderedFailures(result.failures),
      elapsedMs: Date.now() - begun,
      exitCode: followExit(outcome),
    },
    { engine: session.engine, ...(spec.finish === undefined ? {} : { finish: spec.finish }) },
  );
}

/** On Redis: say so when checks wait in the queue and no worker takes them. */
function workerHint(session: Session, stackId: string): { afterMs: number; check(): Promise<string | null> } {
  return {
    afterMs: 10_000,
    async check() {
      const activity = await session.runtime.activity(stackId);
      return activity.queued > 0 && activity.running === 0
        ? `warning: checks are queued on ${session.where} but none is running; is a worker up? (converge worker --redis URL)`
        : null;
    },
  };
}
