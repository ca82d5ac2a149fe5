/**
 * Core's runtime conformance suite against a real Redis: in manual mode (checks stepped one
 * at a time from BullMQ) and in auto mode (real BullMQ workers), with peer runtimes standing
 * for other processes.
 */
import { describe, it } from "vitest";
import { runtimeConformance } from "@converge/core/testing";
import { redisConformanceTarget } from "@converge/runtime-redis/testing";
import { useTestRedis } from "./support/suite.js";

const redis = useTestRedis();

for (const mode of ["manual", "auto"] as const) {
  describe(`runtime conformance: Redis runtime, ${mode} mode`, () => {
    const factory = redisConformanceTarget({
      get connection() {
        return redis.url;
      },
      mode,
      runtime: { stalledIntervalMs: 1000, jobLockMs: 2000, leaseTtlMs: 2000 },
    });
    for (const c of runtimeConformance(factory, { peers: true })) it(c.name, () => c.run());
  });
}
