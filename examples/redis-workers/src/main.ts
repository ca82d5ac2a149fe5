/**
 * Converge on Redis with three worker processes:
 *
 *   1. a local Redis (or $REDIS_URL), under a fresh key prefix;
 *   2. three `converge worker` processes, one check at a time each;
 *   3. `converge apply v1.yaml --no-wait`, followed by `converge events --follow`;
 *   4. while v1's services are being created, `converge apply v2.yaml`: a superseding update
 *      (no stack lock: v1's traversal stops propagating, rows it holds are handed over);
 *   5. the final stack is checked to be v2 exactly; the workers stop gracefully.
 *
 * Exits 0 when the final stack is correct.
 *
 *   npm install && npm start -w examples/redis-workers
 */
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ConvergeProcess } from "./converge-process.js";
import { converge, convergeRun } from "./converge-process.js";
import { localRedis } from "./local-redis.js";
import type { EventLine, ShownStack } from "./verify.js";
import { verifyFinalStack } from "./verify.js";

const templates = join(dirname(fileURLToPath(import.meta.url)), "../templates");
const say = (text: string): void => void process.stdout.write(`\n== ${text}\n`);

async function main(): Promise<number> {
  const redis = await localRedis();
  const prefix = `redis-workers-${randomBytes(3).toString("hex")}`;
  const on = ["--redis", redis.url, "--prefix", prefix];
  say(`Redis ${redis.own ? "started" : "from REDIS_URL"} at ${redis.url}, key prefix ${prefix}`);
  const workers: ConvergeProcess[] = [];
  try {
    say(`starting 3 workers: converge worker --redis ${redis.url} --prefix ${prefix} --concurrency 1`);
    for (let i = 1; i <= 3; i++) workers.push(converge(["worker", ...on, "--concurrency", "1", "--engine-id", `worker-${i}`], `[worker-${i}]`));
    await Promise.all(workers.map((w) => w.waitFor(/^worker \S+ ready/m)));

    say("converge apply templates/v1.yaml --stack demo --no-wait");
    const started = await convergeRun(["apply", join(templates, "v1.yaml"), "--stack", "demo", "--no-wait", ...on], "[apply v1]");
    if (started.code !== 0) throw new Error(`apply v1 exited with ${started.code}`);

    say("converge events demo --follow (in the background, until the stack settles)");
    const events = converge(["events", "demo", "--follow", ...on], "[events]");
    await events.waitFor(/\sdb\s+CREATE_IN_PROGRESS/);

    say("v1 is creating its services; converge apply templates/v2.yaml --stack demo --yes (supersedes v1)");
    const v2 = await convergeRun(["apply", join(templates, "v2.yaml"), "--stack", "demo", "--yes", ...on], "[apply v2]");
    if (v2.code !== 0) throw new Error(`apply v2 exited with ${v2.code}`);
    if ((await events.exited) !== 0) throw new Error("converge events --follow failed");

    say("converge show demo");
    await convergeRun(["show", "demo", ...on], "[show]");
    const shown = JSON.parse((await convergeRun(["show", "demo", "--json", ...on], null)).stdout) as ShownStack;
    const lines = (await convergeRun(["events", "demo", "--json", ...on], null)).stdout.trim().split("\n");
    const problems = verifyFinalStack(shown, lines.map((l) => JSON.parse(l) as EventLine));
    if (problems.length > 0) {
      say("the final stack is NOT what v2 describes:");
      for (const problem of problems) process.stdout.write(`  - ${problem}\n`);
      return 1;
    }
    say("✔ the stack is exactly v2 (UPDATE_COMPLETE); v1's create never completed: v2 superseded it while it ran");
    await convergeRun(["delete", "demo", "--yes", ...on], "[delete]");
    return 0;
  } finally {
    say("stopping the workers (SIGTERM: graceful)");
    for (const w of workers) w.child.kill("SIGTERM");
    const codes = await Promise.all(workers.map((w) => w.exited));
    if (codes.some((c) => c !== 0)) {
      process.stdout.write(`workers did not stop cleanly: exit codes ${codes.join(", ")}\n`);
      process.exitCode = 1;
    }
    await redis.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code === 0 ? (process.exitCode ?? 0) : code;
  },
  (error: unknown) => {
    process.stderr.write(`redis-workers example failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
