/**
 * Allocation helper: the protocol bench for one size and some shapes under V8's sampling heap
 * profiler, counting objects collected since (so it shows what is allocated, not only what is
 * kept); writes a `.heapprofile` (open it in Chrome DevTools, or sum `selfSize` by function):
 *
 *   N=10000 SHAPES=wide OUT=/tmp/alloc.heapprofile node --expose-gc --import tsx bench/tools/alloc-protocol.ts
 *
 * With `MINOR=0`, objects a scavenge collected are left out: what remains is what was live or
 * promoted to old space before dying - the garbage that makes the peak heap.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { benchProtocol } from "../protocol-bench.js";

const n = Number(process.env.N ?? 10_000);
const shapes = (process.env.SHAPES ?? "wide").split(",") as Array<"wide" | "chain" | "fan-in">;
const session = new Session();
session.connect();
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 16_384,
  includeObjectsCollectedByMajorGC: true,
  // MINOR=0 leaves out what died young: the profile is then what was live or promoted (old-space garbage).
  includeObjectsCollectedByMinorGC: process.env.MINOR !== "0",
});
for (const r of await benchProtocol([n], shapes)) console.log(`${r.name.padEnd(28)} ${r.ms.toFixed(0).padStart(7)} ms`);
const { profile } = await session.post("HeapProfiler.stopSampling");
const out = process.env.OUT ?? "alloc.heapprofile";
writeFileSync(out, JSON.stringify(profile));
console.log(out);
session.disconnect();
