/**
 * Async resources made per check in a bench run (preload): promises, ticks, immediates and
 * timers created (async_hooks `init`, by type and by nearest frame of this repository with
 * STACKS=1) over the bench's measured window (from `measure()`'s first `process.cpuUsage()` to
 * the call that takes its difference). Slows the run down: counts only, no timings.
 * Usage: CHECKS=2000 BENCH_ONLY=wide node --import ./bench/tools/hB-promises.mjs --import tsx bench/redis-bench.ts
 */
import { createHook } from "node:async_hooks";

const checks = Number(process.env.CHECKS ?? process.env.BENCH_N ?? 2000);
const stacks = process.env.STACKS === "1";
const byType = new Map();
const byFrame = new Map();
let on = false;
let busy = false;

const nearest = () => {
  const lines = (new Error().stack ?? "").split("\n").slice(3);
  const line = lines.find((l) => /\/work\/[^/]+\/(packages|bench)\//.test(l) && !l.includes("node_modules") && !l.includes("hB-promises")) ?? "(outside)";
  return line.trim().replace(/\(?file:\/\/\/work\/[^/]+\//, "").replace(/:\d+\)?$/, "");
};

createHook({
  init(_id, type) {
    if (!on || busy) return;
    busy = true;
    byType.set(type, (byType.get(type) ?? 0) + 1);
    if (stacks && type === "PROMISE") {
      const frame = nearest();
      byFrame.set(frame, (byFrame.get(frame) ?? 0) + 1);
    }
    busy = false;
  },
}).enable();

const original = process.cpuUsage;
let started = null;
process.cpuUsage = function (previous) {
  const value = original.call(process, previous);
  if (previous === undefined && started === null) {
    started = value;
    on = true;
  } else if (previous !== undefined && previous === started && on) {
    on = false;
    const per = (n) => (n / checks).toFixed(2).padStart(7);
    for (const [k, v] of [...byType].sort((x, y) => y[1] - x[1])) console.log(`per check ${per(v)} ${k}`);
    for (const [k, v] of [...byFrame].sort((x, y) => y[1] - x[1]).slice(0, 40)) console.log(`promises ${per(v)} ${k}`);
  }
  return value;
};
