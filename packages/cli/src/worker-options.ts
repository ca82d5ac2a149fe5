/**
 * The tuning flags of `converge worker`: how fast a dead worker's checks are recovered
 * (`--lease`, `--lock-duration`, `--stalled-interval`), how much it logs and how (`--log-level`,
 * `--log-format`), and how long failed jobs are kept (`--keep-failed`).
 * Each value is validated here, naming the flag; the runtime gets resolved numbers only.
 */
import { InvalidOptionsError } from "@converge/core";
import type { OptionSpec, ParsedArgs } from "./args.js";
import { parseDuration, parsePositiveInt, stringOption } from "./args.js";

/** Log levels of `--log-level`, most verbose first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Formats of `--log-format`. */
export const LOG_FORMATS = ["text", "json"] as const;

/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The runtime's default job lock (`jobLockMs`), which `--lease` must not exceed. */
const DEFAULT_JOB_LOCK_MS = 30_000;
/** Failed jobs kept at most when `--keep-failed` gives an age only. */
const DEFAULT_KEEP_FAILED_COUNT = 1000;
/** The runtime's smallest lease, lock and stalled interval, ms. */
const MIN_MS = 100;

/** The flags, declared once for the command's spec and help. */
export const WORKER_TUNING_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  lease: { type: "string", value: "MS", help: "Liveness lease TTL, ms: a dead worker's locks are stolen once it lapses (default 30000; <= --lock-duration)." },
  "lock-duration": { type: "string", value: "MS", help: "BullMQ lock of a running check, ms: a dead worker's checks are redelivered once it lapses (default 30000)." },
  "stalled-interval": { type: "string", value: "MS", help: "How often BullMQ looks for checks of dead workers, ms (default 5000)." },
  "log-level": { type: "string", value: "LEVEL", help: "debug, info, warn or error (default info; warn hides the status lines)." },
  "log-format": { type: "string", value: "FORMAT", help: "text (default) or json: one JSON object per line on stdout (time, level, msg, stack, resource, ...)." },
  "keep-failed": {
    type: "string",
    value: "AGE[,COUNT]",
    help: "Keep failed check jobs this long for inspection (Bull Board), at most COUNT of them (default 7d,1000; 0 keeps none).",
  },
};

/** The resolved flags; an absent timing flag leaves the runtime's default. */
export interface WorkerTuning {
  readonly leaseTtlMs?: number;
  readonly jobLockMs?: number;
  readonly stalledIntervalMs?: number;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** Failed jobs kept: `false` for none; absent for the runtime's default. */
  readonly keepFailedJobs?: { readonly maxAgeMs: number; readonly maxCount: number } | false;
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

/**
 * `--keep-failed AGE[,COUNT]`: how long failed jobs are kept (a duration with a unit, `7d`
 * included, or bare seconds) and how many at most (default 1000); `0` keeps none.
 * @throws InvalidOptionsError naming the flag
 */
export function parseKeepFailed(text: string): { readonly maxAgeMs: number; readonly maxCount: number } | false {
  if (text.trim() === "0") return false;
  const [age = "", count, ...rest] = text.split(",").map((s) => s.trim());
  if (rest.length > 0) throw new InvalidOptionsError("--keep-failed", `expected AGE or AGE,COUNT (7d,1000), got "${text}"`);
  const days = /^(\d+)d$/.exec(age);
  const maxAgeMs = days !== null ? Number(days[1]) * 86_400_000 : parseDuration("--keep-failed", age);
  if (maxAgeMs < 1000) throw new InvalidOptionsError("--keep-failed", `the age must be at least 1s, got "${age}"`);
  const maxCount = count === undefined ? DEFAULT_KEEP_FAILED_COUNT : parsePositiveInt("--keep-failed", count);
  return { maxAgeMs, maxCount };
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
  const format = stringOption(args, "log-format") ?? "text";
  if (!(LOG_FORMATS as readonly string[]).includes(format)) throw new InvalidOptionsError("--log-format", `expected one of ${LOG_FORMATS.join(", ")}, got "${format}"`);
  const keep = stringOption(args, "keep-failed");
  const keepFailedJobs = keep === undefined ? undefined : parseKeepFailed(keep);
  return {
    ...(keepFailedJobs === undefined ? {} : { keepFailedJobs }),
    logFormat: format as LogFormat,
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
