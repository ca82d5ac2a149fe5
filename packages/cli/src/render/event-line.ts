/**
 * One event on one line, as `converge events` and the plain (non-terminal) live view print it:
 *
 * ```
 * 2025-01-01T12:00:00.000Z  web            CREATE_COMPLETE     state changed (site-web-3kq2)
 * ```
 */
import type { StackEvent } from "@converge/core";
import type { Palette } from "./format.js";
import { clockTime, colorState, pad } from "./format.js";

/** Options of {@link formatEvent}. */
export interface EventLineOptions {
  /** `iso` (UTC, with ms) or `clock` (local HH:MM:SS). @default "iso" */
  readonly time?: "iso" | "clock";
  /** Text put after the time, e.g. a `[3/5]` progress counter. */
  readonly prefix?: string;
}

/** Width of the name column. */
const NAME_WIDTH = 16;
/** Width of the state column. */
const STATE_WIDTH = 20;

/** Format one event. Stack events name the stack; resource events the resource. */
export function formatEvent(event: StackEvent, p: Palette, options: EventLineOptions = {}): string {
  const time = options.time === "clock" ? clockTime(event.time) : new Date(event.time).toISOString();
  const name = event.kind === "stack" ? p.bold(event.stackName) : (event.resourceName ?? "?");
  const state = colorState(p, `${event.action}_${event.status}`);
  const physical = event.kind === "resource" && event.physicalId !== null && event.physicalId !== undefined ? p.dim(` (${event.physicalId})`) : "";
  const parts = [p.dim(time), ...(options.prefix === undefined ? [] : [options.prefix]), pad(name, NAME_WIDTH), pad(state, STATE_WIDTH), `${event.reason}${physical}`];
  return parts.join("  ").trimEnd();
}

/** An event as one JSON line (`--json`). */
export function eventJson(event: StackEvent): string {
  return JSON.stringify(event);
}
