/**
 * A/B of a wide check's three scripts (claimCheck, writeRow, reportNode) between two checkouts,
 * in one process on an own redis-server: each checkout's own claimJob / writeRow / reportNode
 * (its scripts, its argument formats) runs on a stack of its own, in alternating blocks of
 * BLOCK calls per script; each block is timed by Redis's `INFO commandstats` (usec per
 * EVALSHA) and its CPU (`INFO cpu`). Prints min / p25 / median per script over the blocks
 * (the low quantiles are what a shared, noisy machine leaves comparable).
 *
 *   node --import tsx bench/tools/hA-ab.ts /path/to/checkoutA /path/to/checkoutB   (BLOCKS=24 BLOCK=250)
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { Redis } from "ioredis";
import type { ResourceRow } from "@converge/core";

const BLOCKS = Number(process.env.BLOCKS ?? 24);
const BLOCK = Number(process.env.BLOCK ?? 250);
const ROWS = BLOCK * 4;
const PORT = 6500 + Math.floor(Math.random() * 400);
const t = "ed6b22d0-3c0d-4c8d-a229-1148089bdf08";
const holder = "bench-bench-e34c2db5#b4c75109-3ae8-4ebe-802a-9f7bf963150d";
const SCRIPTS = ["claimCheck", "writeRow", "reportNode"] as const;

/** What one checkout's three calls need. */
interface Side {
  readonly label: string;
  readonly stackId: string;
  readonly ctx: Record<string, unknown> & { keys: { stack(id: string): Record<string, unknown> & { stack: string; rows: string } } };
  readonly claimJob: (...a: unknown[]) => Promise<unknown>;
  readonly writeRow: (...a: unknown[]) => Promise<{ ok: boolean }>;
  readonly reportNode: (...a: unknown[]) => Promise<{ kind: string }>;
  readonly encodeRow: (row: ResourceRow) => string;
  readonly stackPairs: (r: Record<string, unknown>) => string[];
  readonly stats: Record<string, { us: number[]; cpu: number[]; bytes: number }>;
}

const server = spawn("redis-server", ["--port", String(PORT), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 300));
const client = new Redis({ port: PORT });

async function side(label: string, dir: string, stackId: string): Promise<Side> {
  const src = `${dir}/packages/runtime-redis/src`;
  const [claim, codec, keys, report, rows] = await Promise.all(["claim", "codec", "keys", "store-report", "store-rows"].map((m) => import(`${src}/${m}.ts`)));
  const ctx = { client, keys: keys.runtimeKeys("bench-ab"), maxEventsPerStack: 100000, deletedEventsTtlMs: 1000, tombstoneTtlMs: 1000 };
  const stats = Object.fromEntries(SCRIPTS.map((s) => [s, { us: [] as number[], cpu: [] as number[], bytes: 0 }]));
  return { label, stackId, ctx, claimJob: claim.claimJob, writeRow: rows.writeRow, reportNode: report.reportNode, encodeRow: codec.encodeRow, stackPairs: codec.stackPairs, stats };
}

const row = (i: number): ResourceRow => ({
  id: String(i), name: `w${i}`, type: "bench:noop:Thing", templateId: "fa01cfd8-3410-4d85-befe-348c347d9ea3", physicalId: null,
  properties: { n: 99 }, attributes: {}, action: "INIT", status: "COMPLETE", statusReason: "", requires: [], replaces: null, replacedBy: null,
  createdTraversal: t, deletionPolicy: "delete", lockHolder: null, version: 1, updatedAt: 1796565291000, checkStatus: null, driftedProperties: [], checkedAt: null,
});

async function setup(s: Side): Promise<void> {
  const k = s.ctx.keys.stack(s.stackId) as Record<string, unknown> & { stack: string; rows: string; events: string; graph(t: string): string; gens(t: string): string; syncCounts(t: string): string; sync(t: string, n: string): string };
  await client.del(k.stack, k.rows, k.events, k.graph(t), k.gens(t), k.syncCounts(t), k.sync(t, "$stack"));
  const now = 1796565291000;
  await client.hset(k.stack, ...s.stackPairs({ id: s.stackId, name: "bench", currentTraversal: t, templateId: "x", prevTemplateId: null, action: "CREATE", status: "IN_PROGRESS", statusReason: "", options: {}, deadline: null, createdAt: now, updatedAt: now }), "_rowSeq", ROWS, "_rowLayout", "packed");
  const pairs: string[] = [];
  for (let i = 1; i <= ROWS; i++) pairs.push(String(i), s.encodeRow(row(i)));
  await client.hset(k.rows, ...pairs);
  await client.set(k.graph(t), "{}");
}

const redisCpu = async (): Promise<number> => {
  const info = await client.info("cpu");
  return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]);
};

