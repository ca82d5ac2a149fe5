import { runSeed } from "./run-seed.js";
const variant = process.argv[2] as "read";
const re = new RegExp(process.argv[3] as string, "s");
for (const seed of process.argv.slice(4).map(Number)) {
  const r = await runSeed(seed, variant);
  if (re.test(r.trace)) console.log("match", seed);
}
