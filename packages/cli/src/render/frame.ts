/**
 * One frame of the terminal live view (pure: tested without a terminal). Resources are grouped
 * by where they stand - failed, in progress, waiting, done - with the group counts beside the
 * progress bar and the time each one has been at work (or took):
 *
 * ```
 * ⠹ apply site  UPDATE_IN_PROGRESS  3.2s
 * [██████████░░░░░░░░░░░░░░] 2/5  1 in progress · 2 waiting · 2 done
 *   ⠹ app    OS::Heat::TestResource  CREATE_IN_PROGRESS  2.0s
 *   · cache  OS::Heat::TestResource  waiting
 *   · web    OS::Heat::TestResource  waiting
 *   ✔ db     OS::Heat::TestResource  UPDATE_COMPLETE     0.4s  site-db-x1y2
 * ```
 *
 * A resource not reached yet is shown as `waiting` (never as its row's `INIT_COMPLETE`, nor as
 * the `…_COMPLETE` state of an earlier template during an update).
 */
import type { Palette } from "./format.js";
import { colorState, formatDuration, pad, stateTone, truncate, visibleWidth } from "./format.js";
import type { Progress, ResourceLine } from "./progress.js";

/** Where a resource stands in the live view. */
export type LineGroup = "failed" | "in progress" | "waiting" | "done";

const GROUPS: readonly LineGroup[] = ["failed", "in progress", "waiting", "done"];

/** The group of a line. */
export function lineGroup(line: ResourceLine): LineGroup {
  if (line.done) return "done";
  const tone = stateTone(line.state);
  if (tone === "failed") return "failed";
  if (tone === "working") return "in progress";
  return "waiting";
}

/** Options of {@link renderFrame}. */
export interface FrameOptions {
  readonly palette: Palette;
  readonly title: string;
  /** Time since the operation started, ms. */
  readonly elapsedMs: number;
  /** Animation step of the spinner. */
  readonly tick: number;
  /** Terminal width. */
  readonly columns: number;
  /** Lines available. */
  readonly maxLines: number;
  /** Time a resource has been at work, or its last action took (null: unknown). */
  readonly elapsedOf?: (name: string) => number | null;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const BAR_WIDTH = 24;
const STATE_WIDTH = 20;
const TIME_WIDTH = 7;

/** Build the frame: a title, a progress bar with the group counts, one row per resource. */
export function renderFrame(progress: Progress, options: FrameOptions): string[] {
  const p = options.palette;
  const spin = SPINNER[options.tick % SPINNER.length] ?? "*";
  const stackState = progress.stack === null ? "DELETE_COMPLETE" : `${progress.stack.action}_${progress.stack.status}`;
  const settled = progress.stack === null || progress.stack.status !== "IN_PROGRESS";
  const mark = settled ? (stateTone(stackState) === "failed" ? p.red("✘") : p.green("✔")) : p.cyan(spin);
  const title = `${mark} ${p.bold(options.title)}  ${colorState(p, stackState)}  ${p.dim(formatDuration(options.elapsedMs))}`;
  const grouped = GROUPS.map((group) => ({ group, lines: progress.lines.filter((l) => lineGroup(l) === group) }));
  const counts = grouped.filter((g) => g.lines.length > 0).map((g) => `${g.lines.length} ${g.group}`);
  const filled = progress.total === 0 ? BAR_WIDTH : Math.round((progress.done / progress.total) * BAR_WIDTH);
  const bar = `[${p.green("█".repeat(filled))}${p.dim("░".repeat(BAR_WIDTH - filled))}] ${progress.done}/${progress.total}${counts.length === 0 ? "" : `  ${p.dim(counts.join(" · "))}`}`;
  const ordered = grouped.flatMap((g) => g.lines);
  const room = Math.max(1, options.maxLines - 2);
  // Failed and busy rows come first: cutting the end drops finished names first.
  const shown = ordered.length > room ? ordered.slice(0, room - 1) : ordered;
  const hidden = ordered.length - shown.length;
  const nameWidth = Math.min(24, Math.max(4, ...shown.map((l) => visibleWidth(l.name))));
  const typeWidth = Math.min(28, Math.max(4, ...shown.map((l) => visibleWidth(l.type))));
  const rows = shown.map((line) => renderRow(line, { ...options, spin, nameWidth, typeWidth }));
  if (hidden > 0) rows.push(p.dim(`  … ${hidden} more`));
  return [title, bar, ...rows];
}

function renderRow(line: ResourceLine, o: FrameOptions & { spin: string; nameWidth: number; typeWidth: number }): string {
  const p = o.palette;
  const group = lineGroup(line);
  const icon = group === "done" ? p.green("✔") : group === "failed" ? p.red("✘") : group === "in progress" ? p.yellow(o.spin) : p.dim("·");
  const state = group === "waiting" ? p.dim("waiting") : colorState(p, line.state);
  const ms = group === "waiting" ? null : (o.elapsedOf?.(line.name) ?? null);
  const time = ms === null ? "" : formatDuration(ms);
  const detail =
    group === "failed" ? line.reason
    : line.others > 0 ? `replacing (${line.others} old)`
    : group === "waiting" && !line.inTarget ? "to be deleted"
    : (line.physicalId ?? "");
  const fixed = `  ${icon} ${pad(truncate(line.name, o.nameWidth), o.nameWidth)}  ${pad(p.dim(truncate(line.type, o.typeWidth)), o.typeWidth)}  ${pad(state, STATE_WIDTH)}  ${pad(p.dim(time), TIME_WIDTH)}  `;
  const left = Math.max(0, o.columns - visibleWidth(fixed) - 1);
  const text = truncate(detail, left);
  return `${fixed}${group === "failed" ? p.red(text) : p.dim(text)}`.trimEnd();
}
