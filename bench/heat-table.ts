/**
 * The Heat-shape table of `npm run bench`: the memory runtime's protocol phases at N = 1,000
 * beside Heat 19's convergence simulator on the same shapes (`bench/heat-19.json`), and the
 * per-check cost by stack size (flat is the goal: within 1.5x from 1k to 100k).
 *
 * Two figures of ours per phase: the protocol bench's (a fresh engine per shape, a forced full
 * GC before each phase: V8 then drops the optimized code of every per-check object shape
 * the GC collected, so each 1,000-resource phase pays for recompiling the hot path - see
 * ARCHITECTURE.md, performance notes) and a steady one (`steadyHeatPhases`: one engine per
 * shape running the four phases round after round, no forced GC; the median of the rounds
 * after the first).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createEngine, createMemoryRuntime } from "../packages/core/src/index.js";
import { Noop, template, type ProtocolBenchResult, type Shape } from "./protocol-bench.js";

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

/** One phase of {@link steadyHeatPhases}: `shape size: phase`, the median wall time, the checks. */
export interface SteadyPhase {
  readonly name: string;
  readonly ms: number;
  readonly checks: number;
}

const PHASES = ["create", "no-op update", "full update", "delete"] as const;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * The four phases of each shape at N = 1,000 in steady state: one engine per shape runs
 * them `rounds` times (a new stack each round) without forcing a GC; the median wall time
 * of the rounds after the first. `BENCH_STEADY_ROUNDS` (default 5; 0 skips).
 */
export async function steadyHeatPhases(shapes: readonly Shape[] = ["wide", "chain", "fan-in"]): Promise<SteadyPhase[]> {
  const rounds = Number(process.env.BENCH_STEADY_ROUNDS ?? 5);
  if (rounds < 2) return [];
  const out: SteadyPhase[] = [];
  for (const shape of shapes) {
    const runtime = createMemoryRuntime({ mode: "auto" });
    const engine = createEngine({ runtime, types: [Noop], concurrency: 64, logger: { debug() {}, info() {}, warn() {}, error() {} } });
    const times = new Map<string, number[]>();
    const checks = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      const name = `steady-${shape}-${round}`;
      const acts = [
        () => engine.createStack(name, template(shape, heat.n, 1)),
        () => engine.updateStack(name, template(shape, heat.n, 1)),
        () => engine.updateStack(name, template(shape, heat.n, 2)),
        () => engine.deleteStack(name),
      ];
      for (const [i, act] of acts.entries()) {
        const delivered = runtime.stats().delivered;
        const start = performance.now();
        await act();
        await engine.waitForStack(name);
        const ms = performance.now() - start;
        const phase = PHASES[i] as string;
        if (round > 0) times.set(phase, [...(times.get(phase) ?? []), ms]);
        checks.set(phase, runtime.stats().delivered - delivered);
      }
    }
    for (const phase of PHASES) out.push({ name: `${shape} ${heat.n}: ${phase}`, ms: median(times.get(phase) ?? []), checks: checks.get(phase) ?? 0 });
    await engine.close();
    await runtime.close();
  }
  return out;
}

function ratioText(heatS: number | undefined, ms: number | undefined): string {
  return heatS === undefined || ms === undefined ? "-" : `${((heatS * 1000) / ms).toFixed(0)}x`;
}

/**
 * Print the Heat-shape table (ratio = Heat 19's time / ours) for the N = 1,000 results of
 * the protocol bench and, when given, the steady ones.
 */
export function printHeatTable(results: readonly ProtocolBenchResult[], steady: readonly SteadyPhase[] = []): void {
  const rows = results.map((r) => ({ r, p: parts(r.name) })).filter((x) => x.p !== null && x.p.size === heat.n);
  if (rows.length === 0) return;
  const steadyMs = new Map(steady.map((s) => [s.name, s.ms]));
  console.log(`\nHeat-shape table, N = ${heat.n} (Heat 19 figures: bench/heat-19.json; ratio = Heat / ours)`);
  console.log("  bench: the protocol bench's phase (fresh engine, full GC forced before it); steady: median of repeated phases in one engine");
  console.log(
    `${"shape".padEnd(7)} ${"phase".padEnd(13)} ${"heat s".padStart(8)} ${"bench ms".padStart(9)} ${"ratio".padStart(7)} ${"µs/chk".padStart(7)} ${"steady ms".padStart(10)} ${"ratio".padStart(7)} ${"µs/chk".padStart(7)}`,
  );
  let worst = Number.POSITIVE_INFINITY;
  let worstSteady = Number.POSITIVE_INFINITY;
  for (const { r, p } of rows) {
    const heatS = heat.seconds[p?.shape ?? ""]?.[p?.phase ?? ""];
    const ms = steadyMs.get(r.name);
    if (heatS !== undefined) worst = Math.min(worst, (heatS * 1000) / r.ms);
    if (heatS !== undefined && ms !== undefined) worstSteady = Math.min(worstSteady, (heatS * 1000) / ms);
    const steadyCells = ms === undefined ? "" : ` ${ms.toFixed(1).padStart(10)} ${ratioText(heatS, ms).padStart(7)} ${((ms * 1000) / r.checks).toFixed(1).padStart(7)}`;
    console.log(
      `${(p?.shape ?? "").padEnd(7)} ${(p?.phase ?? "").padEnd(13)} ${(heatS?.toFixed(2) ?? "-").padStart(8)} ${r.ms.toFixed(1).padStart(9)} ${ratioText(heatS, r.ms).padStart(7)} ${((r.ms * 1000) / r.checks).toFixed(1).padStart(7)}${steadyCells}`,
    );
  }
  const steadyNote = worstSteady === Number.POSITIVE_INFINITY ? "" : `, steady ${worstSteady.toFixed(0)}x`;
  console.log(`lowest ratio: bench ${worst.toFixed(0)}x${steadyNote} (goal >= 3000x on every shape and phase)`);
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
