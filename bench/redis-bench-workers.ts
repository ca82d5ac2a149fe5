/**
 * `BENCH_WORKERS=<w> BENCH_N=<n> npm run bench:redis`: a wide stack of n no-op resources
 * (`BENCH_SHAPE=chain`: a chain of n, each resource reading the previous one's attribute)
 * created, then deleted, by w worker processes (`redis-bench-worker.ts`, concurrency BENCH_C
 * each) while this process is the API. Prints createStack's own time (until the leaves are
 * queued), create and delete to completion, commands run by Redis per check, Redis memory per
 * resource after the create and what the delete left. Goals: create <= 30 s at 100k with 4
 * workers, delete no slower than create, <= 1 KB per resource, back to baseline after delete.
 */
import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { Redis as RedisClient } from "ioredis";
import type { Redis } from "ioredis";
import { createEngine } from "@converge/core";
import type { Logger, Template } from "@converge/core";
import { createRedisRuntime } from "@converge/runtime-redis";
import { uniquePrefix } from "@converge/runtime-redis/testing";
import { luaScripts } from "../packages/runtime-redis/src/lua/scripts.js";
import { noop } from "./redis-bench-type.js";

/** What the multi-process run needs. */
export interface WorkersRun {
  readonly url: string;
  /** A connection for INFO (not counted). */
  readonly monitor: Redis;
  readonly workers: number;
  readonly n: number;
  readonly concurrency: number;
  readonly logger: Logger;
  /** The stack's shape. @default "wide" */
  readonly shape?: "wide" | "chain";
}

const info = async (monitor: Redis, section: string, field: string): Promise<number> => Number(new RegExp(`${field}:([\\d.]+)`).exec(await monitor.info(section))?.[1] ?? 0);

async function serverCommands(monitor: Redis): Promise<number> {
  let all = 0;
  for (const m of (await monitor.info("commandstats")).matchAll(/^cmdstat_(\w+(?:\|\w+)?):calls=(\d+)/gm)) if (!["evalsha", "eval", "info"].includes(m[1] ?? "")) all += Number(m[2]);
  return all;
}

/** The five largest keys of the run (MEMORY USAGE), for the memory left after the delete. */
async function largestKeys(monitor: Redis, prefix: string): Promise<string> {
  const sizes: Array<[string, number]> = [];
  for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
    let cursor = "0";
    do {
      const [next, keys] = await monitor.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      for (const key of keys) {
        const type = await monitor.type(key);
        const entries = type === "stream" ? ` (${await monitor.xlen(key)} entries)` : "";
        sizes.push([`${key.slice(pattern.length - 1)}${entries}`, Number(await monitor.memory("USAGE", key))]);
      }
    } while (cursor !== "0");
  }
  return sizes.sort((a, b) => b[1] - a[1]).slice(0, 5).map(([key, bytes]) => `${key} ${(bytes / 1024).toFixed(0)} KiB`).join(", ");
}

/** Ms between the two newest events of a stack's stream (its last resource event and its COMPLETE event). */
async function completionTail(monitor: Redis, key: string): Promise<number> {
  const entries = await monitor.xrevrange(key, "+", "-", "COUNT", 2);
  const ms = entries.map(([id]) => Number(id.split("-")[0]));
  return ms.length === 2 ? (ms[0] as number) - (ms[1] as number) : NaN;
}

/** CPU time the Redis server has used (user + system), s. */
async function redisCpuS(monitor: Redis): Promise<number> {
  return (await info(monitor, "cpu", "used_cpu_user")) + (await info(monitor, "cpu", "used_cpu_sys"));
}

/** Script names by SHA1 (SLOWLOG shows EVALSHA's SHA). */
const scriptNames = new Map(Object.entries(luaScripts).map(([name, script]) => [createHash("sha1").update(script.lua).digest("hex"), name]));

