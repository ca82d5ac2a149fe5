/**
 * Text formatting shared by the commands: optional ANSI colour, states coloured by what they
 * mean, aligned tables, durations and values.
 */

/** ANSI styling that is a no-op when colour is off. */
export interface Palette {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const wrap = (enabled: boolean, open: number, close: number) => (text: string): string =>
  enabled && text !== "" ? `\x1b[${open}m${text}\x1b[${close}m` : text;

/** A palette; with `enabled` false every function returns its input. */
export function palette(enabled: boolean): Palette {
  return {
    enabled,
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
    red: wrap(enabled, 31, 39),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    cyan: wrap(enabled, 36, 39),
  };
}

/** What a `<ACTION>_<STATUS>` state means for display. */
export type StateTone = "done" | "working" | "failed" | "pending" | "gone";

/** Classify a state (`CREATE_COMPLETE`, `INIT_COMPLETE`, `DELETE_COMPLETE`, …). */
export function stateTone(state: string): StateTone {
  if (state.endsWith("_FAILED")) return "failed";
  if (state.endsWith("_IN_PROGRESS")) return "working";
  if (state === "INIT_COMPLETE") return "pending";
  if (state === "DELETE_COMPLETE") return "gone";
  return "done";
}

/** A state coloured by its tone. */
export function colorState(p: Palette, state: string): string {
  switch (stateTone(state)) {
    case "failed":
      return p.red(state);
    case "working":
      return p.yellow(state);
    case "done":
      return p.green(state);
    default:
      return p.dim(state);
  }
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Visible width of text that may contain ANSI escapes. */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, "")].length;
}

/** Pad to a visible width. */
export function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - visibleWidth(text)));
}

/** Cut plain text to `width` characters, ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 1 ? chars.slice(0, width).join("") : `${chars.slice(0, width - 1).join("")}…`;
}

/** A column of a table: header and how to read a cell. */
export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => string;
}

/** Render rows as an aligned table (the last column is not padded). */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], p: Palette): string[] {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)));
  const widths = columns.map((c, i) => Math.max(visibleWidth(c.header), ...cells.map((r) => visibleWidth(r[i] ?? ""))));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (i === values.length - 1 ? v : pad(v, widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [p.dim(line(columns.map((c) => c.header))), ...cells.map(line)];
}

/** A duration in ms as `850ms`, `12.3s` or `4m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")}s`;
}

/** A value for one line: strings as is, anything else as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value) ?? String(value);
}

/** Local wall-clock time `HH:MM:SS`. */
export function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}
