import { benchProtocol } from "../protocol-bench.js";
const n = Number(process.env.N ?? 10000);
const shapes = (process.env.SHAPES ?? "wide").split(",") as ("wide")[];
for (const r of await benchProtocol([n], shapes)) console.log(r.name, r.ms.toFixed(0), "ms", (r.ms * 1000 / r.checks).toFixed(1), "us/check", r.peakHeapMiB.toFixed(0), "MiB");
