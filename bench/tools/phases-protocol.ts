/**
 * Phase helper: shapes at one size through the protocol bench's four phases (a fresh runtime
 * and engine per shape, as the bench does), printing per phase the heap retained before it
 * (after a forced GC), the peak heapUsed the bench's sampler sees, the heap retained after it,
 * and the process's CPU time (user + system, GC threads included) - comparable on a shared
 * machine, unlike wall time (see ARCHITECTURE.md, performance notes):
 *
 *   N=100000 SHAPES=wide,chain node --expose-gc --import tsx bench/tools/phases-protocol.ts
 *   (add --max-old-space-size=1024 to check that the phases complete within a 1 GiB heap;
 *   SNAP=<file> writes a heap snapshot at the end, when every runtime and engine is closed;
 *   SNAP_PHASE="full update" one after that phase of each shape, to <SNAP>-<shape>-<phase>.heapsnapshot)
 */
import v8 from "node:v8";
import { createEngine, createMemoryRuntime } from "../../packages/core/src/index.js";
import { Noop, template, type Shape } from "../protocol-bench.js";

const n = Number(process.env.N ?? 100_000);
const shapes = (process.env.SHAPES ?? "wide").split(",") as Shape[];
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0).padStart(6);
const retained = (): number => (gc(), process.memoryUsage().heapUsed);

/** One shape through the phases: a function of its own, so that nothing of it outlives it in this frame. */
async function runShape(shape: Shape): Promise<void> {
  const runtime = createMemoryRuntime({ mode: "auto" });
  const engine = createEngine({ runtime, types: [Noop], concurrency: 64, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  const name = `stack-${shape}-${n}`;
  console.log(`${`${shape} ${n}`.padEnd(16)} ${"state".padEnd(16)} before   peak  after (MiB)  cpu ms  wall ms`);
  const phase = async (label: string, act: () => Promise<unknown>): Promise<void> => {
    const before = retained();
    let peak = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 25);
    const cpu = process.cpuUsage();
    const start = Date.now();
    await act();
    const done = await engine.waitForStack(name);
    const used = process.cpuUsage(cpu);
    const wall = Date.now() - start;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    const after = retained();
    if (process.env.SNAP_PHASE === label) console.log(v8.writeHeapSnapshot(`${process.env.SNAP ?? "phase"}-${shape}-${label.replace(/\W+/g, "-")}.heapsnapshot`));
    const cpuMs = ((used.user + used.system) / 1000).toFixed(0).padStart(7);
    console.log(`  ${label.padEnd(14)} ${done.state.padEnd(16)} ${mib(before)} ${mib(peak)} ${mib(after)}       ${cpuMs}  ${String(wall).padStart(7)}`);
  };
  await phase("create", () => engine.createStack(name, template(shape, n, 1)));
  await phase("no-op update", () => engine.updateStack(name, template(shape, n, 1)));
  await phase("full update", () => engine.updateStack(name, template(shape, n, 2)));
  await phase("delete", () => engine.deleteStack(name));
  await engine.close();
  await runtime.close();
}

for (const shape of shapes) await runShape(shape);
if (process.env.SNAP !== undefined) console.log(v8.writeHeapSnapshot(process.env.SNAP));
console.log(`end              ${"".padEnd(16)} ${mib(retained())}`);
