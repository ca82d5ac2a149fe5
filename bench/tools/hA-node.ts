/**
 * Node CPU of a wide check's three script calls (claimCheck, writeRow, reportNode) on the
 * runtime side: building their arguments and decoding their replies, without Redis.
 *
 *   node --import tsx bench/tools/hA-node.ts capture /tmp/hA-capture.json       (a real wide create, N=400)
 *   node --import tsx bench/tools/hA-node.ts replay /tmp/hA-capture.json dirA [dirB ...]   (ROUNDS=15 LOOPS=20)
 *
 * `capture` runs a wide create on an own redis-server and records every EVALSHA of the three
 * scripts (arguments and reply). `replay` rebuilds each call's input (the job, the row write,
 * the report) from its recorded arguments, then calls each checkout's own claimJob / writeRow
 * / reportNode with a client that answers the recorded reply at once; it first checks that
 * every checkout sends the recorded arguments and answers what the first one answers, then times rounds of all calls per checkout,
 * alternating, and prints the median CPU µs per check (user + system), whole and by script.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { Redis } from "ioredis";

const SCRIPTS = ["claimCheck", "writeRow", "reportNode"] as const;
type Script = (typeof SCRIPTS)[number];
interface Call {
  readonly script: Script;
  readonly params: Array<string | number>;
  readonly reply: unknown;
}

async function capture(file: string): Promise<void> {
  const { luaScripts } = await import("../../packages/runtime-redis/src/lua/scripts.js");
  const bySha = new Map<string, Script>(SCRIPTS.map((s) => [createHash("sha1").update(luaScripts[s].lua).digest("hex"), s]));
  const calls: Call[] = [];
  const proto = Redis.prototype as unknown as { evalsha: (...a: unknown[]) => Promise<unknown> };
  const evalsha = proto.evalsha;
  proto.evalsha = async function (this: unknown, ...a: unknown[]) {
    const reply = await evalsha.apply(this, a);
    const script = bySha.get(a[0] as string);
    if (script !== undefined) calls.push({ script, params: a.slice(2) as Array<string | number>, reply });
    return reply;
  };
  const port = 6900 + Math.floor(Math.random() * 90);
  const server = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 300));
  const { createEngine } = await import("@converge/core");
  const { createRedisRuntime, startWorker } = await import("@converge/runtime-redis");
  const { errorsOnlyLogger } = await import("@converge/core/testing");
  const { noop } = await import("../redis-bench-type.js");
  const n = Number(process.env.N ?? 400);
  const runtime = createRedisRuntime({ connection: `redis://127.0.0.1:${port}`, prefix: "hA-node", logger: errorsOnlyLogger });
  const worker = await startWorker({ runtime, types: [noop], concurrency: 16, logger: errorsOnlyLogger, engineId: "bench-hA-node" });
  const engine = createEngine({ runtime, types: [noop], worker: false, logger: errorsOnlyLogger });
  const resources = Object.fromEntries(Array.from({ length: n }, (_, i) => [`w${i}`, { type: "bench:noop:Thing", properties: { n: i } }]));
  await engine.createStack("bench", { resources });
  const info = await engine.waitForStack("bench");
  await worker.close();
  await engine.close();
  await runtime.close();
  server.kill();
  writeFileSync(file, JSON.stringify(calls));
  console.log(`${info.state}: ${calls.length} calls (${SCRIPTS.map((s) => `${s} ${calls.filter((c) => c.script === s).length}`).join(", ")}) -> ${file}`);
}

/** The stack id in a stack key (`<prefix>:{<stackId>}:stack`). */
const stackIdOf = (key: string): string => key.slice(key.indexOf("{") + 1, key.lastIndexOf("}"));
const orUndef = (text: string | number): unknown => (text === "" ? undefined : JSON.parse(String(text)));

/** A row write from writeRow-1's / reportNode-1's condition arguments at `at`, and its patch pairs at `pairsAt`. */
function rowWrite(rowFields: readonly string[], stackId: string, p: ReadonlyArray<string | number>, at: number, pairsAt: number, pairs: number): unknown {
  const patch: Record<string, unknown> = {};
  for (let i = pairsAt; i < pairsAt + pairs; i += 2) {
    const packed = String(p[i + 1]);
    patch[rowFields[Number(p[i]) - 1] as string] = JSON.parse(packed.slice(packed.indexOf(":") + 1));
  }
  const write: Record<string, unknown> = { stackId, rowId: p[at], patch };
  const [ifTraversal, ifVersion, ifHolder, setHolder] = [orUndef(p[at + 1] as string), p[at + 2] === "" ? undefined : Number(p[at + 2]), orUndef(p[at + 3] as string), orUndef(p[at + 4] as string)];
  if (ifTraversal !== undefined) write.ifTraversal = ifTraversal;
  if (ifVersion !== undefined) write.ifVersion = ifVersion;
  if (ifHolder !== undefined) write.ifHolder = ifHolder;
  if (setHolder !== undefined) write.setHolder = setHolder;
  return write;
}

const eventOf = (text: string | number): unknown => {
  if (text === "") return undefined;
  const [time, stackName, traversalId, action, status, reason] = JSON.parse(String(text)) as unknown[];
  return { time, stackName, traversalId, action, status, reason };
};

/** One checkout's functions and a replay of one recorded call. */
interface Side {
  readonly dir: string;
  run(call: Call, input: unknown): Promise<unknown>;
  sent: Array<string | number> | null | undefined;
  readonly cpu: number[][];
}

