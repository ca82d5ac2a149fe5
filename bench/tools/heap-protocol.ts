/**
 * Heap helper: the heap the memory runtime retains after a wide stack's create (and, with
 * PHASE=update, a full update), measured after a forced GC; LIVE_MS=<ms> also forces a GC that
 * often during each phase (the most it keeps live); SNAP=<file> writes a heap snapshot at the
 * end (see ARCHITECTURE.md, performance notes):
 *
 *   N=100000 SNAP=/tmp/c100k.heapsnapshot node --expose-gc --import tsx bench/tools/heap-protocol.ts
 */
import v8 from "node:v8";
import { createEngine, createMemoryRuntime } from "../../packages/core/src/index.js";
import { Noop, template as shaped } from "../protocol-bench.js";

const n = Number(process.env.N ?? 100_000);
const template = (v: number) => shaped("wide", n, v);
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const retained = (label: string): void => {
  gc();
  console.log(`${label.padEnd(14)} ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0).padStart(6)} MiB retained`);
};

const runtime = createMemoryRuntime({ mode: "auto" });
const engine = createEngine({ runtime, types: [Noop], concurrency: 64, logger: { debug() {}, info() {}, warn() {}, error() {} } });
retained("start");
const phase = async (label: string, act: () => Promise<unknown>): Promise<void> => {
  const start = Date.now();
  // With LIVE_MS, a forced GC every LIVE_MS during the phase: the most it kept live.
  let live = 0;
  const every = Number(process.env.LIVE_MS ?? 0);
  const sampler = every > 0 ? setInterval(() => (gc(), (live = Math.max(live, process.memoryUsage().heapUsed))), every) : undefined;
  await act();
  const done = await engine.waitForStack("s");
  clearInterval(sampler);
  const liveNote = every > 0 ? `, at most ${(live / 2 ** 20).toFixed(0)} MiB live during the phase` : "";
  console.log(`${label.padEnd(14)} ${String(Date.now() - start).padStart(6)} ms  ${done.state}${liveNote}`);
  retained(`after ${label}`);
};
await phase("create", () => engine.createStack("s", template(1)));
if (process.env.PHASE === "update") await phase("update", () => engine.updateStack("s", template(2)));
if (process.env.SNAP !== undefined) console.log(v8.writeHeapSnapshot(process.env.SNAP));
await engine.close();
