/**
 * examples/redis-workers, run as a user would (`tsx src/main.ts`) against a test-owned
 * redis-server (else REDIS_URL, else the test fails saying how to get one): three worker
 * processes, v1 applied, v2 superseding it while it runs; the example checks the final stack
 * itself and exits 0 only when it is exactly v2.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRedis } from "@converge/runtime-redis/testing";
import type { TestRedis } from "@converge/runtime-redis/testing";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsx = pathToFileURL(createRequire(join(root, "package.json")).resolve("tsx")).href;

let redis: TestRedis;
beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await redis.stop();
});

function runExample(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", tsx, "src/main.ts"], {
      cwd: join(root, "examples/redis-workers"),
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, "tsconfig.json"), NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 170_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("examples/redis-workers", () => {
  it("converges the stack to v2 with three workers while v2 supersedes v1", async () => {
    const result = await runExample({ REDIS_URL: redis.url });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/== Redis from REDIS_URL at redis:\/\/127\.0\.0\.1:\d+, key prefix redis-workers-[0-9a-f]{6}/);
    for (const i of [1, 2, 3]) {
      expect(out).toMatch(new RegExp(`\\[worker-${i}\\] worker worker-${i} ready: `));
      expect(out).toMatch(new RegExp(`\\[worker-${i}\\] worker worker-${i} stopped`));
    }
    expect(out).toMatch(/\[events\] \S+\s+demo\s+CREATE_IN_PROGRESS\s+Stack CREATE started/);
    expect(out).toMatch(/\[events\] \S+\s+demo\s+UPDATE_IN_PROGRESS\s+Stack UPDATE started/);
    expect(out).toMatch(/\[events\] \S+\s+demo\s+UPDATE_COMPLETE\s+Stack UPDATE completed successfully/);
    expect(out).not.toMatch(/demo\s+CREATE_COMPLETE/);
    expect(out).toMatch(/\[apply v2\] .*cache\s+\S+\s+replacement \d+ made/);
    expect(out).toMatch(/\[apply v2\] ✔ stack demo UPDATE_COMPLETE/);
    expect(out).toMatch(/\[apply v2\] {3}app: db-v2-demo-network-\S+,cache-v2,search-v2/);
    expect(out).toMatch(/== ✔ the stack is exactly v2 \(UPDATE_COMPLETE\)/);
  }, 180_000);
});
