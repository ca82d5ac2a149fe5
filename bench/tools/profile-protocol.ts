/**
 * Profile helper: the protocol bench for one size and some shapes, with µs per check - run it
 * under `node --cpu-prof` or `--trace-gc` (see ARCHITECTURE.md, performance notes):
 *
 *   N=10000 SHAPES=wide,chain node --expose-gc --import tsx --cpu-prof bench/tools/profile-protocol.ts
 */
import { benchProtocol } from "../protocol-bench.js";

const n = Number(process.env.N ?? 10_000);
const shapes = (process.env.SHAPES ?? "wide").split(",") as Array<"wide" | "chain" | "fan-in">;
for (const r of await benchProtocol([n], shapes)) {
  console.log(`${r.name.padEnd(28)} ${r.ms.toFixed(0).padStart(7)} ms ${((r.ms * 1000) / r.checks).toFixed(1).padStart(7)} µs/check ${r.peakHeapMiB.toFixed(0).padStart(5)} MiB`);
}
