/**
 * The views of an operation being followed.
 *
 * - On a terminal: a frame redrawn in place (ANSI), see `frame.ts`.
 * - Otherwise (a pipe, a CI log, the tests): one line per event, prefixed with `[done/total]`,
 *   a completion line ending with the time its action took, and a heartbeat line for each
 *   resource still at work every 10 s, so a long create does not look hung:
 *
 *   ```
 *   12:00:01  [0/2]  web   CREATE_IN_PROGRESS  state changed
 *   web: still creating (10s elapsed)
 *   12:00:14  [1/2]  web   CREATE_COMPLETE     state changed (site-web-x1y2)  13.2s
 *   ```
 *
 * - With `--json`: one JSON object per event line (see `json-lines.ts`).
 */
import type { StackEvent } from "@converge/core";
import type { OutputStream } from "../io.js";
import { formatEvent } from "./event-line.js";
import type { Palette } from "./format.js";
import { formatDuration } from "./format.js";
import { renderFrame } from "./frame.js";
import { eventLine } from "./json-lines.js";
import type { Progress } from "./progress.js";
import { ResourceTimer } from "./resource-timer.js";

export { renderFrame } from "./frame.js";

/** What the follow loop tells a view. */
export interface OperationView {
  /** New events, with the progress read after them. */
  events(events: readonly StackEvent[], progress: Progress): void;
  /** A progress reading (also called when nothing happened, so time moves on). */
  update(progress: Progress): void;
  /** A message to print above the view (warnings). */
  notice(text: string): void;
  /** The operation ended (or following stopped): leave the last frame in place. */
  finish(progress: Progress): void;
}

/** Options of the views. */
export interface ViewOptions {
  /** Where to write. */
  readonly out: OutputStream;
  /** Colours. */
  readonly palette: Palette;
  /** Title, e.g. `apply site`. */
  readonly title: string;
  /** Clock for elapsed times and heartbeats. @default Date.now */
  readonly now?: () => number;
  /** Plain view: a heartbeat line per resource at work this often, ms. @default 10000 */
  readonly heartbeatMs?: number;
}

/** Default interval of the plain view's heartbeat lines. */
export const HEARTBEAT_MS = 10_000;

/** A duration in whole seconds for a heartbeat: `10s`, `1m10s`. */
export function heartbeatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

/** The one-line-per-event view, with elapsed times and heartbeats. */
export function plainView(options: ViewOptions): OperationView {
  const p = options.palette;
  const now = options.now ?? Date.now;
  const interval = options.heartbeatMs ?? HEARTBEAT_MS;
  const timer = new ResourceTimer();
  const beat = (progress: Progress): void => {
    if (progress.stack === null || progress.stack.status !== "IN_PROGRESS") return timer.stopAll();
    for (const due of timer.due(now(), interval)) options.out.write(`${due.name}: still ${due.doing} (${heartbeatDuration(due.elapsedMs)} elapsed)\n`);
  };
  return {
    events(events, progress) {
      const took = timer.observe(events);
      events.forEach((event, i) => {
        const ms = took[i];
        const line = formatEvent(event, p, { time: "clock", prefix: p.dim(`[${progress.done}/${progress.total}]`) });
        options.out.write(`${line}${ms === null || ms === undefined ? "" : `  ${p.dim(formatDuration(ms))}`}\n`);
      });
      beat(progress);
    },
    update: beat,
    notice(text) {
      options.out.write(`${text}\n`);
    },
    finish: () => undefined,
  };
}

/** The NDJSON view: one `{"type":"event",…}` line per event; notices go to `err`. */
export function jsonView(out: OutputStream, err: OutputStream): OperationView {
  return {
    events(events) {
      for (const event of events) out.write(`${eventLine(event)}\n`);
    },
    update: () => undefined,
    notice(text) {
      err.write(`${text}\n`);
    },
    finish: () => undefined,
  };
}

/** The redrawn terminal view. */
export function terminalView(options: ViewOptions): OperationView {
  const now = options.now ?? Date.now;
  const started = now();
  const timer = new ResourceTimer();
  let drawn = 0;
  let tick = 0;
  let last: Progress | null = null;
  const out = options.out;
  const erase = (): void => {
    if (drawn > 0) out.write(`\x1b[${drawn}F\x1b[J`);
    drawn = 0;
  };
  const draw = (progress: Progress): void => {
    last = progress;
    if (progress.stack === null || progress.stack.status !== "IN_PROGRESS") timer.stopAll();
    const at = now();
    const lines = renderFrame(progress, {
      palette: options.palette,
      title: options.title,
      elapsedMs: at - started,
      tick: tick++,
      columns: out.columns !== undefined && out.columns > 0 ? out.columns : 100,
      maxLines: Math.max(4, (out.rows !== undefined && out.rows > 0 ? out.rows : 24) - 2),
      elapsedOf: (name) => timer.runningFor(name, at) ?? timer.tookFor(name),
    });
    erase();
    out.write(`${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  out.write("\x1b[?25l");
  return {
    events(events, progress) {
      timer.observe(events);
      draw(progress);
    },
    update: draw,
    notice(text) {
      erase();
      out.write(`${text}\n`);
      if (last !== null) draw(last);
    },
    finish(progress) {
      draw(progress);
      out.write("\x1b[?25h");
    },
  };
}
