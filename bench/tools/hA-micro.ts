/**
 * Redis time per call of a wide check's three scripts (claimCheck, writeRow, reportNode),
 * called through the runtime's own functions (so argument formats follow the code), on an
 * own redis-server; each script's phase runs alone between `CONFIG RESETSTAT`s and is timed
 * by `INFO commandstats` (usec per EVALSHA). Also prints argument bytes per call.
 *
 *   node --import tsx bench/tools/hA-micro.ts            (N=2000 rows, ROUNDS=5)
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { Redis } from "ioredis";
import { nodeKey } from "@converge/core";
import type { ResourceRow } from "@converge/core";
import { claimJob } from "../../packages/runtime-redis/src/claim.js";
import { encodeRow, stackPairs } from "../../packages/runtime-redis/src/codec.js";
import { runtimeKeys } from "../../packages/runtime-redis/src/keys.js";
import type { StoreContext } from "../../packages/runtime-redis/src/store-context.js";
import { reportNode } from "../../packages/runtime-redis/src/store-report.js";
import { writeRow } from "../../packages/runtime-redis/src/store-rows.js";

const N = Number(process.env.N ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PORT = 6500 + Math.floor(Math.random() * 400);
const server = spawn("redis-server", ["--port", String(PORT), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 300));
const client = new Redis({ port: PORT });
const ctx: StoreContext = { client, keys: runtimeKeys("bench-micro"), maxEventsPerStack: 100000, deletedEventsTtlMs: 1000, tombstoneTtlMs: 1000 };
const stackId = "5b608a66-1483-4a41-a7b0-f126d181603d";
const t = "ed6b22d0-3c0d-4c8d-a229-1148089bdf08";
const holder = "bench-bench-e34c2db5#b4c75109-3ae8-4ebe-802a-9f7bf963150d";
const k = ctx.keys.stack(stackId);

const row = (i: number): ResourceRow => ({
  id: String(i), name: `w${i}`, type: "bench:noop:Thing", templateId: "fa01cfd8-3410-4d85-befe-348c347d9ea3", physicalId: null,
  properties: { n: 99 }, attributes: {}, action: "INIT", status: "COMPLETE", statusReason: "", requires: [], replaces: null, replacedBy: null,
  createdTraversal: t, deletionPolicy: "delete", lockHolder: null, version: 1, updatedAt: 1796565291000, checkStatus: null, driftedProperties: [], checkedAt: null,
});

async function setup(): Promise<void> {
  await client.flushall();
  const now = 1796565291000;
  await client.hset(k.stack, ...stackPairs({ id: stackId, name: "bench", currentTraversal: t, templateId: "x", prevTemplateId: null, action: "CREATE", status: "IN_PROGRESS", statusReason: "", options: {} as never, deadline: null, createdAt: now, updatedAt: now }), "_rowSeq", N, "_rowLayout", "packed");
  const pairs: string[] = [];
  for (let i = 1; i <= N; i++) pairs.push(String(i), encodeRow(row(i)));
  await client.hset(k.rows, ...pairs);
  await client.set(k.graph(t), "{}");
  const gens: string[] = [];
  for (let i = 1; i <= N; i++) gens.push(nodeKey("U", String(i)), "0");
  await client.hset(k.gens(t), ...gens);
}

const usec = new Map<string, number[]>();
let bytes = new Map<string, number>();
const cpu = new Map<string, number[]>();
const redisCpu = async (): Promise<number> => {
  const s = await client.info("cpu");
  return Number(/used_cpu_user:([\d.]+)/.exec(s)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(s)?.[1]);
};
async function phase(name: string, run: (i: number) => Promise<unknown>): Promise<void> {
  await client.config("RESETSTAT");
  const before = await redisCpu();
  for (let i = 1; i <= N; i++) await run(i);
  cpu.set(name, [...(cpu.get(name) ?? []), ((await redisCpu()) - before) * 1e6 / N]);
  const s = await client.info("commandstats");
  const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(s);
  if (m === null) throw new Error("no evalsha stats");
  usec.set(name, [...(usec.get(name) ?? []), Number(m[2]) / Number(m[1])]);
}

const sent = client.sendCommand.bind(client);
client.sendCommand = ((cmd: { name: string; args: unknown[] }) => {
  if (cmd.name === "evalsha") {
    const n = cmd.args.reduce<number>((a, x) => a + Buffer.byteLength(String(x)), 0);
    bytes.set(String(cmd.args[0]), (bytes.get(String(cmd.args[0])) ?? 0) + n);
  }
  return sent(cmd as never);
}) as typeof client.sendCommand;

for (let round = 0; round < ROUNDS; round++) {
  await setup();
  bytes = new Map();
  await phase("claimCheck", (i) =>
    claimJob(ctx, { message: { kind: "node", stackId, traversalId: t, rowId: String(i), direction: "U" }, generation: 0, jobId: `${stackId}|${t}|U%3A${i}|0` }, { attempt: "b4c75109-3ae8-4ebe-802a-9f7bf963150d", engineId: "bench-bench-e34c2db5", staleGenerationTtlMs: 86400000 }),
  );
  await phase("writeRow", async (i) => {
    const r = await writeRow(ctx, { stackId, rowId: String(i), ifTraversal: t, ifVersion: 1, ifHolder: null, setHolder: holder, patch: { action: "CREATE", status: "IN_PROGRESS", statusReason: "state changed", properties: { n: 99 }, requires: [], templateId: "fa01cfd8-3410-4d85-befe-348c347d9ea3", type: "bench:noop:Thing", deletionPolicy: "delete", updatedAt: 1796565291014 } }, { time: 1796565291014, stackName: "bench", traversalId: t, action: "CREATE", status: "IN_PROGRESS", reason: "state changed" });
    if (!r.ok) throw new Error("lock refused");
  });
  await phase("reportNode", async (i) => {
    const r = await reportNode(ctx, { stackId, traversalId: t, sender: nodeKey("U", String(i)), targets: [{ node: "$stack", required: N, payload: null }], write: { stackId, rowId: String(i), ifHolder: holder, setHolder: null, patch: { action: "CREATE", status: "COMPLETE", statusReason: "state changed", physicalId: `w99-${i}`, properties: { n: 99 }, attributes: { n: 99 }, updatedAt: 1796565291016 } }, event: { time: 1796565291016, stackName: "bench", traversalId: t, action: "CREATE", status: "COMPLETE", reason: "state changed" } }, async () => undefined);
    if (r.kind !== "reported") throw new Error(`report ${r.kind}`);
  });
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
let total = 0;
let totalMin = 0;
for (const [name, xs] of usec) {
  total += median(xs);
  totalMin += Math.min(...xs);
  const c = cpu.get(name) ?? [];
  console.log(`${name}: median ${median(xs).toFixed(2)} min ${Math.min(...xs).toFixed(2)} µs/call; redis CPU per call median ${median(c).toFixed(1)} min ${Math.min(...c).toFixed(1)} µs (runs ${xs.map((x) => x.toFixed(1)).join(" ")})`);
}
console.log(`total ${total.toFixed(1)} (min ${totalMin.toFixed(1)}) µs per check; argument bytes per call (last round): ${[...bytes.values()].map((b) => (b / N).toFixed(0)).join(" / ")}`);
client.disconnect();
server.kill();
await once(server, "exit");
