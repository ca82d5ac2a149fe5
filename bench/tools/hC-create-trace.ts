/**
 * createStack's start-up, call by call (task hC): one Redis runtime, a client engine and
 * (WORKER=1) a worker of concurrency 16; every store and runtime call createStack makes is
 * logged with its start and end (ms after the call) and the Node CPU used so far.
 *
 *   N=2000 ROUNDS=3 WORKER=1 node --import tsx bench/tools/hC-create-trace.ts
 */
import { createEngine } from "@converge/core";
import type { Template } from "@converge/core";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import { testRedis, uniquePrefix } from "@converge/runtime-redis/testing";
import { errorsOnlyLogger } from "@converge/core/testing";
import { spawn } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "bullmq";
import { noop } from "../redis-bench-type.js";
import { luaScripts } from "../../packages/runtime-redis/src/lua/scripts.js";
import { scriptSha } from "../../packages/runtime-redis/src/script-loader.js";
import type { LuaScriptName } from "../../packages/runtime-redis/src/lua/scripts.js";

const scriptNames = new Map(Object.keys(luaScripts).map((name) => [scriptSha(name as LuaScriptName), name]));

const N = Number(process.env.N ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const redis = await testRedis();
const wide: Template = { resources: Object.fromEntries(Array.from({ length: N }, (_, i) => [`w${i}`, { type: "bench:noop:Thing", properties: { n: i } }])) };

/** Calls per store method in the current round. */
const counts = new Map<string, number>();

/** Wrap every function of `target` to log its calls in `log`. */
function traced<T extends object>(target: T, label: string, log: string[], clock: { t0: number; cpu: NodeJS.CpuUsage }): T {
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== "function" || name === "now") continue;
    let calls = 0;
    (target as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      if (clock.t0 !== 0) counts.set(name, (counts.get(name) ?? 0) + 1);
      if (clock.t0 === 0 || ++calls > 3) return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      const start = performance.now() - clock.t0;
      try {
        return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      } finally {
        const cpu = process.cpuUsage(clock.cpu);
        const n = Array.isArray(args[0]) ? ` [${args[0].length}]` : Array.isArray(args[2]) ? ` [${args[2].length}]` : "";
        log.push(`${start.toFixed(1).padStart(7)} -> ${(performance.now() - clock.t0).toFixed(1).padStart(7)} ms  cpu ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(4)} ms  ${label}.${name}${n}`);
      }
    };
  }
  return target;
}

/** BULL=1: log the BullMQ workers' waits for a job and moves to active (first few per round). */
function traceBull(log: string[], clock: { t0: number }): void {
  const proto = Worker.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const name of ["waitForJob", "moveToActive"]) {
    const original = proto[name] as (...a: unknown[]) => Promise<unknown>;
    let calls = 0;
    let round = 0;
    proto[name] = async function (this: unknown, ...a: unknown[]) {
      if (round !== clock.t0) [round, calls] = [clock.t0, 0];
      if (clock.t0 === 0 || ++calls > 12) return original.apply(this, a);
      const start = performance.now() - clock.t0;
      const reply = await original.apply(this, a);
      log.push(`${start.toFixed(1).padStart(7)} -> ${(performance.now() - clock.t0).toFixed(1).padStart(7)} ms             bull ${name}(${JSON.stringify(a[0])?.slice(0, 20)}) = ${name === "waitForJob" ? String(reply) : typeof reply}`);
      return reply;
    };
  }
}
const bullLog: string[] = [];
const bullClock = { t0: 0 };
if (process.env.BULL === "1") traceBull(bullLog, bullClock);

