/**
 * Benchmark of the convergence protocol on the memory runtime (automatic scheduling) with a
 * no-op resource type: create, no-op update, full in-place update and delete of stacks in
 * three shapes, reporting checks per second and peak heap.
 *
 * ```
 *   wide     r0  r1  r2 … rN                   (no dependencies)
 *   chain    r0 ◄─ r1 ◄─ r2 ◄─ … ◄─ rN         (each reads the previous one's id)
 *   fan-in   hub ─depends_on─► r0 … rN-1       (one sync point with N arrivals)
 * ```
 */
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { createEngine, createMemoryRuntime, defineResourceType, type Template } from "../packages/core/src/index.js";

/** One measurement. */
export interface ProtocolBenchResult {
  /** `shape size: phase`. */
  readonly name: string;
  /** Wall time, ms. */
  readonly ms: number;
  /** Checks delivered. */
  readonly checks: number;
  /** Checks per second. */
  readonly checksPerSecond: number;
  /** Peak heap used during the phase, MiB. */
  readonly peakHeapMiB: number;
  /** CPU time of the process during the phase (user + system, GC threads included), ms: comparable on a shared machine. */
  readonly cpuMs: number;
}

const TYPE = "bench:noop:Thing";
let counter = 0;
/** The bench's resource type: no-op handlers, an id attribute. */
export const Noop = defineResourceType({
  type: TYPE,
  properties: z.object({ after: z.string().optional(), v: z.number().optional() }),
  attributes: ["id"],
  async create() {
    const id = `n${++counter}`;
    return { physicalId: id, attributes: { id } };
  },
  async update() {
    return {};
  },
  async delete() {},
});

/** A stack shape of the bench. */
export type Shape = "wide" | "chain" | "fan-in";

/** A stack of `size` {@link Noop} resources in `shape`, every property `v` set to `v`. */
export function template(shape: Shape, size: number, v: number): Template {
  const resources: Record<string, NonNullable<Template["resources"]>[string]> = {};
  for (let i = 0; i < size - (shape === "fan-in" ? 1 : 0); i++) {
    resources[`r${i}`] =
      shape === "chain" && i > 0
        ? { type: TYPE, properties: { after: { get_resource: `r${i - 1}` }, v } }
        : { type: TYPE, properties: { v } };
  }
  if (shape === "fan-in") {
    resources.hub = { type: TYPE, properties: { v }, depends_on: Object.keys(resources) };
  }
  return { resources };
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function measure(name: string, delivered: () => number, run: () => Promise<void>): Promise<ProtocolBenchResult> {
  gc();
  let peak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 25);
  const before = delivered();
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const checks = delivered() - before;
  return { name, ms, checks, checksPerSecond: checks / (ms / 1000), peakHeapMiB: peak / 2 ** 20, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * Run the protocol benchmark for the given sizes and shapes, after one unrecorded warm-up
 * pass of every shape at 1,000 resources (so V8's compile time is not billed to the first
 * size measured: "per-check cost by N" compares steady states). `BENCH_WARMUP=0` skips it.
 */
export async function benchProtocol(
  sizes: readonly number[] = [1_000, 10_000, 100_000],
  shapes: readonly Shape[] = ["wide", "chain", "fan-in"],
): Promise<ProtocolBenchResult[]> {
  if (process.env.BENCH_WARMUP !== "0") await runSizes([1_000], shapes);
  return runSizes(sizes, shapes);
}

async function runSizes(sizes: readonly number[], shapes: readonly Shape[]): Promise<ProtocolBenchResult[]> {
  const results: ProtocolBenchResult[] = [];
  for (const size of sizes) for (const shape of shapes) results.push(...(await runShape(shape, size)));
  return results;
}

/**
 * One shape at one size through the four phases, with a runtime and engine of its own. A
 * function of its own, so nothing of a finished shape stays reachable from the caller's
 * frame (a loop body's locals can outlive their iteration in a suspended async frame, and
 * would be billed to the next shape's heap).
 */
async function runShape(shape: Shape, size: number): Promise<ProtocolBenchResult[]> {
  const results: ProtocolBenchResult[] = [];
  const runtime = createMemoryRuntime({ mode: "auto" });
  const engine = createEngine({ runtime, types: [Noop], concurrency: 64, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  const delivered = () => runtime.stats().delivered;
  const name = `stack-${shape}-${size}`;
  const phase = async (label: string, act: () => Promise<unknown>, expected: string) => {
    const result = await measure(`${shape} ${size}: ${label}`, delivered, async () => {
      await act();
      const done = await engine.waitForStack(name);
      if (done.state !== expected && !(expected === "DELETED" && done.deleted)) {
        throw new Error(`${name} ${label}: expected ${expected}, got ${done.state} (${done.statusReason})`);
      }
    });
    results.push(result);
  };
  await phase("create", () => engine.createStack(name, template(shape, size, 1)), "CREATE_COMPLETE");
  await phase("no-op update", () => engine.updateStack(name, template(shape, size, 1)), "UPDATE_COMPLETE");
  await phase("full update", () => engine.updateStack(name, template(shape, size, 2)), "UPDATE_COMPLETE");
  await phase("delete", () => engine.deleteStack(name), "DELETED");
  await engine.close();
  await runtime.close();
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = (process.env.BENCH_SIZES ?? "1000,10000").split(",").map(Number);
  for (const r of await benchProtocol(sizes)) {
    const cpu = `${r.cpuMs.toFixed(0).padStart(7)} ms CPU`;
    console.log(`${r.name.padEnd(32)} ${r.ms.toFixed(0).padStart(7)} ms ${cpu} ${String(r.checks).padStart(8)} checks ${r.checksPerSecond.toFixed(0).padStart(8)} checks/s ${r.peakHeapMiB.toFixed(0).padStart(5)} MiB`);
  }
}