async function side(dir: string): Promise<Side> {
  const src = `${dir}/packages/runtime-redis/src`;
  const [claim, keys, report, rows] = await Promise.all(["claim", "keys", "store-report", "store-rows"].map((m) => import(`${src}/${m}.ts`)));
  let reply: unknown;
  const s: Side = {
    dir,
    sent: undefined,
    cpu: [],
    run: async (call, input) => {
      reply = call.reply;
      const i = input as Record<string, unknown>;
      if (call.script === "claimCheck") return claim.claimJob(ctx, i.parsed, i.claimant);
      if (call.script === "writeRow") return rows.writeRow(ctx, i.write, i.event);
      return report.reportNode(ctx, i.report, async () => undefined);
    },
  };
  const client = {
    evalsha: async (_sha: string, _n: number, ...params: Array<string | number>) => {
      if (s.sent === null) s.sent = params;
      return reply;
    },
  };
  const ctx = { client, keys: keys.runtimeKeys("hA-node"), maxEventsPerStack: 100000, deletedEventsTtlMs: 1000, tombstoneTtlMs: 1000 };
  return s;
}

/** The input of a recorded call, rebuilt from its arguments. */
function inputOf(rowFields: readonly string[], parseNodeKey: (k: string) => { direction: string; rowId: string }, call: Call): unknown {
  const p = call.params;
  const stackId = stackIdOf(String(p[0]));
  if (call.script === "claimCheck") {
    const [jobId, field, generation, traversal, ttl, , , , attempt, engineId] = p.slice(1).map(String);
    const traversalId = JSON.parse(traversal as string) as string;
    const message = field === "complete" || field === "watchdog" ? { kind: field, stackId, traversalId } : { kind: "node", stackId, traversalId, ...parseNodeKey(field as string) };
    const ended = p.slice(13).map(String);
    return { parsed: { message, generation: Number(generation), jobId }, claimant: { attempt, engineId, staleGenerationTtlMs: Number(ttl), ...(ended.length > 0 ? { ended } : {}) } };
  }
  if (call.script === "writeRow") return { write: rowWrite(rowFields, stackId, p, 1, 8, p.length - 8), event: eventOf(p[6] as string) };
  const count = Number(p[12]);
  const write = p[2] === "" ? undefined : rowWrite(rowFields, stackId, p, 2, 13, count);
  const targets = [];
  for (let i = 13 + count; i < p.length; i += 4) targets.push({ node: p[i], required: Number(p[i + 1]), payload: JSON.parse(String(p[i + 2])) });
  const traversalId = String(p[11]).slice(String(p[11]).indexOf(":") + 1);
  const event = eventOf(p[7] as string);
  return { report: { stackId, traversalId, sender: p[1], targets, ...(write === undefined ? {} : { write }), ...(event === undefined ? {} : { event }) } };
}

async function replay(file: string, dirs: readonly string[]): Promise<void> {
  const calls = JSON.parse(readFileSync(file, "utf8")) as Call[];
  const { RESOURCE_ROW_FIELDS, parseNodeKey } = await import("@converge/core");
  const inputs = calls.map((c) => inputOf(RESOURCE_ROW_FIELDS, parseNodeKey as never, c));
  const sides = await Promise.all(dirs.map(side));
  const results: unknown[] = [];
  for (const s of sides) {
    for (const [i, call] of calls.entries()) {
      s.sent = null;
      const result = await s.run(call, inputs[i]);
      if (s === sides[0]) results.push(result);
      else if (!isDeepStrictEqual(result, results[i])) throw new Error(`${s.dir}: call ${i} (${call.script}) answers ${JSON.stringify(result)}, ${sides[0]?.dir} ${JSON.stringify(results[i])}`);
      // The Date.now() argument of reportNode differs run to run.
      const recorded = s.sent as Array<string | number> | null;
      const sent = call.script === "reportNode" ? recorded?.map((v, j) => (j === 9 ? call.params[9] : v)) : recorded;
      if (!isDeepStrictEqual(sent?.map(String), call.params.map(String))) throw new Error(`${s.dir}: call ${i} (${call.script}) sends ${JSON.stringify(sent)}, recorded ${JSON.stringify(call.params)}`);
    }
  }
  const checks = calls.filter((c) => c.script === "claimCheck").length;
  const rounds = Number(process.env.ROUNDS ?? 15);
  const loops = Number(process.env.LOOPS ?? 20);
  const of = SCRIPTS.map((script) => calls.flatMap((c, i) => (c.script === script ? [i] : [])));
  for (let r = 0; r < rounds; r++) {
    for (const s of r % 2 === 0 ? sides : [...sides].reverse()) {
      const cpus = [];
      for (const indexes of of) {
        const cpu0 = process.cpuUsage();
        for (let l = 0; l < loops; l++) for (const i of indexes) await s.run(calls[i] as Call, inputs[i]);
        const cpu = process.cpuUsage(cpu0);
        cpus.push((cpu.user + cpu.system) / (loops * checks));
      }
      if (r > 0) s.cpu.push(cpus);
    }
  }
  const median = (xs: number[]): string => ([...xs].sort((a, b) => a - b)[xs.length >> 1] as number).toFixed(2);
  for (const s of sides) {
    const per = SCRIPTS.map((script, j) => `${script} ${median(s.cpu.map((c) => c[j] as number))}`).join(", ");
    console.log(`${s.dir}: node CPU µs per check, median of ${s.cpu.length} rounds: ${median(s.cpu.map((c) => c.reduce((a, b) => a + b, 0)))} (${per}; ${checks} checks, ${calls.length} calls)`);
  }
}

const [mode, file, ...dirs] = process.argv.slice(2);
if (mode === "capture" && file !== undefined) await capture(file);
else if (mode === "replay" && file !== undefined && dirs.length > 0) await replay(file, dirs);
else throw new Error("usage: hA-node.ts capture <file> | replay <file> <dir>...");
process.exit(0);