const cpuPerRound: number[] = [];
let runtime0: ReturnType<typeof createRedisRuntime> | undefined;
for (let round = 0; round < ROUNDS; round++) {
  const prefix = uniquePrefix("hc");
  const runtime = createRedisRuntime({ connection: redis.url, prefix, logger: errorsOnlyLogger });
  const worker = process.env.WORKER === "1" ? await startWorker({ runtime, types: [noop], concurrency: 16, logger: errorsOnlyLogger, engineId: `hc-${prefix}` }) : null;
  const log: string[] = [];
  const clock = { t0: 0, cpu: process.cpuUsage() };
  traced(runtime.store, "store", log, clock);
  const client = createEngine({ runtime, types: [noop], worker: false, logger: errorsOnlyLogger });
  await client.ready?.();
  await client.createStack("warm", { resources: { a: { type: "bench:noop:Thing", properties: {} } } });
  if (worker !== null) await client.waitForStack("warm");
  const evalsha = runtime.client.evalsha.bind(runtime.client) as (...a: unknown[]) => Promise<unknown>;
  let scripts = 0;
  (runtime.client as unknown as { evalsha: unknown }).evalsha = async (...a: unknown[]) => {
    if (clock.t0 === 0 || ++scripts > Number(process.env.SCRIPTS ?? 0)) return evalsha(...a);
    const start = performance.now() - clock.t0;
    const reply = await evalsha(...a);
    log.push(`${start.toFixed(1).padStart(7)} -> ${(performance.now() - clock.t0).toFixed(1).padStart(7)} ms             script ${scriptNames.get(a[0] as string)} ${a.length}`);
    return reply;
  };
  const enqueue = runtime.enqueue.bind(runtime);
  runtime.enqueue = async (m) => { const s = performance.now() - clock.t0; await enqueue(m); log.push(`${s.toFixed(1).padStart(7)} -> ${(performance.now() - clock.t0).toFixed(1).padStart(7)} ms  cpu ${((process.cpuUsage(clock.cpu).user + process.cpuUsage(clock.cpu).system) / 1000).toFixed(0).padStart(4)} ms  runtime.enqueue [${m.length}]`); };
  const monitor = process.env.MONITOR === "1" && round === ROUNDS - 1 ? spawn("redis-cli", ["-u", redis.url, "monitor"], { stdio: ["ignore", "pipe", "inherit"] }) : null;
  const monitored: string[] = [];
  monitor?.stdout.on("data", (d: Buffer) => monitored.push(d.toString()));
  if (monitor !== null) await new Promise((r) => setTimeout(r, 300));
  if (process.env.SLOWLOG === "1") {
    runtime0 ??= createRedisRuntime({ connection: redis.url, prefix: "slowlog", logger: errorsOnlyLogger });
    await runtime0.client.call("CONFIG", "SET", "slowlog-log-slower-than", "1000", "slowlog-max-len", "1024");
    await runtime0.client.call("SLOWLOG", "RESET");
  }
  const epoch0 = Date.now();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  clock.t0 = performance.now();
  bullClock.t0 = clock.t0;
  bullLog.length = 0;
  clock.cpu = process.cpuUsage();
  await client.createStack("bench", wide);
  const cpu = process.cpuUsage(clock.cpu);
  const createMs = performance.now() - clock.t0;
  if (round >= Math.min(3, ROUNDS - 1)) cpuPerRound.push((cpu.user + cpu.system) / 1000);
  delay.disable();
  const eld = `event loop delay during createStack: p50 ${(delay.percentile(50) / 1e6).toFixed(1)} p90 ${(delay.percentile(90) / 1e6).toFixed(1)} max ${(delay.max / 1e6).toFixed(1)} ms`;
  if (worker !== null) await client.waitForStack("bench");
  bullClock.t0 = 0;
  log.push(...bullLog);
  log.sort((a, b) => Number(a.slice(0, 7)) - Number(b.slice(0, 7)));
  console.log(`round ${round}: createStack ${createMs.toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms; ${eld}`);
  if (process.env.VERBOSE !== "0") console.log(log.join("\n"));
  clock.t0 = 0;
  if (process.env.COUNTS === "1") console.log(`  calls: ${[...counts].map(([name, n]) => `${name} ${n}`).join(", ")}`);
  counts.clear();
  if (monitor !== null) {
    monitor.kill();
    for (const line of monitored.join("").split("\n")) {
      const m = /^(\d+\.\d+) \[\d+ ([^\]]+)\] "(\w+)"(?: "([^"]*)")?(?: "([^"]*)")?(?: "([^"]*)")?/.exec(line);
      if (m === null) continue;
      const t = Number(m[1]) * 1000 - epoch0;
      if (t < Number(process.env.MONITOR_MS ?? 200)) console.log(`${t.toFixed(1).padStart(7)} ${m[2]?.padEnd(16)} ${m[3]} ${m[3] === "evalsha" ? `${m[5]} ${m[6]}` : (m[4] ?? "").slice(0, 60)}`);
    }
  }
  await worker?.close();
  await client.close();
  await runtime.close();
}
cpuPerRound.sort((a, b) => a - b);
console.log(`createStack node CPU, rounds after the first 3: median ${cpuPerRound[Math.floor(cpuPerRound.length / 2)]?.toFixed(1)} ms, min ${cpuPerRound[0]?.toFixed(1)} ms`);
if (process.env.SLOWLOG === "1") {
  // Redis time of the slowest calls of the last round (SLOWLOG, threshold 1 ms), by script.
  const entries = (await (runtime0 as NonNullable<typeof runtime0>).client.call("SLOWLOG", "GET", "1024")) as Array<[number, number, number, string[]]>;
  for (const [, , usec, args] of entries.reverse()) console.log(`slowlog ${(usec / 1000).toFixed(1).padStart(7)} ms  ${args[0] === "evalsha" ? `script ${scriptNames.get(args[1] as string)}` : args.slice(0, 2).join(" ")}`);
  await runtime0?.close();
}
await redis.stop();
