/**
 * CPU per check of one engine running the same operation again and again (create, no-op
 * update, full update, delete of one stack per round), with or without a forced full GC
 * before each phase - the question behind the 1k row of the Heat-shape table (see
 * ARCHITECTURE.md, performance notes): how much of a small phase is fixed cost.
 *
 *   N=1000 SHAPE=wide ROUNDS=8 node --expose-gc --import tsx bench/tools/phase-cpu.ts
 *   FORCE_GC=1 ...   a full GC before each phase, as `npm run bench` does
 *   HOLD=1 ...       one check held in flight all along (an engine with work in progress)
 *
 * CPU is `process.cpuUsage()` of the whole process (V8's compiler and GC threads included),
 * so it is comparable on a shared machine where wall time is not.
 */
import { z } from "zod";
import { createEngine, createMemoryRuntime, defineResourceType } from "../../packages/core/src/index.js";
import { Noop, template, type Shape } from "../protocol-bench.js";

const size = Number(process.env.N ?? 1000);
const shape = (process.env.SHAPE ?? "wide") as Shape;
const rounds = Number(process.env.ROUNDS ?? 8);
const forceGc = process.env.FORCE_GC === "1";
const gc = (globalThis as { gc?: () => void }).gc;
if (forceGc && gc === undefined) throw new Error("FORCE_GC=1 needs node --expose-gc");

let release: () => void = () => undefined;
const held = new Promise<void>((resolve) => (release = resolve));
/** A type whose create waits until the end of the run (HOLD=1). */
const Hold = defineResourceType({
  type: "bench:Hold",
  properties: z.object({}),
  attributes: [],
  async create() {
    await held;
    return { physicalId: "held" };
  },
  async update() {
    return {};
  },
  async delete() {},
});

const runtime = createMemoryRuntime({ mode: "auto" });
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const engine = createEngine({ runtime, types: [Noop, Hold], concurrency: 64, logger: quiet });
if (process.env.HOLD === "1") await engine.createStack("held", { resources: { h: { type: Hold.type } } });

/** µs of CPU per check of one phase. */
async function phase(name: string, act: () => Promise<unknown>): Promise<string> {
  if (forceGc) gc?.();
  const delivered = runtime.stats().delivered;
  const start = process.cpuUsage();
  await act();
  await engine.waitForStack(name);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / (runtime.stats().delivered - delivered)).toFixed(1).padStart(7);
}

console.log(`${shape} ${size}, µs CPU per check${forceGc ? ", full GC before each phase" : ""}${process.env.HOLD === "1" ? ", one check held" : ""}`);
console.log(`round  ${["create", "no-op", "full", "delete"].map((s) => s.padStart(7)).join(" ")}`);
for (let round = 0; round < rounds; round++) {
  const name = `stack-${round}`;
  const cells = [
    await phase(name, () => engine.createStack(name, template(shape, size, 1))),
    await phase(name, () => engine.updateStack(name, template(shape, size, 1))),
    await phase(name, () => engine.updateStack(name, template(shape, size, 2))),
    await phase(name, () => engine.deleteStack(name)),
  ];
  console.log(`${String(round).padStart(5)}  ${cells.join(" ")}`);
}
release();
await engine.waitForStack("held").catch(() => undefined);
await engine.close();
await runtime.close();
