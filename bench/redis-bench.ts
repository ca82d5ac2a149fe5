/**
 * `npm run bench:redis`: what the convergence protocol costs on Redis compared with a bare
 * BullMQ job, in one run and one process layout (producer and worker in this process, one
 * local Redis - its own `redis-server` when on PATH, else REDIS_URL):
 *
 *   (a) raw BullMQ: add N no-op jobs (one addBulk) and process them at concurrency C;
 *   (b) our create of a wide stack of N no-op resources, one worker at concurrency C;
 *   (c) a chain of L resources and a F-way fan-in (F leaves, one resource depending on all).
 *
 * Printed per run: checks/s, Redis commands per check (sent by the process's clients, a
 * script call counting one; and run by Redis, counting each command inside scripts), job
 * payload bytes (max over every job added), and the ratio
 * (b)/(a) of checks/s. Target: ratio >= 0.5 and payload bytes independent of the graph.
 *
 * (a) and (b) run BENCH_ROUNDS times, alternating, and the median run of each is printed.
 * Before them, BENCH_WARMUP alternating rounds of both are run and not counted: a worker
 * process runs for hours, and V8 needs a few thousand checks to optimise the check path
 * (a cold process's first 2,000 checks cost ~2x the Node CPU of later ones). The first
 * round's ratio is printed too, as the cold figure; BENCH_WARMUP=0 measures a cold process.
 *
 *   BENCH_N=2000 BENCH_C=16 BENCH_CHAIN=200 BENCH_FANIN=500 BENCH_ROUNDS=3 BENCH_WARMUP=3 npm run bench:redis
 *
 * BENCH_ONLY=wide runs (b) alone (for a profile of the check path).
 * BENCH_TRACE=1 also prints, per run, the commands this process sent per check by name (script
 * calls by script name, BullMQ's as "bullmq") with their mean argument bytes, and the socket
 * writes per check (an auto-pipelined batch is one); BENCH_TRACE_ARGS=1 also prints the
 * arguments of one call of each command.
 * BENCH_SLOWLOG=1 also prints, per run, the Redis time per check by command (script calls by
 * script name): it logs every command to Redis's SLOWLOG (threshold 0) during the run.
 * BENCH_PHASES=1 prints createStack's own time and Node CPU per run (the workers already run
 * meanwhile), and each run's checks/s and Node and Redis CPU per check. BENCH_AUTOPIPE=1 runs the runtime with ioredis auto-pipelining on (default off).
 * BENCH_WORKERS=<w> runs with worker processes instead (`redis-bench-workers.ts`;
 * BENCH_SHAPE=chain for a chain).
 *
 * The packages run from their sources under tsx, whose keepNames wrapper costs ~0.2 µs per
 * closure made (~4 ns in the built code): to measure the built packages instead, run
 * `npm run build` first and then the bench with TSX_TSCONFIG_PATH=tsconfig.base.json (a
 * tsconfig without `paths`, so `@converge/*` resolve to `dist`).
 */
import { createHash } from "node:crypto";
import { Socket } from "node:net";
import { cpus, loadavg } from "node:os";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { ResourceDefinition, Template } from "@converge/core";
import { createRedisRuntime, startWorker } from "@converge/runtime-redis";
import { testRedis, uniquePrefix } from "@converge/runtime-redis/testing";
import { errorsOnlyLogger } from "@converge/core/testing";
import { noop } from "./redis-bench-type.js";
import { runWithWorkerProcesses } from "./redis-bench-workers.js";
import { luaScripts } from "../packages/runtime-redis/src/lua/scripts.js";

const N = Number(process.env.BENCH_N ?? 2000);
const C = Number(process.env.BENCH_C ?? 16);
const CHAIN = Number(process.env.BENCH_CHAIN ?? 200);
const FANIN = Number(process.env.BENCH_FANIN ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Alternating rounds of (a) and (b) run first and not counted (see the header). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);

interface Result {
  readonly name: string;
  readonly checks: number;
  readonly ms: number;
  readonly clientCommands: number;
  readonly allCommands: number;
  readonly payloadBytes: number;
  /** CPU time of this process (workers, client, BullMQ), ms. */
  readonly nodeCpuMs: number;
  /** CPU time of the Redis server, ms. */
  readonly redisCpuMs: number;
  /** Redis memory the run left (used_memory after - before), bytes. */
  readonly memoryBytes: number;
}

const redis = await testRedis();
const monitor = new Redis(redis.url);

