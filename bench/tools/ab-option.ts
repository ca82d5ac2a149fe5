/**
 * Same-process A/B of a Redis runtime option: rounds of a wide create alternate between
 * option sets A and B after warm-up rounds, in one process (same JIT state, adjacent in
 * time), printing per round wall ms, checks/s, Node CPU and Redis CPU per check, and the
 * medians of each side. The machine's speed drifts between runs a minute apart; adjacent
 * rounds in one process are the fairest comparison it allows.
 *
 *   N=2000 WARMUP=4 ROUNDS=12 OPTION=autoPipelining A=true B=false node --import tsx bench/tools/ab-option.ts
 */
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { Template } from "@converge/core";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import type { RedisRuntimeOptions } from "@converge/runtime-redis";
import { testRedis, uniquePrefix } from "@converge/runtime-redis/testing";
import { errorsOnlyLogger } from "@converge/core/testing";
import { noop } from "../redis-bench-type.js";

const N = Number(process.env.N ?? 2000);
const C = Number(process.env.C ?? 16);
const WARMUP = Number(process.env.WARMUP ?? 4);
const ROUNDS = Number(process.env.ROUNDS ?? 12);
const OPTION = process.env.OPTION ?? "autoPipelining";
const parse = (v: string | undefined): unknown => (v === undefined ? undefined : JSON.parse(v));
const sides = { A: parse(process.env.A ?? "true"), B: parse(process.env.B ?? "false") };
const redis = await testRedis();
const monitor = new Redis(redis.url);
const wide: Template = { resources: Object.fromEntries(Array.from({ length: N }, (_, i) => [`w${i}`, { type: "bench:noop:Thing", properties: { n: i } }])) };

async function redisCpuMs(): Promise<number> {
  const info = await monitor.info("cpu");
  return (Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0)) * 1000;
}

interface Run { rate: number; node: number; redis: number }

async function run(value: unknown): Promise<Run> {
  const prefix = uniquePrefix("ab");
  const options = { connection: redis.url, prefix, logger: errorsOnlyLogger, [OPTION]: value } as RedisRuntimeOptions;
  const runtime = createRedisRuntime(options);
  const worker = await startWorker({ runtime, types: [noop], concurrency: C, logger: errorsOnlyLogger, engineId: `ab-${prefix}` });
  const client = createEngine({ runtime, types: [noop], worker: false, logger: errorsOnlyLogger });
  const r0 = await redisCpuMs();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await client.createStack("bench", wide);
  const info = await client.waitForStack("bench");
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const r1 = await redisCpuMs();
  if (info.state !== "CREATE_COMPLETE") throw new Error(info.state);
  await worker.close();
  await client.close();
  await runtime.close();
  const checks = N + 1;
  return { rate: (checks / ms) * 1000, node: (used.user + used.system) / checks, redis: ((r1 - r0) * 1000) / checks };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const results: Record<"A" | "B", Run[]> = { A: [], B: [] };
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  // ABBA order, so that a drift of the machine's speed hits both sides alike.
  const side: "A" | "B" = [0, 3].includes(round % 4) ? "A" : "B";
  const r = await run(sides[side]);
  const warm = round >= WARMUP;
  if (warm) results[side].push(r);
  console.log(`${warm ? "" : "(warm-up) "}${side} ${OPTION}=${JSON.stringify(sides[side])}: ${r.rate.toFixed(0)} checks/s, node ${r.node.toFixed(0)} µs/chk, redis ${r.redis.toFixed(0)} µs/chk`);
}
for (const side of ["A", "B"] as const) {
  const rs = results[side];
  console.log(`${side} ${OPTION}=${JSON.stringify(sides[side])} medians: ${median(rs.map((r) => r.rate)).toFixed(0)} checks/s, node ${median(rs.map((r) => r.node)).toFixed(0)} µs/chk, redis ${median(rs.map((r) => r.redis)).toFixed(0)} µs/chk`);
}
monitor.disconnect();
await redis.stop();
