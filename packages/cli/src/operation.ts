/**
 * Running a stack operation (apply, delete, cancel, rollback) the same way: open a session,
 * start the traversal, follow it to its end with the live view, print the outcome, and map it
 * to the exit code - 0 when it ended as wanted, 1 when not (with what failed and why), 130
 * when following was interrupted.
 */
import type { AnyResourceType, Engine, StackInfo } from "@converge/core";
import type { CommandContext } from "./context.js";
import { withSession } from "./context.js";
import type { FollowResult } from "./follow.js";
import { followStack, lastEventSeq } from "./follow.js";
import { formatDuration, formatValue } from "./render/format.js";
import type { OperationView } from "./render/live-view.js";
import { plainView, terminalView } from "./render/live-view.js";
import type { Session } from "./session-types.js";
import { EXIT } from "./exit-codes.js";

/** One operation. */
export interface OperationSpec {
  /** Verb for messages (`apply`, `delete`, …). */
  readonly verb: string;
  /** The stack. */
  readonly stackName: string;
  /** Return once the traversal started. */
  readonly noWait: boolean;
  /** Start the traversal; resolves with the stack as it is right after the start. */
  start(engine: Engine, session: Session): Promise<StackInfo>;
  /** Whether the final state is what the operation wanted. */
  succeeded(result: FollowResult): boolean;
  /** After a success: print the result instead of the outputs; returns the exit status. */
  finish?(engine: Engine): Promise<number>;
}

/** The live view for stdout: redrawn on a terminal, plain lines otherwise. */
export function operationView(ctx: CommandContext, title: string): OperationView {
  const options = { out: ctx.io.stdout, palette: ctx.palette, title };
  return ctx.io.stdout.isTTY === true && ctx.io.env.TERM !== "dumb" ? terminalView(options) : plainView(options);
}

/** Run an operation; returns the exit code. */
export async function runOperation(ctx: CommandContext, spec: OperationSpec, types?: readonly AnyResourceType[]): Promise<number> {
  return withSession(
    ctx,
    spec.noWait ? "start" : "drive",
    async (session) => {
    const store = session.runtime.store;
    const existing = await store.findStackId(spec.stackName);
    const after = existing === null ? null : await lastEventSeq(store, existing);
    const started = Date.now();
    const info = await spec.start(session.engine, session);
    if (spec.noWait) {
      ctx.print(`${spec.verb}: stack ${spec.stackName} is ${ctx.palette.yellow(info.state)} (traversal ${info.traversalId}); not waiting`);
      if (session.kind === "memory") ctx.print(ctx.palette.dim(`the next converge command that waits on ${session.where} carries it on`));
      return EXIT.OK;
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
        view,
        signal: ctx.signal,
        refreshMs: ctx.io.stdout.isTTY === true ? 200 : 1000,
        ...(session.kind === "redis" ? { quiet: workerHint(session, info.id) } : {}),
      });
    } finally {
      ctx.setNoticeSink(null);
    }
    const elapsed = formatDuration(Date.now() - started);
    const state = result.progress.stack === null ? "DELETE_COMPLETE" : `${result.progress.stack.action}_${result.progress.stack.status}`;
    if (result.interrupted) {
      ctx.warn(ctx.errPalette.yellow(`interrupted: stack ${spec.stackName} is still ${state}`));
      ctx.warn(
        session.kind === "memory"
          ? `its state is saved in ${session.where}; a later apply, delete, cancel or \`converge events ${spec.stackName} --follow\` carries it on`
          : "the workers carry on; follow it with `converge events " + spec.stackName + " --follow`",
      );
      return EXIT.INTERRUPTED;
    }
    const reason = result.progress.stack?.statusReason ?? "Stack deleted";
    if (spec.succeeded(result)) {
      ctx.print(`${ctx.palette.green("✔")} stack ${ctx.palette.bold(spec.stackName)} ${ctx.palette.green(state)} in ${elapsed}`);
      if (spec.finish !== undefined) return spec.finish(session.engine);
      if (result.progress.stack !== null) await printOutputs(ctx, session.engine, spec.stackName);
      return EXIT.OK;
    }
    const p = ctx.errPalette;
    // A failed create/update that rolled back: name the failure, not "rollback completed".
    const cause = result.failures.find((f) => f.resource === null && !f.state.startsWith("ROLLBACK"));
    const rolledBack = result.progress.stack?.action === "ROLLBACK" && cause !== undefined;
    const outcome = rolledBack ? `${p.red(cause.state)}, rolled back (${state})` : p.red(state);
    ctx.warn(`${p.red("✘")} stack ${p.bold(spec.stackName)} ${outcome} after ${elapsed}: ${rolledBack ? cause.reason : reason}`);
    const resources = result.failures.filter((f) => f.resource !== null);
    if (resources.length > 0) {
      ctx.warn("failed resources:");
      const width = Math.max(...resources.map((f) => (f.resource ?? "").length));
      for (const f of resources) ctx.warn(`  ${(f.resource ?? "").padEnd(width)}  ${p.red(f.state)}  ${f.reason}`);
    } else {
      for (const f of result.failures) ctx.warn(`  ${p.red(f.state)}  ${f.reason}`);
    }
    return EXIT.FAILED;
    },
    types,
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

async function printOutputs(ctx: CommandContext, engine: Engine, name: string): Promise<void> {
  const outputs = Object.entries((await engine.getStack(name)).outputs);
  if (outputs.length === 0) return;
  ctx.print("outputs:");
  for (const [key, value] of outputs) ctx.print(`  ${key}: ${formatValue(value)}`);
}
