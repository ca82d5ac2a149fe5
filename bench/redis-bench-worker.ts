/**
 * A worker process of `BENCH_WORKERS=<n> npm run bench:redis`: runs checks of the no-op type
 * at concurrency BENCH_C against BENCH_REDIS_URL / BENCH_PREFIX until it gets SIGTERM.
 */
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import { noop } from "./redis-bench-type.js";

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
const runtime = createRedisRuntime({ connection: process.env.BENCH_REDIS_URL ?? "", prefix: process.env.BENCH_PREFIX ?? "bench", logger: quiet });
const worker = await startWorker({ runtime, types: [noop], concurrency: Number(process.env.BENCH_C ?? 16), logger: quiet, engineId: `bench-worker-${process.pid}` });
process.send?.("ready");
process.once("SIGTERM", () => {
  void (async () => {
    await worker.close();
    await runtime.close();
    process.exit(0);
  })();
});
