/**
 * The live view of an operation being followed.
 *
 * - On a terminal: a frame redrawn in place (ANSI) - a title with the stack state and elapsed
 *   time, a progress bar (done/total), and one row per resource with its state:
 *
 *   ```
 *   ⠹ apply site  UPDATE_IN_PROGRESS  3.2s
 *   [██████████░░░░░░░░░░] 3/6
 *     ✔ db     OS::Heat::TestResource  UPDATE_COMPLETE     site-db-x1y2
 *     ⠹ app    OS::Heat::TestResource  CREATE_IN_PROGRESS
 *   ```
 *
 * - Otherwise (a pipe, a CI log, the tests): one line per event, prefixed with `[done/total]`.
 */
import type { StackEvent } from "@converge/core";
import type { OutputStream } from "../io.js";
import { formatEvent } from "./event-line.js";
import type { Palette } from "./format.js";
import { colorState, formatDuration, pad, stateTone, truncate, visibleWidth } from "./format.js";
import type { Progress, ResourceLine } from "./progress.js";

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
  /** Clock for the elapsed time. @default Date.now */
  readonly now?: () => number;
}

/** The one-line-per-event view. */
export function plainView(options: ViewOptions): OperationView {
  const p = options.palette;
  return {
    events(events, progress) {
      for (const event of events) options.out.write(`${formatEvent(event, p, { time: "clock", prefix: p.dim(`[${progress.done}/${progress.total}]`) })}\n`);
    },
    update: () => undefined,
    notice(text) {
      options.out.write(`${text}\n`);
    },
    finish: () => undefined,
  };
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const BAR_WIDTH = 24;

/** Build the frame (pure: tested without a terminal). */
export function renderFrame(progress: Progress, options: { palette: Palette; title: string; elapsedMs: number; tick: number; columns: number; maxLines: number }): string[] {
  const p = options.palette;
  const spin = SPINNER[options.tick % SPINNER.length] ?? "*";
  const stackState = progress.stack === null ? "DELETE_COMPLETE" : `${progress.stack.action}_${progress.stack.status}`;
  const settled = progress.stack === null || progress.stack.status !== "IN_PROGRESS";
  const mark = settled ? (stateTone(stackState) === "failed" ? p.red("✘") : p.green("✔")) : p.cyan(spin);
  const title = `${mark} ${p.bold(options.title)}  ${colorState(p, stackState)}  ${p.dim(formatDuration(options.elapsedMs))}`;
  const filled = progress.total === 0 ? BAR_WIDTH : Math.round((progress.done / progress.total) * BAR_WIDTH);
  const bar = `[${p.green("█".repeat(filled))}${p.dim("░".repeat(BAR_WIDTH - filled))}] ${progress.done}/${progress.total}`;
  const room = Math.max(1, options.maxLines - 2);
  let shown: readonly ResourceLine[] = progress.lines;
  let hidden = 0;
  if (shown.length > room) {
    // Keep what is happening; drop finished names first.
    const busy = shown.filter((l) => !l.done);
    const keep = new Set([...busy, ...shown.filter((l) => l.done)].slice(0, room - 1));
    hidden = shown.length - keep.size;
    shown = shown.filter((l) => keep.has(l));
  }
  const nameWidth = Math.min(24, Math.max(4, ...shown.map((l) => visibleWidth(l.name))));
  const typeWidth = Math.min(28, Math.max(4, ...shown.map((l) => visibleWidth(l.type))));
  const rows = shown.map((line) => {
    const tone = stateTone(line.state);
    const icon = line.done ? p.green("✔") : tone === "failed" ? p.red("✘") : tone === "working" ? p.yellow(spin) : p.dim("·");
    const detail = tone === "failed" ? line.reason : line.others > 0 ? `replacing (${line.others} old)` : (line.physicalId ?? "");
    const fixed = `  ${icon} ${pad(truncate(line.name, nameWidth), nameWidth)}  ${pad(p.dim(truncate(line.type, typeWidth)), typeWidth)}  ${pad(colorState(p, line.state), 20)}  `;
    const left = Math.max(0, options.columns - visibleWidth(fixed) - 1);
    const text = truncate(detail, left);
    return `${fixed}${tone === "failed" ? p.red(text) : p.dim(text)}`.trimEnd();
  });
  if (hidden > 0) rows.push(p.dim(`  … ${hidden} more`));
  return [title, bar, ...rows];
}

/** The redrawn terminal view. */
export function terminalView(options: ViewOptions): OperationView {
  const now = options.now ?? Date.now;
  const started = now();
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
    const lines = renderFrame(progress, {
      palette: options.palette,
      title: options.title,
      elapsedMs: now() - started,
      tick: tick++,
      columns: out.columns !== undefined && out.columns > 0 ? out.columns : 100,
      maxLines: Math.max(4, (out.rows !== undefined && out.rows > 0 ? out.rows : 24) - 2),
    });
    erase();
    out.write(`${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  out.write("\x1b[?25l");
  return {
    events: (_events, progress) => draw(progress),
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
