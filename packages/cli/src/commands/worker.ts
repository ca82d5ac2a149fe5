/**
 * `converge worker --redis URL`: a worker process - an engine that runs checks from the Redis
 * queue with the resource types it loaded, until SIGINT/SIGTERM, then shuts down gracefully
 * (running checks finish within the grace period, the rest go back to the queue).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { InvalidOptionsError } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, parseDuration, parsePositiveInt, stringOption } from "../args.js";
import type { Command } from "../command.js";
import { commandTypes, runtimeChoice } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { WORKER_TUNING_OPTIONS, leveledLogger, parseWorkerTuning, shows } from "../worker-options.js";

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
      "lock expires). A killed worker's checks are redelivered once their --lock-duration lapses (found within",
      "--stalled-interval); its locks are stolen once its --lease lapses: 15-35 s with the defaults.",
    ].join("\n"),
    positionals: [],
    options: {
      concurrency: { type: "string", value: "N", help: "Checks run at once (default 16)." },
      "engine-id": { type: "string", value: "ID", help: "Engine id, unique per process (default: worker-<host>-<pid>-<random>)." },
      grace: { type: "string", value: "DURATION", help: "How long running checks may finish at shutdown (default: the runtime's, 30s)." },
      ...WORKER_TUNING_OPTIONS,
      ...TYPES_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: [
      "converge worker --redis redis://127.0.0.1:6379 --concurrency 8 --types ./my-types.js",
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
    const logger = leveledLogger(ctx.logger, tuning.logLevel, ctx.warn);
    const status = (text: string): void => (shows(tuning.logLevel, "info") ? ctx.print(text) : undefined);
    const types = await commandTypes(ctx);
    const { connectRedisRuntime, redactUrl } = await import("../session-redis.js");
    const { startWorker } = await import("@converge/runtime-redis");
    const runtime = await connectRedisRuntime(choice, logger, tuning);
    try {
      const worker = await startWorker({ runtime, types, concurrency, logger, ...(engineId === undefined ? {} : { engineId }) });
      status(
        `worker ${worker.engineId} ready: ${redactUrl(choice.url)} prefix ${runtime.prefix} queue ${runtime.queue.name}, concurrency ${concurrency}, ` +
          `${types.length} types (${types.map((t) => t.type).join(", ")})`,
      );
      while (!ctx.signal.aborted) await sleep(2 ** 31 - 1, undefined, { signal: ctx.signal }).catch(() => undefined);
      status(`worker ${worker.engineId} stopping: waiting for running checks${graceMs === undefined ? "" : ` (up to ${graceText ?? ""})`}`);
      await worker.close(graceMs === undefined ? {} : { graceMs });
      status(`worker ${worker.engineId} stopped`);
      return EXIT.OK;
    } finally {
      await runtime.close();
    }
  },
};
