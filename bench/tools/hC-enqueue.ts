/**
 * Node CPU per job of the Redis runtime's `enqueue` (a create's leaves): N node checks of a
 * fresh traversal id per round, into a manual-mode queue (nothing runs them).
 *
 *   N=2000 ROUNDS=10 node --import tsx bench/tools/hC-enqueue.ts
 */
import { randomUUID } from "node:crypto";
import type { CheckMessage } from "@converge/core";
import { createRedisRuntime } from "@converge/runtime-redis";
import { testRedis, uniquePrefix } from "@converge/runtime-redis/testing";
import { errorsOnlyLogger } from "@converge/core/testing";

const N = Number(process.env.N ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const redis = await testRedis();
const runtime = createRedisRuntime({ connection: redis.url, prefix: uniquePrefix("hce"), mode: "manual", checkPermissions: false, logger: errorsOnlyLogger });
const stackId = randomUUID();
const perJob: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const traversalId = randomUUID();
  const messages: CheckMessage[] = Array.from({ length: N }, (_, i) => ({ kind: "node", stackId, traversalId, direction: "U", rowId: String(i + 1) }));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await runtime.enqueue(messages);
  const cpu = process.cpuUsage(cpu0);
  perJob.push((cpu.user + cpu.system) / N);
  console.log(`round ${round}: ${(performance.now() - t0).toFixed(1)} ms, node CPU ${((cpu.user + cpu.system) / N).toFixed(1)} µs/job`);
}
perJob.sort((a, b) => a - b);
console.log(`median node CPU ${perJob[Math.floor(perJob.length / 2)]?.toFixed(1)} µs/job`);
await runtime.client.flushdb();
await runtime.close();
await redis.stop();
