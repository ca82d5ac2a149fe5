import { runSeed } from "./run-seed.js";
const variant = process.argv[2] as "read";
let idle = 0;
for (const seed of process.argv.slice(3).map(Number)) {
  const r = await runSeed(seed, variant);
  if (r.trace.includes("idle while")) { idle++; console.log(seed, r.stats, r.trace.split("\n").filter((l) => l.includes("idle while")).slice(0, 2)); }
}
console.log("idle seeds", idle);
