/**
 * The Heat-shape table of `npm run bench`: the memory runtime's protocol phases at N = 1,000
 * beside Heat 19's convergence simulator on the same shapes (`bench/heat-19.json`), and the
 * per-check cost by stack size (flat is the goal: within 1.5x from 1k to 100k).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ProtocolBenchResult } from "./protocol-bench.js";

interface HeatFigures {
  readonly n: number;
  readonly seconds: Record<string, Record<string, number>>;
}

const heat = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "heat-19.json"), "utf8")) as HeatFigures;

/** `shape size: phase` split. */
function parts(name: string): { shape: string; size: number; phase: string } | null {
  const m = /^(\S+) (\d+): (.+)$/.exec(name);
  return m === null ? null : { shape: m[1] as string, size: Number(m[2]), phase: m[3] as string };
}

/** Print the Heat-shape table (ratio = Heat 19's time / ours) for the N = 1,000 results. */
export function printHeatTable(results: readonly ProtocolBenchResult[]): void {
  const rows = results.map((r) => ({ r, p: parts(r.name) })).filter((x) => x.p !== null && x.p.size === heat.n);
  if (rows.length === 0) return;
  console.log(`\nHeat-shape table, N = ${heat.n} (Heat 19 figures: bench/heat-19.json; ratio = Heat / ours)`);
  console.log(`${"shape".padEnd(7)} ${"phase".padEnd(13)} ${"ours ms".padStart(9)} ${"heat s".padStart(8)} ${"ratio".padStart(8)} ${"µs/check".padStart(9)}`);
  let worst = Number.POSITIVE_INFINITY;
  for (const { r, p } of rows) {
    const heatS = heat.seconds[p?.shape ?? ""]?.[p?.phase ?? ""];
    const ratio = heatS === undefined ? undefined : (heatS * 1000) / r.ms;
    if (ratio !== undefined) worst = Math.min(worst, ratio);
    const perCheck = (r.ms * 1000) / r.checks;
    console.log(
      `${(p?.shape ?? "").padEnd(7)} ${(p?.phase ?? "").padEnd(13)} ${r.ms.toFixed(1).padStart(9)} ${(heatS?.toFixed(2) ?? "-").padStart(8)} ${(ratio === undefined ? "-" : `${ratio.toFixed(0)}x`).padStart(8)} ${perCheck.toFixed(1).padStart(9)}`,
    );
  }
  console.log(`lowest ratio: ${worst.toFixed(0)}x (goal >= 3000x on every shape and phase)`);
}

/** Print µs per check by stack size for each shape and phase, and the largest/smallest spread. */
export function printPerCheckBySize(results: readonly ProtocolBenchResult[]): void {
  const table = new Map<string, Map<number, number>>();
  for (const r of results) {
    const p = parts(r.name);
    if (p === null || r.checks === 0) continue;
    const key = `${p.shape} ${p.phase}`;
    const bySize = table.get(key) ?? new Map<number, number>();
    bySize.set(p.size, (r.ms * 1000) / r.checks);
    table.set(key, bySize);
  }
  const sizes = [...new Set(results.map((r) => parts(r.name)?.size ?? 0))].filter((s) => s > 0).sort((a, b) => a - b);
  if (sizes.length < 2) return;
  console.log(`\nµs per check by stack size (goal: flat, largest / smallest within 1.5x)`);
  console.log(`${"shape phase".padEnd(22)} ${sizes.map((s) => String(s).padStart(9)).join(" ")} ${"spread".padStart(7)}`);
  for (const [key, bySize] of table) {
    const values = sizes.map((s) => bySize.get(s));
    const known = values.filter((v): v is number => v !== undefined);
    const spread = Math.max(...known) / Math.min(...known);
    console.log(`${key.padEnd(22)} ${values.map((v) => (v === undefined ? "-" : v.toFixed(1)).padStart(9)).join(" ")} ${spread.toFixed(2).padStart(7)}`);
  }
}
