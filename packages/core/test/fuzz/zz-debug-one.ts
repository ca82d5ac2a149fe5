import { runSeed } from "./run-seed.js";
import { failureReport } from "./fuzz-env.js";
const [seed, variant] = [Number(process.argv[2]), process.argv[3] as "read"];
const r = await runSeed(seed, variant);
console.log(r.violations.length ? failureReport(r) : `ok\n${r.trace}`);
