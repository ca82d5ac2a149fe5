import { runSeed } from "./run-seed.js";
const variant = process.argv[2] as "read";
for (const seed of process.argv.slice(3).map(Number)) {
  const t = Date.now();
  const r = await runSeed(seed, variant);
  console.log(`${variant} ${seed} ${r.violations.length ? "FAIL " + r.violations[0] : "ok"} (${Date.now() - t} ms) ${JSON.stringify(r.stats)}`);
}