async function block(s: Side, script: (typeof SCRIPTS)[number], from: number, call: (i: number) => Promise<unknown>): Promise<void> {
  await client.config("RESETSTAT");
  const before = await redisCpu();
  for (let i = from; i < from + BLOCK; i++) await call(i);
  const cpu = ((await redisCpu()) - before) * 1e6 / BLOCK;
  const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await client.info("commandstats"));
  if (m === null) throw new Error("no evalsha stats");
  s.stats[script]?.us.push(Number(m[2]) / Number(m[1]));
  s.stats[script]?.cpu.push(cpu);
}

async function round(s: Side, from: number): Promise<void> {
  const { stackId } = s;
  await block(s, "claimCheck", from, (i) =>
    s.claimJob(s.ctx, { message: { kind: "node", stackId, traversalId: t, rowId: String(i), direction: "U" }, generation: 0, jobId: `${stackId}|${t}|U%3A${i}|0` }, { attempt: "b4c75109-3ae8-4ebe-802a-9f7bf963150d", engineId: "bench-bench-e34c2db5", staleGenerationTtlMs: 86400000 }),
  );
  await block(s, "writeRow", from, async (i) => {
    const r = await s.writeRow(s.ctx, { stackId, rowId: String(i), ifTraversal: t, ifVersion: 1, ifHolder: null, setHolder: holder, patch: { action: "CREATE", status: "IN_PROGRESS", statusReason: "state changed", properties: { n: 99 }, requires: [], templateId: "fa01cfd8-3410-4d85-befe-348c347d9ea3", type: "bench:noop:Thing", deletionPolicy: "delete", updatedAt: 1796565291014 } }, { time: 1796565291014, stackName: "bench", traversalId: t, action: "CREATE", status: "IN_PROGRESS", reason: "state changed" });
    if (!r.ok) throw new Error("lock refused");
  });
  await block(s, "reportNode", from, async (i) => {
    const r = await s.reportNode(s.ctx, { stackId, traversalId: t, sender: `U:${i}`, targets: [{ node: "$stack", required: 100000, payload: null }], write: { stackId, rowId: String(i), ifHolder: holder, setHolder: null, patch: { action: "CREATE", status: "COMPLETE", statusReason: "state changed", physicalId: `w99-${i}`, properties: { n: 99 }, attributes: { n: 99 }, updatedAt: 1796565291016 } }, event: { time: 1796565291016, stackName: "bench", traversalId: t, action: "CREATE", status: "COMPLETE", reason: "state changed" } }, async () => undefined);
    if (r.kind !== "reported") throw new Error(`report ${r.kind}`);
  });
}

const [dirA, dirB] = process.argv.slice(2);
if (dirA === undefined || dirB === undefined) throw new Error("usage: hA-ab.ts <checkoutA> <checkoutB>");
const sides = [await side("A", dirA, "5b608a66-1483-4a41-a7b0-f126d181603d"), await side("B", dirB, "6c719b77-2594-4b52-b248-d237e292713e")];
let argBytes = 0;
const sent = client.sendCommand.bind(client);
client.sendCommand = ((cmd: { name: string; args: unknown[] }) => {
  if (cmd.name === "evalsha") argBytes += cmd.args.reduce<number>((a, x) => a + Buffer.byteLength(String(x)), 0);
  return sent(cmd as never);
}) as typeof client.sendCommand;
const blocksPerSetup = ROWS / BLOCK;
for (let b = 0; b < BLOCKS; b++) {
  for (const s of sides) {
    if (b % blocksPerSetup === 0) await setup(s);
    argBytes = 0;
    await round(s, 1 + (b % blocksPerSetup) * BLOCK);
    if (b === 0) console.log(`${s.label}: argument bytes per check (3 calls) ${(argBytes / BLOCK).toFixed(0)}`);
  }
}
const q = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] as number;
for (const s of sides) {
  let sum = 0;
  let sumCpu = 0;
  for (const name of SCRIPTS) {
    const { us, cpu } = s.stats[name] as { us: number[]; cpu: number[] };
    sum += q(us, 0.25);
    sumCpu += q(cpu, 0.25);
    console.log(`${s.label} ${name.padEnd(10)} usec/call min ${q(us, 0).toFixed(1)} p25 ${q(us, 0.25).toFixed(1)} median ${q(us, 0.5).toFixed(1)}; redis CPU/call min ${q(cpu, 0).toFixed(1)} p25 ${q(cpu, 0.25).toFixed(1)} median ${q(cpu, 0.5).toFixed(1)}`);
  }
  console.log(`${s.label} sum of p25: ${sum.toFixed(1)} usec/check, redis CPU ${sumCpu.toFixed(1)} µs/check`);
}
client.disconnect();
server.kill();
await once(server, "exit");
