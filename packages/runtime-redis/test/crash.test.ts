/**
 * Crash safety against real worker processes killed with SIGKILL while they hold a row in
 * progress, at seeded points of each traversal (see `support/crash-scenario.ts`). `CRASH_SEED` replays a run; `npm run fuzz` runs many seeds.
 */
import { describe, expect, it } from "vitest";
import { crashScenario } from "./support/crash-scenario.js";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

describe("crash safety", () => {
  it("kill -9 of workers holding rows in progress: new workers complete every traversal; nothing created twice or orphaned", { timeout: 240_000 }, async () => {
    const kills = await crashScenario({ redisUrl: redis.url, seed: Number(process.env.CRASH_SEED ?? Date.now() % 100_000), kills: 3 });
    expect(kills).toHaveLength(3 + 3 + 2);
    expect(kills.filter((k) => !/ holding \S+ (CREATE|UPDATE|DELETE)_IN_PROGRESS, /.test(k))).toEqual([]);
  });
});