/** Commands sent by every ioredis client of this process (BullMQ's included), but the monitor's. */
let sent = 0;
/** BENCH_TRACE=1: commands sent by name (scripts by their name), per run. */
const TRACE = process.env.BENCH_TRACE === "1";
const traced = new Map<string, number>();
const tracedBytes = new Map<string, number>();
const scriptNames = new Map(Object.entries(luaScripts).map(([name, script]) => [createHash("sha1").update(script.lua).digest("hex"), name]));
const sendCommand = Redis.prototype.sendCommand;
/** Largest job payload (data JSON) the runtime's `addJobs` calls sent since the last reset. */
let addedPayload = 0;
Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis["sendCommand"]>) {
  if (this !== monitor) {
    sent += 1;
    const cmd = args[0] as { name: string; args: unknown[] };
    if (cmd.name === "evalsha" && scriptNames.get(String(cmd.args[0])) === "addJobs") {
      // addJobs' ARGV: version, timestamp, marker flag, then per job: id, name, data, opts.
      const argv = cmd.args.slice(2 + Number(cmd.args[1]));
      for (let i = 5; i < argv.length; i += 4) addedPayload = Math.max(addedPayload, String(argv[i]).length);
    }
    if (TRACE) {
      const cmd = args[0] as { name: string; args: unknown[] };
      const name = cmd.name === "evalsha" ? `evalsha ${scriptNames.get(String(cmd.args[0])) ?? "bullmq"}` : cmd.name;
      traced.set(name, (traced.get(name) ?? 0) + 1);
      if (process.env.BENCH_TRACE_ARGS === "1" && traced.get(name) === 100) console.log(name, JSON.stringify(cmd.args.map((a) => (Buffer.isBuffer(a) ? `<${a.length} B>` : a))).slice(0, 3000));
      const bytes = cmd.args.reduce<number>((sum, a) => sum + (typeof a === "string" ? Buffer.byteLength(a) : Buffer.isBuffer(a) ? a.length : String(a).length), 0);
      tracedBytes.set(name, (tracedBytes.get(name) ?? 0) + bytes);
    }
  }
  return sendCommand.apply(this, args);
};

/** BENCH_TRACE=1: socket writes of this process (an auto-pipelined batch is one write), per run. */
let socketWrites = 0;
if (TRACE) {
  const write = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket["write"]>) {
    socketWrites += 1;
    return write.apply(this, args);
  } as Socket["write"];
}

/** Commands so far: sent by clients, and run by Redis (a script's own commands included, the script call not). */
async function commandCounts(): Promise<{ client: number; all: number }> {
  const commandstats = await monitor.info("commandstats");
  let all = 0;
  for (const m of commandstats.matchAll(/^cmdstat_(\w+(?:\|\w+)?):calls=(\d+)/gm)) if (!["evalsha", "eval", "info"].includes(m[1] ?? "")) all += Number(m[2]);
  return { client: sent, all };
}

/** BENCH_PHASES=1: createStack's own time and CPU, per run. */
const PHASES = process.env.BENCH_PHASES === "1";
/** BENCH_SLOWLOG=1: every command of the run goes to SLOWLOG, read back and summed by name. */
const SLOWLOG = process.env.BENCH_SLOWLOG === "1";

async function startSlowlog(): Promise<void> {
  await monitor.config("SET", "slowlog-max-len", "1000000");
  await monitor.config("SET", "slowlog-log-slower-than", "0");
  await monitor.slowlog("RESET");
}

/** Reads the SLOWLOG written since `startSlowlog` and prints µs per check by command name. */
async function printSlowlog(name: string, checks: number): Promise<void> {
  await monitor.config("SET", "slowlog-log-slower-than", "10000");
  const entries = (await monitor.slowlog("GET", "-1")) as [number, number, number, (string | Buffer)[], string][];
  await monitor.slowlog("RESET");
  const time = new Map<string, { us: number; calls: number }>();
  let total = 0;
  for (const [, , us, args, client] of entries) {
    const command = String(args[0]).toLowerCase();
    // A command a script ran is logged too, with client "?:0"; its time is in the script's.
    const inScript = client === "?:0";
    if (!inScript) total += us;
    const key = inScript ? `(in scripts) ${command}` : command === "evalsha" ? `evalsha ${scriptNames.get(String(args[1])) ?? "bullmq"}` : command;
    const t = time.get(key) ?? { us: 0, calls: 0 };
    t.us += us;
    t.calls += 1;
    time.set(key, t);
  }
  const rows = [...time].sort((x, y) => y[1].us - x[1].us).slice(0, 16);
  console.log(`${name}: Redis time per check by command (SLOWLOG; a script's time includes its commands' and their logging): total ${(total / checks).toFixed(0)} µs; ${rows.map(([c, t]) => `${c} ${(t.us / checks).toFixed(1)} µs (${(t.us / t.calls).toFixed(1)} µs/call)`).join(", ")}`);
}

