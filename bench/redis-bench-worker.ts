/**
 * A worker process of `BENCH_WORKERS=<n> npm run bench:redis`: runs checks of the no-op type
 * at concurrency BENCH_C against BENCH_REDIS_URL / BENCH_PREFIX until it gets SIGTERM. Asked
 * (any IPC message), it answers its CPU time so far and the commands it sent by name (our
 * scripts by name, BullMQ's as `bullmq/<key count>`).
 */
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import { luaScripts } from "../packages/runtime-redis/src/lua/scripts.js";
import { noop } from "./redis-bench-type.js";

const scriptNames = new Map(Object.entries(luaScripts).map(([name, script]) => [createHash("sha1").update(script.lua).digest("hex"), name]));
const commands: Record<string, number> = {};
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis["sendCommand"]>) {
  const cmd = args[0] as { name: string; args: unknown[] };
  const name = cmd.name === "evalsha" ? (scriptNames.get(String(cmd.args[0])) ?? `bullmq/${String(cmd.args[1])}`) : cmd.name;
  commands[name] = (commands[name] ?? 0) + 1;
  return sendCommand.apply(this, args);
};

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
const runtime = createRedisRuntime({ connection: process.env.BENCH_REDIS_URL ?? "", prefix: process.env.BENCH_PREFIX ?? "bench", logger: quiet, autoPipelining: process.env.BENCH_AUTOPIPE === "1" });
const worker = await startWorker({ runtime, types: [noop], concurrency: Number(process.env.BENCH_C ?? 16), logger: quiet, engineId: `bench-worker-${process.pid}` });
process.send?.("ready");
process.on("message", () => {
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuUs: user + system, commands: { ...commands } });
});
process.once("SIGTERM", () => {
  void (async () => {
    await worker.close();
    await runtime.close();
    process.exit(0);
  })();
});
