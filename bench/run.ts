/**
 * `npm run bench`: graph algorithms on 100,000-resource templates, the protocol on the
 * memory runtime and composition (a 10,000-member ResourceGroup), printed as a table with the ratio against a saved baseline run.
 *
 *   npm run bench                          # compare with bench/baseline.json when present
 *   npm run bench -- --save-baseline       # record this run as the baseline
 *   BENCH_SIZES=1000,10000 npm run bench   # protocol stack sizes (default 1000,10000,100000)
 *   BENCH_100K=0 npm run bench             # leave out the 100,000 size (slow on a loaded machine)
 *   BENCH_WARMUP=0 npm run bench           # no unrecorded warm-up pass (1,000 of each shape) first
 *
 * After the table: the Heat-shape table (N = 1,000 against Heat 19's figures in
 * bench/heat-19.json, beside the same phases in steady state) and the per-check cost by stack size.
 *   BENCH_STEADY_ROUNDS=5 npm run bench    # rounds of the steady Heat-shape phases (0 skips them)
 *   BENCH_CLI_SIZE=2000 npm run bench      # CLI apply and YAML parse size (default 20000; 0 skips)
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchCli } from "./cli-bench.js";
import { benchComposition } from "./composition-bench.js";
import { benchGraph } from "./graph-bench.js";
import { printHeatTable, printPerCheckBySize, steadyHeatPhases } from "./heat-table.js";
import { benchProtocol } from "./protocol-bench.js";

interface Row {
  readonly name: string;
  readonly ms: number;
  readonly detail: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const baselinePath = join(here, "baseline.json");
const baseline: Record<string, number> = existsSync(baselinePath) ? (JSON.parse(readFileSync(baselinePath, "utf8")) as Record<string, number>) : {};

const rows: Row[] = [];
for (const r of await benchGraph()) rows.push({ name: `graph ${r.name}`, ms: r.ms, detail: `${r.nodes} nodes, ${r.edges} edges` });
const sizes = (process.env.BENCH_SIZES ?? "1000,10000,100000")
  .split(",")
  .map(Number)
  .filter((n) => process.env.BENCH_100K !== "0" || n < 100_000);
const protocol = await benchProtocol(sizes);
const steady = sizes.includes(1_000) ? await steadyHeatPhases() : [];
for (const r of protocol) {
  rows.push({
    name: `protocol ${r.name}`,
    ms: r.ms,
    detail: `${r.checks} checks, ${Math.round(r.checksPerSecond)} checks/s, peak heap ${r.peakHeapMiB.toFixed(0)} MiB`,
  });
}
const cliSize = Number(process.env.BENCH_CLI_SIZE ?? 20_000);
if (cliSize > 0) for (const r of await benchCli(cliSize)) rows.push({ name: `cli ${r.name}`, ms: r.ms, detail: r.detail });

for (const r of await benchComposition()) rows.push({ name: `composition ${r.name}`, ms: r.ms, detail: r.detail });

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${"benchmark".padEnd(width)}  ${"ms".padStart(9)}  ${"baseline".padStart(9)}  ${"ratio".padStart(6)}  detail`);
for (const r of rows) {
  const base = baseline[r.name];
  const ratio = base === undefined ? "" : (r.ms / base).toFixed(2);
  console.log(`${r.name.padEnd(width)}  ${r.ms.toFixed(1).padStart(9)}  ${(base?.toFixed(1) ?? "-").padStart(9)}  ${ratio.padStart(6)}  ${r.detail}`);
}
printHeatTable(protocol, steady);
printPerCheckBySize(protocol);
if (process.argv.includes("--save-baseline")) {
  writeFileSync(baselinePath, `${JSON.stringify(Object.fromEntries(rows.map((r) => [r.name, Number(r.ms.toFixed(1))])), null, 2)}\n`);
  console.log(`baseline saved to ${baselinePath}`);
} else if (Object.keys(baseline).length === 0) {
  console.log("(no baseline yet: run `npm run bench -- --save-baseline` to record one; ratio = this run / baseline)");
}
