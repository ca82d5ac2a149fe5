/**
 * The log of `converge worker`: the worker's status lines, the runtime's warnings and the
 * plugins' `ctx.logger` lines (which carry `stack`, `resource`, `type` and `handler`), filtered
 * by `--log-level` and written as text (`--log-format text`, the default: status lines on
 * stdout, `debug:`/`info:` lines and warnings on stderr) or as JSON (`--log-format json`: one
 * object per line on stdout - `time`, `level`, `msg`, then the fields - for a log shipper).
 */
import type { Logger } from "@converge/core";
import type { LogFormat, LogLevel } from "./worker-options.js";
import { shows } from "./worker-options.js";

/** What the worker logs with. */
export interface WorkerLog {
  /** The logger of the engine, the runtime and the plugins. */
  readonly logger: Logger;
  /** A status line (`ready`, `stopping`, `stopped`): info level, shown unless the level is above it. */
  status(message: string, fields?: Record<string, unknown>): void;
}

/** Where the worker log goes. */
export interface WorkerLogOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** The command's logger: text-format warnings and errors go through it (colour, notice sink). */
  readonly base: Logger;
  /** Write a line to stdout. */
  readonly stdout: (line: string) => void;
  /** Write a line to stderr. */
  readonly stderr: (line: string) => void;
  /** Clock, epoch ms. @default Date.now */
  readonly now?: () => number;
}

const RESERVED = new Set(["time", "level", "msg"]);

/** A field value as JSON can carry it: an Error as its message (and name, code), a bigint as text. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, ...("code" in value ? { code: (value as { code: unknown }).code } : {}) };
  return typeof value === "bigint" ? value.toString() : value;
}

/** One JSON log line: `time`, `level`, `msg`, then the fields (one named like those three is prefixed with `field.`). */
export function jsonLogLine(time: number, level: LogLevel, message: string, fields?: Record<string, unknown>): string {
  const record: Record<string, unknown> = { time: new Date(time).toISOString(), level, msg: message };
  for (const [key, value] of Object.entries(fields ?? {})) record[RESERVED.has(key) ? `field.${key}` : key] = value;
  try {
    return JSON.stringify(record, jsonSafe);
  } catch {
    return JSON.stringify({ time: record.time, level, msg: message, fields: "(not serializable)" });
  }
}

/** The worker's log. */
export function workerLog(options: WorkerLogOptions): WorkerLog {
  const { level: threshold, base } = options;
  const now = options.now ?? Date.now;
  if (options.format === "json") {
    const line = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
      if (shows(threshold, level)) options.stdout(jsonLogLine(now(), level, message, fields));
    };
    return { logger: { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") }, status: line("info") };
  }
  const text = (f?: Record<string, unknown>): string => (f === undefined || Object.keys(f).length === 0 ? "" : ` ${JSON.stringify(f, jsonSafe)}`);
  const plain = (level: "debug" | "info") => (message: string, fields?: Record<string, unknown>) => {
    if (shows(threshold, level)) options.stderr(`${level}: ${message}${text(fields)}`);
  };
  return {
    logger: {
      debug: plain("debug"),
      info: plain("info"),
      warn: (message, fields) => (shows(threshold, "warn") ? base.warn(message, fields) : undefined),
      error: (message, fields) => base.error(message, fields),
    },
    status: (message) => (shows(threshold, "info") ? options.stdout(message) : undefined),
  };
}
