/**
 * `converge events NAME [--follow]`: the stack's events; with `--follow`, new ones as they
 * happen until the stack settles (or Ctrl-C).
 *
 * On the memory runtime, following either drives the stack itself (when no other process holds
 * the state file, this process resumes a traversal left in progress) or, while another
 * process (an `apply`) drives it, tails the state file that process keeps saving.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { StackNotFoundError, splitStackName } from "@converge/core";
import type { StackEvent } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, flag, parsePositiveInt, stringOption } from "../args.js";
import type { Command } from "../command.js";
import type { CommandContext } from "../context.js";
import { commandTypes, runtimeChoice, withSession } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { followStack } from "../follow.js";
import { eventJson, formatEvent } from "../render/event-line.js";
import type { OperationView } from "../render/live-view.js";
import type { Session } from "../session-types.js";
import { readState } from "../state/journal-file.js";
import { StateLockedError, isStateLocked } from "../state/state-lock.js";

/** `converge events`. */
export const eventsCommand: Command = {
  spec: {
    name: "events",
    summary: "Print a stack's events; --follow keeps printing until the stack settles",
    usage: "events NAME[/PATH] [--follow] [--json] [--last N] [options]",
    description: [
      "One line per stack or resource state change: time, name, state, reason (and physical id).",
      "With --follow, waits for new events until the stack is no longer IN_PROGRESS, or Ctrl-C. On the memory runtime a",
      "traversal left in progress by an interrupted command is carried on by this process while it follows.",
      "NAME/PATH (site/app) prints only the events of that nested stack's resources.",
    ].join("\n"),
    positionals: ["NAME"],
    options: {
      follow: { type: "boolean", short: "f", help: "Keep following until the stack settles." },
      json: { type: "boolean", help: "One JSON object per line." },
      last: { type: "string", value: "N", help: "Only the last N events already recorded." },
      ...TYPES_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: ["converge events site", "converge events site --follow"],
  },
  async run(ctx) {
    const [given] = ctx.args.positionals as [string];
    // NAME/PATH: the events of one nested stack's resources.
    const { stack: name, path } = splitStackName(given);
    const within = (event: StackEvent): boolean => path === null || (event.resourceName ?? "").startsWith(`${path}/`);
    const print = (event: StackEvent): void => {
      if (within(event)) ctx.print(flag(ctx.args, "json") ? eventJson(event) : formatEvent(event, ctx.palette));
    };
    const lastText = stringOption(ctx.args, "last");
    const last = lastText === undefined ? undefined : parsePositiveInt("--last", lastText);
    const follow = flag(ctx.args, "follow");
    const choice = runtimeChoice(ctx);
    const types = await commandTypes(ctx);
    const printed = { seq: null as string | null };
    const printHistory = async (session: Session): Promise<string> => {
      const stackId = await session.runtime.store.findStackId(name);
      if (stackId === null) throw new StackNotFoundError(name);
      const all = await readAll(session, stackId, printed.seq);
      const history = path === null ? all : all.filter(within);
      for (const event of last === undefined || printed.seq !== null ? history : history.slice(-last)) print(event);
      printed.seq = all[all.length - 1]?.seq ?? printed.seq;
      return stackId;
    };
    const followWith = async (session: Session): Promise<number> => {
      const stackId = await printHistory(session);
      if (!follow) return EXIT.OK;
      const result = await followStack({ store: session.runtime.store, stackId, stackName: name, after: printed.seq, view: printingView(print), signal: ctx.signal, refreshMs: 1000 });
      return result.interrupted ? EXIT.INTERRUPTED : EXIT.OK;
    };
    if (!follow || choice.kind === "redis") return withSession(ctx, "read", followWith, types);
    for (;;) {
      try {
        return await withSession(ctx, "drive", followWith, types);
      } catch (error) {
        if (!(error instanceof StateLockedError)) throw error;
      }
      const outcome = await tailStateFile(ctx, choice.statePath, name, printed, print, last, within);
      if (outcome !== "unlocked") return outcome === "aborted" ? EXIT.INTERRUPTED : EXIT.OK;
    }
  },
};

async function readAll(session: Session, stackId: string, after: string | null): Promise<StackEvent[]> {
  const out: StackEvent[] = [];
  let from = after;
  for (;;) {
    const batch = await session.runtime.store.readEvents(stackId, from, { limit: 10_000 });
    out.push(...batch);
    const end = batch[batch.length - 1];
    if (end === undefined) return out;
    from = end.seq;
  }
}

/** A view that prints each event, for `followStack`. */
function printingView(print: (event: StackEvent) => void): OperationView {
  return { events: (events) => events.forEach(print), update: () => undefined, notice: () => undefined, finish: () => undefined };
}

/**
 * Print new events from the state file that another process keeps saving, until the stack
 * settles ("settled"), the other process lets go of the file ("unlocked"), or Ctrl-C.
 */
async function tailStateFile(
  ctx: CommandContext,
  statePath: string,
  name: string,
  printed: { seq: string | null },
  print: (event: StackEvent) => void,
  last: number | undefined,
  within: (event: StackEvent) => boolean,
): Promise<"settled" | "unlocked" | "aborted"> {
  let stackId: string | null = null;
  while (!ctx.signal.aborted) {
    const { state } = readState(statePath);
    const entry = state?.stacks.find((s) => (stackId === null ? s.stack.name === name : s.stack.id === stackId));
    stackId ??= entry?.stack.id ?? null;
    if (stackId === null) throw new StackNotFoundError(name);
    const all = (state?.events.streams[stackId] ?? []).filter(within);
    const stream = printed.seq === null && last !== undefined ? all.slice(-last) : all;
    for (const event of stream) {
      if (printed.seq === null || Number(event.seq) > Number(printed.seq)) {
        print(event);
        printed.seq = event.seq;
      }
    }
    if (entry === undefined || entry.stack.status !== "IN_PROGRESS") return "settled";
    if (!isStateLocked(statePath)) return "unlocked";
    await sleep(250, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  return "aborted";
}