async function measure(name: string, checks: number, payloadBytes: () => number, run: () => Promise<void>): Promise<Result> {
  traced.clear();
  tracedBytes.clear();
  socketWrites = 0;
  const before = await commandCounts();
  const cpuBefore = process.cpuUsage();
  const redisCpu = async (): Promise<number> => {
    const info = await monitor.info("cpu");
    return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  };
  const redisBefore = await redisCpu();
  const memoryBefore = await usedMemory(monitor);
  if (SLOWLOG) await startSlowlog();
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  if (SLOWLOG) await printSlowlog(name, checks);
  const cpu = process.cpuUsage(cpuBefore);
  const redisCpuMs = ((await redisCpu()) - redisBefore) * 1000;
  const after = await commandCounts();
  if (PHASES) console.log(`${name}: run ${ms.toFixed(0)} ms, ${((checks / ms) * 1000).toFixed(0)} checks/s, node ${(((cpu.user + cpu.system) / checks)).toFixed(0)} µs/chk, redis ${((redisCpuMs * 1000) / checks).toFixed(0)} µs/chk`);
  if (TRACE) console.log(`${name}: client commands per check: ${[...traced].sort((x, y) => y[1] - x[1]).map(([c, n]) => `${c} ${(n / checks).toFixed(2)} (${((tracedBytes.get(c) ?? 0) / n).toFixed(0)} B)`).join(", ")}; socket writes per check ${(socketWrites / checks).toFixed(2)}`);
  return {
    name,
    checks,
    ms,
    clientCommands: after.client - before.client,
    allCommands: after.all - before.all,
    payloadBytes: payloadBytes(),
    nodeCpuMs: (cpu.user + cpu.system) / 1000,
    redisCpuMs,
    memoryBytes: (await usedMemory(monitor)) - memoryBefore,
  };
}

/** Redis's used_memory, bytes. */
async function usedMemory(client: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await client.info("memory"))?.[1] ?? 0);
}

/** The run of median duration. */
function median(runs: readonly Result[]): Result {
  return [...runs].sort((x, y) => x.ms - y.ms)[Math.floor(runs.length / 2)] as Result;
}

/**
 * A stand-in for one of a check's own round trips (lock write, report; the claim rides on
 * BullMQ's fetch on a standalone Redis): the smallest script call that reads and writes one
 * field. Used by the floor run (a+2).
 */
const ROUND_TRIP_STAND_IN = "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return redis.call('HGET', KEYS[1], ARGV[1])";

/**
 * (a) Bare BullMQ: N no-op jobs, concurrency C. With `roundTrips` > 0 (the floor run, a+2),
 * each job's handler also makes that many sequential trivial script calls - what a check's
 * lock write and report cost in round trips alone, with none of their work: an upper bound on
 * the checks/s of any design that keeps those two round trips beside BullMQ's two.
 */
async function rawBullmq(roundTrips = 0): Promise<Result> {
  const prefix = `{${uniquePrefix("raw")}}`;
  const queueConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue("raw", { connection: queueConnection, prefix });
  let payload = 0;
  const jobs = Array.from({ length: N }, (_, i) => {
    const data = { kind: "node", stackId: "00000000-0000-0000-0000-000000000000", traversalId: "00000000-0000-0000-0000-000000000000", rowId: String(i + 1), direction: "U" };
    payload = Math.max(payload, JSON.stringify(data).length);
    return { name: "node", data, opts: { jobId: `raw|${i}`, removeOnComplete: true, removeOnFail: true } };
  });
  let done = 0;
  let finish = (): void => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const calls = new Redis(redis.url);
  const sha = roundTrips > 0 ? String(await calls.script("LOAD", ROUND_TRIP_STAND_IN)) : "";
  const handler = async (job: { id?: string }): Promise<null> => {
    for (let i = 0; i < roundTrips; i++) await calls.evalsha(sha, 1, `${prefix}:floor:${job.id ?? ""}`, "f", String(i));
    return null;
  };
  const worker = new Worker("raw", handler, { connection: workerConnection, prefix, concurrency: C, autorun: false });
  worker.on("completed", () => {
    if (++done === N) finish();
  });
  const name = roundTrips === 0 ? "(a) raw BullMQ no-op jobs" : `(a+${roundTrips}) raw BullMQ + ${roundTrips} script calls/job`;
  const result = await measure(name, N, () => payload, async () => {
    void worker.run();
    await queue.addBulk(jobs);
    await finished;
  });
  await worker.close();
  await queue.close();
  if (roundTrips > 0) await calls.eval(`for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('UNLINK', k) end`, 0, `${prefix}:floor:*`);
  calls.disconnect();
  queueConnection.disconnect();
  workerConnection.disconnect();
  return result;
}


