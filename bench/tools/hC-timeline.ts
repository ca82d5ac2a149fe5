import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { Template } from "@converge/core";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import { testRedis, uniquePrefix } from "@converge/runtime-redis/testing";
import { errorsOnlyLogger } from "@converge/core/testing";
import { noop } from "../redis-bench-type.js";
const N = Number(process.env.N ?? 2000);
const redis = await testRedis();
const mon = new Redis(redis.url);
const wide: Template = { resources: Object.fromEntries(Array.from({ length: N }, (_, i) => [`w${i}`, { type: "bench:noop:Thing", properties: { n: i } }])) };
for (let round = 0; round < Number(process.env.ROUNDS ?? 4); round++) {
  const prefix = uniquePrefix("tl");
  const runtime = createRedisRuntime({ connection: redis.url, prefix, logger: errorsOnlyLogger });
  const worker = await startWorker({ runtime, types: [noop], concurrency: 16, logger: errorsOnlyLogger, engineId: `tl-${prefix}` });
  const client = createEngine({ runtime, types: [noop], worker: false, logger: errorsOnlyLogger });
  const t0 = Date.now();
  await client.createStack("bench", wide);
  const tCreated = Date.now();
  const info = await client.waitForStack("bench");
  const tEnd = Date.now();
  const stackKey = (await mon.keys(`${prefix}:{*}:events`))[0]!;
  const entries = await mon.xrange(stackKey, "-", "+");
  const times: number[] = [];
  const inprog: number[] = [];
  for (const [id, f] of entries) { const t = Number(id.split("-")[0]); if (f[1]?.includes('"COMPLETE"')) times.push(t - t0); else if (f[1]?.includes("IN_PROGRESS")) inprog.push(t - t0); }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.floor(p * (times.length - 1))];
  console.log(`${info.state} total ${tEnd - t0} ms, createStack ${tCreated - t0} ms; first IN_PROGRESS at ${Math.min(...inprog)} ms; completes: first ${pct(0)} 10% ${pct(0.1)} 50% ${pct(0.5)} 90% ${pct(0.9)} last ${pct(1)}; steady rate 10-90%: ${((0.8 * times.length) / ((pct(0.9)! - pct(0.1)!) / 1000)).toFixed(0)}/s`);
  await worker.close(); await client.close(); await runtime.close();
}
mon.disconnect(); await redis.stop();
