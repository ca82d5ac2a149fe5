/**
 * `converge cancel` while another process drives the memory runtime's state file (`apply` in
 * another terminal): the request goes to that process (`state/requests.ts`), which cancels
 * with its engine; this one reports the answer and, unless `--no-wait`, watches the state
 * file until the stack settles (or the other process lets go of it).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { StackRecord } from "@converge/core";
import { StackNotFoundError } from "@converge/core";
import type { CommandContext } from "./context.js";
import { runtimeChoice } from "./context.js";
import { EXIT } from "./exit-codes.js";
import { readState } from "./state/journal-file.js";
import { StateOwnerError, sendRequest } from "./state/requests.js";
import { isStateLocked, stateLockOwner } from "./state/state-lock.js";

/** What the cancel asks for. */
export interface RemoteCancel {
  /** Stack name. */
  readonly stack: string;
  /** Roll back after cancelling. */
  readonly rollback: boolean;
  /** Return once the cancel took effect. */
  readonly noWait: boolean;
  /** Whether the stack's final record is what the cancel wanted. */
  readonly succeeded: (stack: StackRecord | null) => boolean;
}

/**
 * Cancel through the process holding the state file's lock. Returns the exit code, or null
 * when no live process holds it (or it let go before taking the request): cancel locally then.
 * @throws StateOwnerError with the owner's error (e.g. nothing in progress), or when it does not answer.
 */
export async function cancelThroughOwner(ctx: CommandContext, cancel: RemoteCancel): Promise<number | null> {
  const choice = runtimeChoice(ctx);
  if (choice.kind !== "memory" || !isStateLocked(choice.statePath)) return null;
  const owner = stateLockOwner(choice.statePath);
  const who = owner === null ? "the process holding the state file" : `process ${owner.pid} (${owner.command})`;
  ctx.print(`cancel: state file ${choice.statePath} is in use; asking ${who} to cancel stack ${cancel.stack}`);
  const outcome = await sendRequest(choice.statePath, { op: "cancel", stack: cancel.stack, rollback: cancel.rollback }, { signal: ctx.signal });
  if (outcome.kind === "owner-gone") return null;
  const { response } = outcome;
  if (!response.ok) throw new StateOwnerError(response.code, response.message);
  ctx.print(`cancel: ${who} cancelled stack ${cancel.stack}: ${ctx.palette.yellow(response.state)} (traversal ${response.traversalId})`);
  if (cancel.noWait) return EXIT.OK;
  const stack = await watchUntilSettled(ctx, choice.statePath, cancel.stack);
  if (stack === "unlocked") {
    ctx.print(`cancel: ${who} ended before stack ${cancel.stack} settled; a later converge command carries it on`);
    return EXIT.FAILED;
  }
  if (stack === "aborted") return EXIT.INTERRUPTED;
  const state = stack === null ? "DELETE_COMPLETE" : `${stack.action}_${stack.status}`;
  const ok = cancel.succeeded(stack);
  ctx.print(`cancel: stack ${cancel.stack} is ${ok ? ctx.palette.green(state) : ctx.palette.red(state)}${stack?.statusReason ? ` - ${stack.statusReason}` : ""}`);
  return ok ? EXIT.OK : EXIT.FAILED;
}

/** Read the state file until the stack is no longer in progress, the lock is released, or Ctrl-C. */
async function watchUntilSettled(ctx: CommandContext, statePath: string, name: string): Promise<StackRecord | null | "unlocked" | "aborted"> {
  while (!ctx.signal.aborted) {
    const { state } = readState(statePath);
    const entry = state?.stacks.find((s) => s.stack.name === name);
    if (entry === undefined) throw new StackNotFoundError(name);
    if (entry.stack.status !== "IN_PROGRESS") return entry.stack;
    if (!isStateLocked(statePath)) return "unlocked";
    await sleep(250, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  return "aborted";
}