/** A stack run with one worker at concurrency C; payload bytes of every job the runtime adds. */
async function converge(name: string, template: Template, checks: number): Promise<Result> {
  const prefix = uniquePrefix("bench");
  const runtime = createRedisRuntime({ connection: redis.url, prefix, logger: errorsOnlyLogger, autoPipelining: process.env.BENCH_AUTOPIPE === "1" });
  // Jobs go to BullMQ through addJobs (its payloads are read in sendCommand above) or, for a
  // queue of another BullMQ version, addBulk.
  let payload = 0;
  addedPayload = 0;
  const addBulk = runtime.queue.addBulk.bind(runtime.queue);
  runtime.queue.addBulk = async (jobs) => {
    for (const job of jobs) payload = Math.max(payload, JSON.stringify(job.data).length);
    return addBulk(jobs);
  };
  const worker = await startWorker({ runtime, types: [noop], concurrency: C, logger: errorsOnlyLogger, engineId: `bench-${prefix}` });
  const client = createEngine({ runtime, types: [noop], worker: false, logger: errorsOnlyLogger });
  const result = await measure(name, checks, () => Math.max(payload, addedPayload), async () => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await client.createStack("bench", template);
    const cpu = process.cpuUsage(cpu0);
    if (PHASES) console.log(`${name}: createStack ${(performance.now() - t0).toFixed(0)} ms, node CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);
    const info = await client.waitForStack("bench");
    if (info.state !== "CREATE_COMPLETE") throw new Error(`${name}: ${info.state} ${info.statusReason}`);
  });
  await worker.close();
  await client.close();
  await runtime.close();
  return result;
}

const thing = (properties: Record<string, unknown> = {}, dependsOn?: string[]): ResourceDefinition => ({
  type: "bench:noop:Thing",
  properties,
  ...(dependsOn === undefined ? {} : { depends_on: dependsOn }),
});
const wide: Template = { resources: Object.fromEntries(Array.from({ length: N }, (_, i) => [`w${i}`, thing({ n: i })])) };
const chain: Template = { resources: Object.fromEntries(Array.from({ length: CHAIN }, (_, i) => [`c${i}`, i === 0 ? thing({ n: 0 }) : thing({ n: { get_attr: [`c${i - 1}`, "n"] } })])) };
const leaves = Array.from({ length: FANIN }, (_, i) => `f${i}`);
const fanIn: Template = { resources: { ...Object.fromEntries(leaves.map((l, i) => [l, thing({ n: i })])), sink: thing({}, leaves) } };

const WORKERS = Number(process.env.BENCH_WORKERS ?? 0);
/** BENCH_ONLY=wide: only (b), ROUNDS times (for profiles: `node --cpu-prof`). */
const WIDE_ONLY = process.env.BENCH_ONLY === "wide";

try {
  if (WORKERS > 0) {
    await runWithWorkerProcesses({ url: redis.url, monitor, workers: WORKERS, n: N, concurrency: C, logger: errorsOnlyLogger, shape: process.env.BENCH_SHAPE === "chain" ? "chain" : "wide" });
  } else {
    await sameProcessRuns();
  }
} finally {
  monitor.disconnect();
  await redis.stop();
}

/** (a), (b) and (c) in this process. */
async function sameProcessRuns(): Promise<void> {
  const results: Result[] = [];
  // (a) and (b) alternate ROUNDS times and each reports its median run, so a load spike of
  // the machine hits both sides of the ratio alike.
  const raws: Result[] = [];
  const wides: Result[] = [];
  // The first round of each side, counted or not: the cold figure.
  const firsts: Result[] = [];
  const warmup = WIDE_ONLY ? 0 : WARMUP;
  for (let round = 0; round < warmup + ROUNDS; round++) {
    if (WIDE_ONLY) {
      wides.push(await converge(`(b) wide stack of ${N} no-op resources`, wide, N + 1));
      continue;
    }
    const raw = await rawBullmq();
    // Every run: one check per update node plus the completion check.
    const ours = await converge(`(b) wide stack of ${N} no-op resources`, wide, N + 1);
    if (round === 0) firsts.push(raw, ours);
    if (round < warmup) continue;
    raws.push(raw);
    wides.push(ours);
  }
  if (WIDE_ONLY) {
    const w = median(wides);
    console.log(`${w.name}: ${((w.checks / w.ms) * 1000).toFixed(0)} checks/s, ${(w.clientCommands / w.checks).toFixed(2)} cmds/check, ${(w.allCommands / w.checks).toFixed(1)} incl. Lua, node ${((w.nodeCpuMs * 1000) / w.checks).toFixed(0)} µs/chk, redis ${((w.redisCpuMs * 1000) / w.checks).toFixed(0)} µs/chk`);
    return;
  }
  results.push(median(raws), median(wides));
  const floor = await rawBullmq(2);
  results.push(await converge(`(c) chain of ${CHAIN}`, chain, CHAIN + 1));
  results.push(await converge(`(c) ${FANIN}-way fan-in`, fanIn, FANIN + 2));
  const [raw, ours] = results as [Result, Result];
  const rate = (r: Result): number => (r.checks / r.ms) * 1000;
  const load = loadavg().map((l) => l.toFixed(1)).join(" ");
  console.log(`Redis bench: N=${N}, concurrency C=${C}, median of ${ROUNDS} alternating runs of (a) and (b) after ${warmup} warm-up rounds of both, one process, ${redis.own ? "own redis-server" : redis.url}; ${cpus().length} CPUs, load average ${load}`);
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`${"run".padEnd(width)}  ${"checks".padStart(7)}  ${"ms".padStart(8)}  ${"checks/s".padStart(9)}  ${"cmds/check".padStart(10)}  ${"incl. Lua".padStart(9)}  ${"payload B".padStart(9)}  ${"node µs/chk".padStart(11)}  ${"redis µs/chk".padStart(12)}  ${"B/resource".padStart(10)}`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(width)}  ${String(r.checks).padStart(7)}  ${r.ms.toFixed(0).padStart(8)}  ${rate(r).toFixed(0).padStart(9)}  ${(r.clientCommands / r.checks).toFixed(1).padStart(10)}  ${(r.allCommands / r.checks).toFixed(1).padStart(9)}  ${String(r.payloadBytes).padStart(9)}  ${((r.nodeCpuMs * 1000) / r.checks).toFixed(0).padStart(11)}  ${((r.redisCpuMs * 1000) / r.checks).toFixed(0).padStart(12)}  ${(r.name.startsWith("(a)") ? "-" : (r.memoryBytes / (r.checks - 1)).toFixed(0)).padStart(10)}`,
    );
  }
  const ratio = rate(ours) / rate(raw);
  console.log(`ratio (b)/(a) checks/s: ${ratio.toFixed(2)} (target >= 0.5: ${ratio >= 0.5 ? "met" : "NOT met"})${warmup === 0 ? " - a cold process" : `, after ${warmup} warm-up rounds`}`);
  const [coldRaw, coldOurs] = firsts as [Result, Result];
  console.log(
    `cold: the process's first round: (a) ${rate(coldRaw).toFixed(0)} jobs/s, (b) ${rate(coldOurs).toFixed(0)} checks/s, node ${((coldOurs.nodeCpuMs * 1000) / coldOurs.checks).toFixed(0)} µs/chk; ratio ${(rate(coldOurs) / rate(coldRaw)).toFixed(2)} (V8 has not optimised the check path yet)`,
  );
  console.log(
    `floor: ${floor.name}: ${rate(floor).toFixed(0)} jobs/s, node ${((floor.nodeCpuMs * 1000) / floor.checks).toFixed(0)} µs/job; ratio (a+2)/(a) ${(rate(floor) / rate(raw)).toFixed(2)}, (b)/(a+2) ${(rate(ours) / rate(floor)).toFixed(2)} (the lock write's and the report's round trips alone, with no work in them, bound the ratio a check can reach)`,
  );
  const payloads = results.slice(1).map((r) => r.payloadBytes);
  console.log(`payload bytes over (b) and (c): ${Math.min(...payloads)}..${Math.max(...payloads)} (ids only; grows only with the digits of a row id)`);
  console.log("B/resource: Redis used_memory left by the completed create (rows, templates, events), per resource");
}