/**
 * SLOWLOG entries over 50 ms since the reset, the slowest first (command, or script name, and
 * ms), and the slowest plain command of a few arguments - O(1) work, so its time is the
 * machine's preemption noise.
 */
async function slowEntries(monitor: Redis): Promise<string> {
  const log = ((await monitor.slowlog("GET", 128)) as Array<[number, number, number, string[]]>).filter((e) => !["config", "slowlog", "info"].includes(String(e[3][0]).toLowerCase()));
  const name = (args: string[]): string => (/^evalsha/i.test(String(args[0])) ? (scriptNames.get(String(args[1])) ?? "EVALSHA (BullMQ)") : String(args[0]).toUpperCase());
  const plain = log.filter((e) => e[3].length <= 12 && !/^eval/i.test(String(e[3][0])));
  const noise = Math.max(0, ...plain.map((e) => e[2])) / 1000;
  const top = [...log].sort((a, b) => b[2] - a[2]).slice(0, 5).map((e) => `${name(e[3])} ${(e[2] / 1000).toFixed(0)} ms`);
  return `${log.length} SLOWLOG entries over 50 ms${top.length > 0 ? `, slowest: ${top.join(", ")}` : ""}; slowest plain O(1) command (machine noise): ${noise.toFixed(0)} ms`;
}

/** What the worker processes have used so far: CPU time (user + system, s) and commands sent by name. */
interface WorkersUse {
  readonly cpuS: number;
  readonly commands: ReadonlyMap<string, number>;
  /** Node checks run so far by each worker process (its `reportNode` calls: one per node check, wherever its claim was made), in process order. */
  readonly claims: readonly number[];
}

/** Ask every worker process for its CPU time and commands so far. */
async function workersUse(children: readonly ChildProcess[]): Promise<WorkersUse> {
  const each = await Promise.all(
    children.map(
      (child) =>
        new Promise<{ cpuUs: number; commands: Record<string, number> }>((resolve) => {
          const onMessage = (message: unknown): void => {
            if (typeof message !== "object" || message === null || !("cpuUs" in message)) return;
            child.off("message", onMessage);
            resolve(message as { cpuUs: number; commands: Record<string, number> });
          };
          child.on("message", onMessage);
          child.send("use");
        }),
    ),
  );
  const commands = new Map<string, number>();
  for (const e of each) for (const [name, n] of Object.entries(e.commands)) commands.set(name, (commands.get(name) ?? 0) + n);
  return { cpuS: each.reduce((a, e) => a + e.cpuUs / 1e6, 0), commands, claims: each.map((e) => e.commands.reportNode ?? 0) };
}

/** The share of the node checks between two readings that each worker process ran (a chain's links stay in one process when its successor is fetched where it was made). */
function claimsByProcess(before: WorkersUse, after: WorkersUse): string {
  const diff = after.claims.map((n, i) => n - (before.claims[i] ?? 0));
  const total = diff.reduce((a, n) => a + n, 0) || 1;
  return diff.map((n) => `${Math.round((100 * n) / total)}%`).join(" / ");
}

/** The commands the workers sent between two readings, per check, most first. */
function commandsPerCheck(before: WorkersUse, after: WorkersUse, checks: number): string {
  const diff = [...after.commands].map(([name, n]): [string, number] => [name, n - (before.commands.get(name) ?? 0)]).filter(([, n]) => n > 0);
  const total = diff.reduce((a, [, n]) => a + n, 0);
  return `${(total / checks).toFixed(2)}: ${diff.sort((x, y) => y[1] - x[1]).map(([name, n]) => `${name} ${(n / checks).toFixed(2)}`).join(", ")}`;
}

/** Commands this process (the API) sent by name, but the monitor's (installed by runWithWorkerProcesses). */
const apiCommands = new Map<string, number>();

