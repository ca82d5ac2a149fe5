/**
 * Allocation per check of a bench run (preload): V8's sampling heap profiler, objects freed by
 * minor and major GCs included, over the bench's measured window only (from `measure()`'s
 * first `process.cpuUsage()` to the call that takes its difference). Prints KB allocated per
 * check (CHECKS=, default BENCH_N or 2000) by nearest frame of this repository and by area.
 * Usage: CHECKS=2000 BENCH_ONLY=wide node --import ./bench/tools/hB-alloc.mjs --import tsx bench/redis-bench.ts
 */
import { Session } from "node:inspector/promises";

const session = new Session();
session.connect();
const original = process.cpuUsage;
let started = null;
let done = false;
const checks = Number(process.env.CHECKS ?? process.env.BENCH_N ?? 2000);

process.cpuUsage = function (previous) {
  const value = original.call(process, previous);
  if (previous === undefined && started === null && !done) {
    started = value;
    void session.post("HeapProfiler.startSampling", { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  } else if (previous !== undefined && previous === started && !done) {
    done = true;
    void session.post("HeapProfiler.stopSampling").then(({ profile }) => report(profile));
  }
  return value;
};

const short = (url) => url.replace(/^.*node_modules\//, "").replace(/^.*\/packages\//, "").replace(/^file:\/\/\/work\/[^/]+\//, "");
const ours = (url) => /\/work\/[^/]+\/(packages|bench)\//.test(url) && !url.includes("node_modules");

function report(profile) {
  const byFrame = new Map();
  const byArea = new Map();
  let total = 0;
  const walk = (node, nearest, area) => {
    const url = node.callFrame.url;
    const here = `${node.callFrame.functionName || "(anon)"} ${short(url)}:${node.callFrame.lineNumber + 1}`;
    const mine = ours(url) ? here : nearest;
    const a = url === "" ? area : short(url).split("/").slice(0, url.includes("node_modules") ? 1 : 3).join("/");
    const self = node.selfSize;
    total += self;
    byFrame.set(mine, (byFrame.get(mine) ?? 0) + self);
    byArea.set(a, (byArea.get(a) ?? 0) + self);
    for (const child of node.children) walk(child, mine, a);
  };
  walk(profile.head, "(outside)", "(native)");
  const focus = process.env.FOCUS;
  if (focus !== undefined) {
    const inner = new Map();
    const visit = (node, inFocus, path) => {
      const name = `${node.callFrame.functionName || "(anon)"} ${short(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
      const now = inFocus || name.startsWith(focus + " ");
      const sub = inFocus ? (ours(node.callFrame.url) ? null : path) : now ? "" : null;
      if (now && sub !== null) {
        const key = sub === "" ? "(self)" : sub;
        inner.set(key, (inner.get(key) ?? 0) + node.selfSize);
      }
      for (const child of node.children) visit(child, now && sub !== null, sub === null ? null : sub === "" ? name : `${sub} > ${name}`);
    };
    visit(profile.head, false, null);
    for (const [k, v] of [...inner].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`in ${focus}: ${(v / checks / 1024).toFixed(2).padStart(7)} ${k}`);
  }
  const kb = (bytes) => (bytes / checks / 1024).toFixed(2).padStart(7);
  console.log(`allocated ${kb(total)} KB per check (${checks} checks)`);
  for (const [k, v] of [...byArea].sort((x, y) => y[1] - x[1]).slice(0, 20)) console.log(`area ${kb(v)} ${k}`);
  for (const [k, v] of [...byFrame].sort((x, y) => y[1] - x[1]).slice(0, Number(process.env.TOP ?? 40))) console.log(`frame ${kb(v)} ${k}`);
}
