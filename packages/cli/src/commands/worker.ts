/**
 * `converge worker --redis URL`: a worker process - an engine that runs checks from the Redis
 * queue with the resource types it loaded, until SIGINT/SIGTERM, then shuts down gracefully
 * (running checks finish within the grace period, the rest go back to the queue).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { InvalidOptionsError } from "@converge/core";
import { HELP_OPTION, REDIS_RUNTIME_OPTIONS, TYPES_OPTIONS, parseDuration, parsePositiveInt, stringOption } from "../args.js";
import type { Command } from "../command.js";
import { commandTypes, runtimeChoice } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { loadRedisModules } from "../redis-modules.js";
import { workerLog } from "../worker-log.js";
import { WORKER_TUNING_OPTIONS, parseWorkerTuning } from "../worker-options.js";

/** The runtime's default shutdown grace period, ms (when --grace is not given). */
const DEFAULT_GRACE_MS = 30_000;
/** How long past the grace period a hanging shutdown is given before the process exits anyway, ms. */
const STOP_MARGIN_MS = 5_000;

/** Run `work`; false when it has not finished within `ms` (it is left running). */
async function withinMs(ms: number, work: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work().then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `work`'s value, or null when `signal` aborts first (`work` is left running; its failure then goes unreported). */
async function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T | null> {
  work.catch(() => undefined);
  if (signal.aborted) return null;
  let onAbort = (): void => undefined;
  const aborted = new Promise<null>((resolve) => {
    onAbort = () => resolve(null);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** `converge worker`. */
export const workerCommand: Command = {
  spec: {
    name: "worker",
    summary: "Run a worker process that executes checks from Redis",
    usage: "worker --redis URL [--concurrency N] [--types MODULE]... [options]",
    description: [
      "Registers an engine with the Redis runtime (a liveness lease) and runs checks from its queue - up to N at once -",
      "with the @converge/plugins types plus those of every --types module. Start as many as you like, on any machine",
      "that reaches the Redis. SIGINT/SIGTERM stops it gracefully: no new checks, running ones get --grace to finish and",
      "are handed back to the queue after it; a second signal exits at once (the checks are then redelivered when their",
      "lock expires), and so does a shutdown that hangs 5s past the grace period (exit code 1) or a start-up that has not",
      "finished (130). \"ready\" is printed once",
      "the Redis user's permissions are verified and the worker consumes; a missing permission exits 1 naming it.",
      "A killed worker's checks are redelivered once their --lock-duration lapses (found within",
      "--stalled-interval); its locks are stolen once its --lease lapses: 15-35 s with the defaults.",
      "The log - status lines, warnings, and the plugins' ctx.logger lines with their stack and resource - is filtered by",
      "--log-level and written as text or, with --log-format json, as one JSON object per line on stdout. Jobs are named",
      "for what they do (\"web/db update\", \"web/db cleanup\", \"web complete\"), and failed jobs are kept for inspection",
      "(--keep-failed, default 7 days, at most 1000).",
    ].join("\n"),
    positionals: [],
    options: {
      concurrency: { type: "string", value: "N", help: "Checks run at once (default 16)." },
      "engine-id": { type: "string", value: "ID", help: "Engine id, unique per process (default: worker-<host>-<pid>-<random>)." },
      grace: { type: "string", value: "DURATION", help: "How long running checks may finish at shutdown (default: the runtime's, 30s)." },
      ...WORKER_TUNING_OPTIONS,
      ...TYPES_OPTIONS,
      ...REDIS_RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: [
      "converge worker --redis redis://127.0.0.1:6379 --concurrency 8 --types ./my-types.js",
      "converge worker --redis redis://127.0.0.1:6379 --log-format json --log-level debug --keep-failed 2d,500",
      "converge worker --redis redis://127.0.0.1:6379 --lease 10000 --lock-duration 10000 --stalled-interval 5000 --log-level warn",
    ],
  },
  async run(ctx) {
    const choice = runtimeChoice(ctx);
    if (choice.kind !== "redis") throw new InvalidOptionsError("--redis", "is required: workers take their checks from Redis (or set $CONVERGE_REDIS_URL)");
    const concurrencyText = stringOption(ctx.args, "concurrency");
    const concurrency = concurrencyText === undefined ? 16 : parsePositiveInt("--concurrency", concurrencyText);
    const graceText = stringOption(ctx.args, "grace");
    const graceMs = graceText === undefined ? undefined : parseDuration("--grace", graceText);
    const engineId = stringOption(ctx.args, "engine-id");
    const tuning = parseWorkerTuning(ctx.args);
    const log = workerLog({ level: tuning.logLevel, format: tuning.logFormat, base: ctx.logger, stdout: (line) => ctx.print(line), stderr: ctx.warn });
    const { logger } = log;
    const status = (text: string): void => log.status(text);
    const types = await commandTypes(ctx);
    const { connectRedisRuntime, redactUrl, startWorker } = await loadRedisModules("converge worker");
    // Start-up (reaching Redis, the permission check, the BullMQ worker) gives way to a signal:
    // a Redis that does not answer must not keep the process.
    const startup = (async () => {
      const runtime = await connectRedisRuntime(choice, logger, {
        ...(tuning.leaseTtlMs === undefined ? {} : { leaseTtlMs: tuning.leaseTtlMs }),
        ...(tuning.jobLockMs === undefined ? {} : { jobLockMs: tuning.jobLockMs }),
        ...(tuning.stalledIntervalMs === undefined ? {} : { stalledIntervalMs: tuning.stalledIntervalMs }),
        ...(tuning.keepFailedJobs === undefined ? {} : { keepFailedJobs: tuning.keepFailedJobs }),
      });
      try {
        // Resolves once the Redis user's permissions are verified and the BullMQ worker consumes.
        const worker = await startWorker({ runtime, types, concurrency, logger, ...(engineId === undefined ? {} : { engineId }) });
        return { runtime, worker };
      } catch (error) {
        await withinMs(STOP_MARGIN_MS, () => runtime.close());
        throw error;
      }
    })();
    const started = await untilAborted(ctx.signal, startup);
    if (started === null) {
      logger.warn("worker interrupted before it was ready; exiting");
      return EXIT.INTERRUPTED;
    }
    const { runtime, worker } = started;
    status(
      `worker ${worker.engineId} ready: ${redactUrl(choice.url)} prefix ${runtime.prefix} queue ${runtime.queue.name}, concurrency ${concurrency}, ` +
        `${types.length} types (${types.map((t) => t.type).join(", ")})`,
    );
    while (!ctx.signal.aborted) await sleep(2 ** 31 - 1, undefined, { signal: ctx.signal }).catch(() => undefined);
    status(`worker ${worker.engineId} stopping: waiting for running checks${graceMs === undefined ? "" : ` (up to ${graceText ?? ""})`}`);
    // A close that hangs (Redis unreachable or refusing commands) must not keep the process:
    // past the grace period and a margin, exit anyway - the checks are redelivered.
    const boundMs = (graceMs ?? DEFAULT_GRACE_MS) + STOP_MARGIN_MS;
    const stopped = await withinMs(boundMs, async () => {
      await worker.close(graceMs === undefined ? {} : { graceMs });
      await runtime.close();
    });
    if (!stopped) {
      logger.error(
        `worker ${worker.engineId} did not stop within ${Math.round(boundMs / 1000)} s (is Redis reachable and accepting its commands?); ` +
          "exiting without a clean shutdown: its running checks are delivered again when their locks expire",
      );
      return EXIT.FAILED;
    }
    status(`worker ${worker.engineId} stopped`);
    return EXIT.OK;
  },
};