/** Count this process's commands by name (our scripts by name, BullMQ's as `bullmq/<key count>`), but `monitor`'s. */
function countApiCommands(monitor: Redis): void {
  const sendCommand = RedisClient.prototype.sendCommand;
  RedisClient.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis["sendCommand"]>) {
    if (this !== monitor) {
      const cmd = args[0] as { name: string; args: unknown[] };
      const name = cmd.name === "evalsha" ? (scriptNames.get(String(cmd.args[0])) ?? `bullmq/${String(cmd.args[1])}`) : cmd.name;
      apiCommands.set(name, (apiCommands.get(name) ?? 0) + 1);
    }
    return sendCommand.apply(this, args);
  };
}

/** This process's CPU time so far (user + system, s). */
const ownCpuS = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** BENCH_CPU_PROF=<dir>: each worker process writes a CPU profile there (node --cpu-prof). */
const profileDir = process.env.BENCH_CPU_PROF;

/** Start `count` worker processes; resolves once each has its engine registered. */
async function startWorkers(count: number, env: NodeJS.ProcessEnv): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = fork(new URL("./redis-bench-worker.ts", import.meta.url), [], { execArgv: ["--import", "tsx", ...(profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`])], env, stdio: ["ignore", "inherit", "inherit", "ipc"] });
      return new Promise<ChildProcess>((resolve, reject) => {
        child.once("message", () => resolve(child));
        child.once("exit", (code) => reject(new Error(`bench worker exited with ${String(code)} before it was ready`)));
      });
    }),
  );
}

/** Run the create and delete of a wide stack with worker processes and print the figures. */
export async function runWithWorkerProcesses(run: WorkersRun): Promise<void> {
  countApiCommands(run.monitor);
  const prefix = uniquePrefix("bench-w");
  const children = await startWorkers(run.workers, { ...process.env, BENCH_REDIS_URL: run.url, BENCH_PREFIX: prefix, BENCH_C: String(run.concurrency) });
  const runtime = createRedisRuntime({ connection: run.url, prefix, logger: run.logger, autoPipelining: process.env.BENCH_AUTOPIPE === "1" });
  const api = createEngine({ runtime, types: [noop], worker: false, logger: run.logger });
  const chain = run.shape === "chain";
  const template: Template = {
    resources: Object.fromEntries(Array.from({ length: run.n }, (_, i) => [`w${i}`, { type: noop.type, properties: { n: chain && i > 0 ? { get_attr: [`w${i - 1}`, "n"] } : i } }])),
  };
  try {
    await run.monitor.config("SET", "slowlog-log-slower-than", "50000");
    await run.monitor.config("SET", "slowlog-max-len", "128");
    await run.monitor.slowlog("RESET");
    const memoryBefore = await info(run.monitor, "memory", "used_memory");
    const cpuBefore = await redisCpuS(run.monitor);
    const commandsBefore = await serverCommands(run.monitor);
    const workersBefore = await workersUse(children);
    const apiBefore = ownCpuS();
    const apiCommandsBefore = new Map(apiCommands);
    const start = performance.now();
    await api.createStack("bench", template);
    const started = performance.now() - start;
    const apiStarted = ownCpuS();
    const created = await api.waitForStack("bench");
    const createMs = performance.now() - start;
    if (created.state !== "CREATE_COMPLETE") throw new Error(`create: ${created.state} ${created.statusReason}`);
    const createTail = await completionTail(run.monitor, `${prefix}:{${created.id}}:events`);
    const memoryCreated = await info(run.monitor, "memory", "used_memory");
    const commandsCreated = await serverCommands(run.monitor);
    const cpuCreated = await redisCpuS(run.monitor);
    const apiCreated = ownCpuS();
    const apiCommandsCreated = new Map(apiCommands);
    const workersCreated = await workersUse(children);
    const deleteStart = performance.now();
    await api.deleteStack("bench");
    const deleted = await api.waitForStack("bench");
    const deleteMs = performance.now() - deleteStart;
    if (deleted.state !== "DELETE_COMPLETE") throw new Error(`delete: ${deleted.state} ${deleted.statusReason}`);
    const commandsDeleted = await serverCommands(run.monitor);
    const cpuDeleted = await redisCpuS(run.monitor);
    const apiDeleted = ownCpuS();
    const apiCommandsDeleted = new Map(apiCommands);
    const workersDeleted = await workersUse(children);
    // UNLINK frees large keys on a background thread: read memory once that is done.
    for (let i = 0; i < 100 && (await info(run.monitor, "memory", "lazyfree_pending_objects")) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    const memoryDeleted = await info(run.monitor, "memory", "used_memory");
    const clients = await info(run.monitor, "memory", "mem_clients_normal");
    const load = loadavg().map((l) => l.toFixed(1)).join(" ");
    console.log(`Redis bench, worker processes: ${chain ? "chain" : "wide"} N=${run.n}, ${run.workers} workers at concurrency ${run.concurrency}; ${cpus().length} CPUs, load average ${load}`);
    console.log(`create: ${(createMs / 1000).toFixed(1)} s (createStack itself ${(started / 1000).toFixed(1)} s), ${((commandsCreated - commandsBefore) / (run.n + 1)).toFixed(1)} Redis commands per check, Redis CPU ${(cpuCreated - cpuBefore).toFixed(1)} s`);
    console.log(`completion tail (last resource event to the stack's COMPLETE event): create ${createTail} ms`);
    console.log(`delete: ${(deleteMs / 1000).toFixed(1)} s, ${((commandsDeleted - commandsCreated) / (run.n + 1)).toFixed(1)} Redis commands per check`);
    console.log(`delete Redis CPU: ${(cpuDeleted - cpuCreated).toFixed(1)} s`);
    const perCheck = (s: number): string => `${((s * 1e6) / (run.n + 1)).toFixed(0)} µs/chk`;
    console.log(`Node CPU: create API ${(apiCreated - apiBefore).toFixed(1)} s (createStack ${(apiStarted - apiBefore).toFixed(1)} s), workers ${(workersCreated.cpuS - workersBefore.cpuS).toFixed(1)} s (${perCheck(workersCreated.cpuS - workersBefore.cpuS)}); delete API ${(apiDeleted - apiCreated).toFixed(1)} s, workers ${(workersDeleted.cpuS - workersCreated.cpuS).toFixed(1)} s (${perCheck(workersDeleted.cpuS - workersCreated.cpuS)})`);
    console.log(`worker commands per check, create ${commandsPerCheck(workersBefore, workersCreated, run.n + 1)}`);
    console.log(`API commands per check, create ${commandsPerCheck({ cpuS: 0, commands: apiCommandsBefore, claims: [] }, { cpuS: 0, commands: apiCommandsCreated, claims: [] }, run.n + 1)}`);
    console.log(`API commands per check, delete ${commandsPerCheck({ cpuS: 0, commands: apiCommandsCreated, claims: [] }, { cpuS: 0, commands: apiCommandsDeleted, claims: [] }, run.n + 1)}`);
    console.log(`worker commands per check, delete ${commandsPerCheck(workersCreated, workersDeleted, run.n + 1)}`);
    if (run.workers > 1) console.log(`checks by worker process: create ${claimsByProcess(workersBefore, workersCreated)}; delete ${claimsByProcess(workersCreated, workersDeleted)}`);
    console.log(`Redis memory: ${((memoryCreated - memoryBefore) / run.n).toFixed(0)} B per resource after the create; ${((memoryDeleted - memoryBefore) / 1024).toFixed(0)} KiB left after the delete (of which ${(clients / 1024).toFixed(0)} KiB client buffers), largest keys: ${await largestKeys(run.monitor, prefix)}`);
    console.log(`Redis calls: ${await slowEntries(run.monitor)}`);
  } finally {
    await api.close();
    await runtime.close();
    await Promise.all(children.map((child) => new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill("SIGTERM");
    })));
  }
}
