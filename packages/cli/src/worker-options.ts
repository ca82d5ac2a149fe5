/**
 * The tuning flags of `converge worker`: how fast a dead worker's checks are recovered
 * (`--lease`, `--lock-duration`, `--stalled-interval`) and how much it logs (`--log-level`).
 * Each value is validated here, naming the flag; the runtime gets resolved numbers only.
 */
import { InvalidOptionsError } from "@converge/core";
import type { Logger } from "@converge/core";
import type { OptionSpec, ParsedArgs } from "./args.js";
import { parseDuration, stringOption } from "./args.js";

/** Log levels of `--log-level`, most verbose first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The runtime's default job lock (`jobLockMs`), which `--lease` must not exceed. */
const DEFAULT_JOB_LOCK_MS = 30_000;
/** The runtime's smallest lease, lock and stalled interval, ms. */
const MIN_MS = 100;

/** The flags, declared once for the command's spec and help. */
export const WORKER_TUNING_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  lease: { type: "string", value: "MS", help: "Liveness lease TTL, ms: a dead worker's locks are stolen once it lapses (default 30000; <= --lock-duration)." },
  "lock-duration": { type: "string", value: "MS", help: "BullMQ lock of a running check, ms: a dead worker's checks are redelivered once it lapses (default 30000)." },
  "stalled-interval": { type: "string", value: "MS", help: "How often BullMQ looks for checks of dead workers, ms (default 5000)." },
  "log-level": { type: "string", value: "LEVEL", help: "debug, info, warn or error (default info; warn hides the status lines)." },
};

/** The resolved flags; an absent timing flag leaves the runtime's default. */
export interface WorkerTuning {
  readonly leaseTtlMs?: number;
  readonly jobLockMs?: number;
  readonly stalledIntervalMs?: number;
  readonly logLevel: LogLevel;
}

/**
 * A duration flag in milliseconds: a bare integer (`2000`), or with a unit (`500ms`, `2s`, `1m`).
 * @throws InvalidOptionsError naming `option`
 */
export function parseMilliseconds(option: string, text: string): number {
  const bare = /^\s*\d+(\.\d*)?\s*$/.test(text);
  if (bare && !/^\s*\d+\s*$/.test(text)) throw new InvalidOptionsError(option, `expected whole milliseconds or a duration with a unit (2s), got "${text}"`);
  const ms = bare ? Number(text) : parseDuration(option, text);
  if (!Number.isSafeInteger(ms) || ms < MIN_MS) throw new InvalidOptionsError(option, `must be at least ${MIN_MS} ms, got "${text}"`);
  return ms;
}

/** Read and validate the tuning flags. @throws InvalidOptionsError naming the bad flag */
export function parseWorkerTuning(args: ParsedArgs): WorkerTuning {
  const ms = (flag: string): number | undefined => {
    const text = stringOption(args, flag);
    return text === undefined ? undefined : parseMilliseconds(`--${flag}`, text);
  };
  const leaseTtlMs = ms("lease");
  const jobLockMs = ms("lock-duration");
  const stalledIntervalMs = ms("stalled-interval");
  const lock = jobLockMs ?? DEFAULT_JOB_LOCK_MS;
  if (leaseTtlMs !== undefined && leaseTtlMs > lock) {
    throw new InvalidOptionsError(
      "--lease",
      `must not exceed the job lock (${lock} ms${jobLockMs === undefined ? ", the default of --lock-duration" : ""}): a redelivered check would find the dead worker's lease still held and park`,
    );
  }
  const level = stringOption(args, "log-level") ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new InvalidOptionsError("--log-level", `expected one of ${LOG_LEVELS.join(", ")}, got "${level}"`);
  return {
    ...(leaseTtlMs === undefined ? {} : { leaseTtlMs }),
    ...(jobLockMs === undefined ? {} : { jobLockMs }),
    ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
    logLevel: level as LogLevel,
  };
}

/** Whether a line of `level` is shown at the threshold `threshold`. */
export function shows(threshold: LogLevel, level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}

/**
 * A logger showing the lines of `threshold` and above: warnings and errors through `base`
 * (the command's logger), debug and info lines written by `write` with their level.
 */
export function leveledLogger(base: Logger, threshold: LogLevel, write: (line: string) => void): Logger {
  const fields = (f?: Record<string, unknown>): string => (f === undefined || Object.keys(f).length === 0 ? "" : ` ${JSON.stringify(f)}`);
  const plain = (level: "debug" | "info") => (message: string, f?: Record<string, unknown>) => {
    if (shows(threshold, level)) write(`${level}: ${message}${fields(f)}`);
  };
  return {
    debug: plain("debug"),
    info: plain("info"),
    warn: (message, f) => (shows(threshold, "warn") ? base.warn(message, f) : undefined),
    error: (message, f) => base.error(message, f),
  };
}
