/**
 * A worker process for the multi-process and crash tests: `node --import tsx worker-process.ts`
 * with its settings in the environment. It starts a Redis runtime (auto mode) and a worker
 * over the shared Redis fake cloud, prints "ready <engineId>" once registered, and on SIGTERM
 * closes gracefully and exits 0.
 *
 *   CONVERGE_REDIS      redis:// URL, or JSON cluster startup nodes [{"host":..,"port":..}]
 *   CONVERGE_PREFIX     key prefix (shared with the test)
 *   CONVERGE_CLOUD_REDIS redis:// URL of the fake cloud's own Redis (default: CONVERGE_REDIS)
 *   CONVERGE_ENGINE     engine id
 *   CONVERGE_CONCURRENCY, CONVERGE_DELAY_MS, CONVERGE_FAST ("1": short leases, locks, watchdog)
 *   CONVERGE_VERBOSE    "1": log warnings too (to stderr)
 *   CONVERGE_HOLD_CREATE resource name whose first create is held in flight (see RedisCloud.type)
 */
import { Cluster, Redis } from "ioredis";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import { RedisCloud } from "./redis-cloud.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`worker-process: ${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const target = env("CONVERGE_REDIS");
  const prefix = env("CONVERGE_PREFIX");
  const fast = process.env.CONVERGE_FAST === "1";
  const client = target.startsWith("[") ? new Cluster(JSON.parse(target) as Array<{ host: string; port: number }>) : new Redis(target);
  const cloudUrl = process.env.CONVERGE_CLOUD_REDIS ?? "";
  const cloud = new RedisCloud(cloudUrl === "" ? client : new Redis(cloudUrl), prefix);
  // CONVERGE_VERBOSE=1: warnings too (with their fields), for debugging a failing run.
  const verbose = process.env.CONVERGE_VERBOSE === "1";
  const verboseLog = (m: string): void => {
    if (verbose) console.error(m);
  };
  // The client is this application's: a connection reset (a fault the tests inject) is logged here, not as an unhandled error event.
  client.on("error", (error: Error) => verboseLog(`redis client: ${error.message}`));
  const quiet = {
    warn: verbose ? (m: string, f?: Record<string, unknown>) => console.error(`warn: ${m} ${JSON.stringify(f ?? {})}`) : () => undefined,
    error: (m: string) => console.error(m),
  };
  const runtime = createRedisRuntime({
    connection: client,
    prefix,
    logger: quiet,
    ...(fast ? { leaseTtlMs: 1500, jobLockMs: 1500, stalledIntervalMs: 500, retryDelayMs: 50 } : {}),
  });
  const worker = await startWorker({
    runtime,
    types: [cloud.type(Number(process.env.CONVERGE_DELAY_MS ?? "0"), process.env.CONVERGE_HOLD_CREATE === "" ? undefined : process.env.CONVERGE_HOLD_CREATE)],
    engineId: env("CONVERGE_ENGINE"),
    concurrency: Number(process.env.CONVERGE_CONCURRENCY ?? "8"),
    logger: { debug: () => undefined, info: () => undefined, ...quiet },
    ...(fast ? { watchdogIntervalMs: 2000 } : {}),
  });
  process.stdout.write(`ready ${worker.engineId}\n`);
  process.once("SIGTERM", () => {
    void (async () => {
      await worker.close({ graceMs: 10_000 });
      await runtime.close();
      client.disconnect();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
