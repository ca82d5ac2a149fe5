import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { Template } from "@converge/core";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import { testRedis, uniquePrefix } from "@converge/runtime-redis/testing";
import { errorsOnlyLogger } from "@converge/core/testing";
import { noop } from "./redis-bench-type.js";
import { luaScripts } from "../packages/runtime-redis/src/lua/scripts.js";
const names = new Map(Object.entries(luaScripts).map(([n, s]) => [createHash("sha1").update(s.lua).digest("hex"), n]));
const N = 2000;
const redis = await testRedis();
const mon = new Redis(redis.url);
const wide: Template = { resources: Object.fromEntries(Array.from({ length: N }, (_, i) => [`w${i}`, { type: "bench:noop:Thing", properties: { n: i } }])) };
for (let round = 0; round < 2; round++) {
  const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("s"), logger: errorsOnlyLogger });
  const worker = await startWorker({ runtime, types: [noop], concurrency: 16, logger: errorsOnlyLogger, engineId: `e${round}` });
  const client = createEngine({ runtime, types: [noop], worker: false, logger: errorsOnlyLogger });
  if (round === 1) { await mon.config("SET", "slowlog-log-slower-than", "0"); await mon.config("SET", "slowlog-max-len", "200000"); await mon.slowlog("RESET"); }
  await client.createStack("bench", wide);
  await client.waitForStack("bench");
  if (round === 1) {
    await mon.config("SET", "slowlog-log-slower-than", "100000");
    const log = (await mon.slowlog("GET", 200000)) as Array<[number, number, number, string[]]>;
    const by = new Map<string, [number, number]>();
    for (const [, , us, args] of log) { const c = args[0]?.toLowerCase() ?? "?"; const k = c === "evalsha" ? `evalsha ${names.get(args[1] ?? "") ?? "bullmq"}` : c; const v = by.get(k) ?? [0, 0]; by.set(k, [v[0] + 1, v[1] + us]); }
    for (const [k, [n, us]] of [...by].sort((a, b) => b[1][1] - a[1][1]).slice(0, 15)) console.log(k.padEnd(30), "calls/check", (n / N).toFixed(2), "µs/call", (us / n).toFixed(1), "µs/check", (us / N).toFixed(1));
  }
  await worker.close(); await client.close(); await runtime.close();
}
mon.disconnect(); await redis.stop();
